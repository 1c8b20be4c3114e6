using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Fluxo.Runtime.Workloads;
using Fluxo.Values;

namespace Fluxo.Cli.Deployed;

/// <summary>One answer, keyed by session (client) and step, so two runs of one workload and seed line up.</summary>
internal sealed record Answer(long Client, int Step, string Handler, string Input, int Status, string Body);

/// <summary>What a load run saw: latencies per handler, failures by kind (most frequent first), and every answer by client and step.</summary>
internal sealed record HttpLoadResult(RunReport Report, IReadOnlyList<(string What, int Count)> Failures, IReadOnlyList<Answer> Answers);

/// <summary>
/// Drives a running service (the generated front end) over HTTP with a workload, open loop, over at most
/// <c>concurrency</c> keep-alive connections; each request carries its client id and a request id unique to the run.
/// </summary>
internal static class HttpLoad
{
    public static async Task<HttpLoadResult> RunAsync(Uri baseUri, Workload workload, int requests, int concurrency, ulong? seed, CancellationToken ct)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) };
        using var http = new HttpClient(handler) { BaseAddress = baseUri, Timeout = TimeSpan.FromMinutes(2) };
        using var inFlight = new SemaphoreSlim(concurrency);
        var latencies = new ConcurrentDictionary<string, LatencyLog>(StringComparer.Ordinal);
        var answers = new ConcurrentBag<Answer>();
        var steps = new ConcurrentDictionary<long, int>();
        var failures = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var run = Guid.NewGuid().ToString("N")[..8];
        var wall = Stopwatch.StartNew();

        async Task<Value?> Issue(long id, string name, Value input, long client, double arrival, CancellationToken token)
        {
            var step = steps.AddOrUpdate(client, 0, (_, s) => s + 1);
            var json = ValueJson.Serialize(input);
            await inFlight.WaitAsync(token);
            var sent = Stopwatch.GetTimestamp();
            int status;
            string body;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, name) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
                request.Headers.Add("X-Client-Id", client.ToString(CultureInfo.InvariantCulture));
                request.Headers.Add("X-Request-Id", $"{run}-{client}-{step}");
                using var response = await http.SendAsync(request, token);
                status = (int)response.StatusCode;
                body = await response.Content.ReadAsStringAsync(token);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or SocketException)
            {
                status = 0;
                body = e.Message;
            }
            finally
            {
                inFlight.Release();
            }

            var ms = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            var ok = status is >= 200 and < 300;
            var log = latencies.GetOrAdd(name, _ => new LatencyLog());
            lock (log)
            {
                log.Add(ms, ok);
            }

            if (!ok)
            {
                failures.AddOrUpdate(status == 0 ? "no answer: " + body : $"HTTP {status}", 1, (_, n) => n + 1);
            }

            answers.Add(new Answer(client, step, name, json, status, body));
            return ok ? ParseOrNull(body) : null;
        }

        await new OpenLoopDriver(workload, seed ?? workload.Seed).RunAsync(requests, wall, Issue, ct);
        var seconds = wall.Elapsed.TotalSeconds;
        return new HttpLoadResult(
            RunReport.Build(latencies.ToDictionary(k => k.Key, k => k.Value), seconds, seconds, []),
            [.. failures.OrderByDescending(f => f.Value).Select(f => (f.Key, f.Value))],
            [.. answers.OrderBy(a => a.Client).ThenBy(a => a.Step)]);
    }

    private static Value? ParseOrNull(string body)
    {
        try
        {
            return ValueJson.Parse(body);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
