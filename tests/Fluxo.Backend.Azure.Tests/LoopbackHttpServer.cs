using System.Collections.Concurrent;
using System.Net;
using Fluxo.TestSupport;

namespace Fluxo.Backend.Azure.Tests;

/// <summary>
/// A test's own HTTP server on a free 127.0.0.1 port: each request is handed to <see cref="HandleAsync"/> on the thread
/// pool, and disposing stops accepting, then waits for the handlers still running.
/// </summary>
public abstract class LoopbackHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentBag<Task> _handlers = [];
    private Task? _loop;

    protected LoopbackHttpServer()
    {
        Port = Ports.Free();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
    }

    public int Port { get; }

    /// <summary>Starts accepting: a derived constructor calls it last, once the state its handler reads is set.</summary>
    protected void Start()
    {
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    protected abstract Task HandleAsync(HttpListenerContext ctx);

    /// <summary>Called before the listener stops, so a handler holding a request open can let it go.</summary>
    protected virtual void OnStopping()
    {
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _handlers.Add(Task.Run(() => HandleAsync(ctx)));
        }
    }

    public void Dispose()
    {
        OnStopping();
        _listener.Stop();
        _listener.Close();
        _loop?.Wait(TimeSpan.FromSeconds(5));
        try
        {
            Task.WaitAll([.. _handlers], TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // A handler whose client went away failed; the test has what it needs from the others.
        }

        GC.SuppressFinalize(this);
    }
}
