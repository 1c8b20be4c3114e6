using System.Collections.Concurrent;
using System.Net;

namespace Fluxo.Backend.Azure.Tests;

/// <summary>
/// A pass-through HTTP proxy in front of one Azurite endpoint that counts the requests a service sends it, by method and
/// first path segment after the account (the queue or table they touch); a call the client retried counts once (its tries
/// share an <c>x-ms-client-request-id</c>). Headers and body go through unchanged, so the
/// storage clients' shared-key signatures still verify.
/// </summary>
public sealed class CountingProxy : LoopbackHttpServer
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase) { "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length", "Expect" };
    private readonly HttpClient _client = new(new HttpClientHandler { UseProxy = false, AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None });
    private readonly ConcurrentQueue<(string Method, string Resource, string Call)> _seen = new();
    private readonly int _target;

    public CountingProxy(int targetPort)
    {
        _target = targetPort;
        Start();
    }

    /// <summary>Forgets what was counted so far (the service's start-up calls, say).</summary>
    public void Reset() => _seen.Clear();

    /// <summary>Requests counted since the last <see cref="Reset"/> whose method and resource match.</summary>
    public int Count(Func<string, string, bool> match) => _seen.Where(s => match(s.Method, s.Resource)).Select(s => s.Call).Distinct().Count();

    protected override async Task HandleAsync(HttpListenerContext ctx)
    {
        var raw = ctx.Request.RawUrl ?? "/";
        var segments = raw.Split('?')[0].Split('/', StringSplitOptions.RemoveEmptyEntries);
        _seen.Enqueue((ctx.Request.HttpMethod, segments.Length > 1 ? segments[1] : "", ctx.Request.Headers["x-ms-client-request-id"] ?? Guid.NewGuid().ToString()));
        using var body = new MemoryStream();
        await ctx.Request.InputStream.CopyToAsync(body);
        using var forward = new HttpRequestMessage(new HttpMethod(ctx.Request.HttpMethod), $"http://127.0.0.1:{_target}{raw}");
        if (body.Length > 0 || ctx.Request.HasEntityBody)
        {
            forward.Content = new ByteArrayContent(body.ToArray());
        }

        foreach (var name in ctx.Request.Headers.AllKeys.OfType<string>().Where(n => !HopByHop.Contains(n)))
        {
            var value = ctx.Request.Headers[name];
            if (!forward.Headers.TryAddWithoutValidation(name, value) && forward.Content is not null)
            {
                forward.Content.Headers.Remove(name);
                forward.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        try
        {
            using var answer = await _client.SendAsync(forward);
            var bytes = await answer.Content.ReadAsByteArrayAsync();
            ctx.Response.StatusCode = (int)answer.StatusCode;
            foreach (var (name, values) in answer.Headers.Concat(answer.Content.Headers).Where(h => !HopByHop.Contains(h.Key)))
            {
                ctx.Response.Headers[name] = string.Join(",", values);
            }

            ctx.Response.ContentLength64 = bytes.Length;
            await ctx.Response.OutputStream.WriteAsync(bytes);
        }
        catch (HttpRequestException)
        {
            ctx.Response.StatusCode = 502;
        }
        finally
        {
            ctx.Response.Close();
        }
    }
}
