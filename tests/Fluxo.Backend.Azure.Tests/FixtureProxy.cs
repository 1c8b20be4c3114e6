using System.Net;
using System.Net.Sockets;
using System.Text;
using Fluxo.Pipes.Fetching;

namespace Fluxo.Backend.Azure.Tests;

/// <summary>
/// An HTTP proxy on a free 127.0.0.1 port that answers every request from pipe fixtures (urls.tsv, matched as
/// <c>fluxo run --fixtures</c> matches them), so a generated service fetches the URLs its pipes name over real HTTP and
/// reads what the local run reads. A proxy, not an <see cref="LoopbackHttpServer"/>: requests arrive in absolute form
/// for other hosts, which HttpListener's host matching refuses. Unmapped URLs are 404.
/// </summary>
public sealed class FixtureProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IReadOnlyList<FixtureFetcher> _fixtures;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _served;

    public FixtureProxy(IEnumerable<string> fixtureDirs)
    {
        _fixtures = [.. fixtureDirs.Select(FixtureFetcher.Load)];
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>Requests answered from a fixture.</summary>
    public int Served => Volatile.Read(ref _served);

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var head = await ReadHeadAsync(stream);
            var target = head.Split("\r\n")[0].Split(' ') is [_, var t, ..] ? t : "";
            var (status, type, body) = await AnswerAsync(target);
            var header = $"HTTP/1.1 {status}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n{(type is null ? "" : $"Content-Type: {type}\r\n")}\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(header), _stop.Token);
            await stream.WriteAsync(body, _stop.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            // The client went away; nothing to answer.
        }
    }

    private async Task<(string Status, string? Type, byte[] Body)> AnswerAsync(string target)
    {
        foreach (var fixtures in _fixtures)
        {
            try
            {
                var r = await fixtures.FetchAsync(target, _stop.Token);
                Interlocked.Increment(ref _served);
                return ("200 OK", r.ContentType, r.Body);
            }
            catch (FetchException)
            {
                // Not in this map; try the next.
            }
        }

        return ("404 Not Found", "text/plain", Encoding.UTF8.GetBytes("no fixture for " + target));
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (buffer.Count < 65536 && await stream.ReadAsync(one) == 1)
        {
            buffer.Add(one[0]);
            if (buffer.Count >= 4 && buffer[^1] == '\n' && buffer[^2] == '\r' && buffer[^3] == '\n' && buffer[^4] == '\r')
            {
                break;
            }
        }

        return Encoding.ASCII.GetString([.. buffer]);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _loop.Wait(TimeSpan.FromSeconds(5));
        _listener.Dispose();
        _stop.Dispose();
    }
}
