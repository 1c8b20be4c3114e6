using System.Collections.Concurrent;
using System.Net;
using Fluxo.Values;

namespace Fluxo.Backend.Azure.Tests;

/// <summary>
/// Stand-in extern web services on loopback, speaking the extern HTTP protocol: POST a JSON object of the arguments,
/// answer the result value as JSON. Counts calls per extern, so tests can see what a cache saved.
/// </summary>
public sealed class ExternStub : LoopbackHttpServer
{
    private readonly Dictionary<string, Func<Value, Value>> _functions;

    public ConcurrentDictionary<string, int> Calls { get; } = new();

    public ExternStub(Dictionary<string, Func<Value, Value>> functions)
    {
        _functions = functions;
        Start();
    }

    public string Url(string name) => $"http://127.0.0.1:{Port}/{name}";

    protected override Task HandleAsync(HttpListenerContext ctx)
    {
        var name = ctx.Request.Url!.AbsolutePath.Trim('/');
        using var reader = new StreamReader(ctx.Request.InputStream);
        var args = ValueJson.Parse(reader.ReadToEnd());
        if (ctx.Request.HttpMethod != "POST" || !_functions.TryGetValue(name, out var f) || args.Kind != ValueKind.Record)
        {
            ctx.Response.StatusCode = 404;
            ctx.Response.Close();
            return Task.CompletedTask;
        }

        Calls.AddOrUpdate(name, 1, (_, n) => n + 1);
        var body = System.Text.Encoding.UTF8.GetBytes(ValueJson.Serialize(f(args)));
        ctx.Response.ContentType = "application/json";
        ctx.Response.OutputStream.Write(body);
        ctx.Response.Close();
        return Task.CompletedTask;
    }
}
