using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Fluxo.Cli.Shared;
using Fluxo.Diagnostics;
using Fluxo.Frontends;
using Fluxo.Runtime;
using Fluxo.Runtime.Workloads;
using Fluxo.Values;

namespace Fluxo.Cli.Commands;

/// <summary>
/// `fluxo load URL --workload W.json --requests N --concurrency C [--output answers.jsonl]`: drive a running service
/// (the generated front end) over HTTP with a workload, open loop, and print latency percentiles and errors.
/// </summary>
internal static class LoadCommand
{
    public sealed record Arguments(string Url, string Workload, string? Service, int Requests, int Concurrency, string? Output, ulong? Seed);

    /// <summary>One answer, keyed by session (client) and step, so two runs of one workload and seed line up.</summary>
    public sealed record Answer(long Client, int Step, string Handler, string Input, int Status, string Body);

    public static Command Create()
    {
        var url = new Argument<string>("url") { Description = "The service's base URL (loopback only), e.g. http://127.0.0.1:5000." };
        var workload = new Option<string>("--workload", "-w") { Description = "The workload to send (docs/workload-format.md).", Required = true };
        var service = new Option<string?>("--service") { Description = "The service the workload is for (default: the one .flimp or .ir.json beside the workload)." };
        var requests = new Option<int>("--requests", "-n") { Description = "How many requests to send.", DefaultValueFactory = _ => 1000 };
        var concurrency = new Option<int>("--concurrency", "-c") { Description = "Keep-alive connections, and requests in flight at most.", DefaultValueFactory = _ => 16 };
        var output = new Option<string?>("--output", "-o") { Description = "Write every answer here, one JSON object a line (answers.jsonl), ordered by client and step." };
        var seed = new Option<ulong?>("--seed") { Description = "Seed for sessions and inputs (default: the workload's)." };
        var cmd = new Command("load", "Drive a running service over HTTP with a workload (open loop, keep-alive) and print latency percentiles and errors.")
        {
            url, workload, service, requests, concurrency, output, seed,
        };
        cmd.SetAction((parse, ct) => RunAsync(
            new Arguments(parse.GetRequiredValue(url), parse.GetRequiredValue(workload), parse.GetValue(service), parse.GetValue(requests), parse.GetValue(concurrency), parse.GetValue(output), parse.GetValue(seed)),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error,
            ct));
        return cmd;
    }

    public static async Task<int> RunAsync(Arguments args, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var diags = new DiagnosticBag();
        if (!Uri.TryCreate(args.Url, UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https") || !baseUri.IsLoopback)
        {
            diags.Add(Diag.LoadBadUrl(args.Url));
        }

        if (args.Requests <= 0 || args.Concurrency <= 0)
        {
            diags.Add(Diag.LoadBadCounts(args.Requests, args.Concurrency));
        }

        var servicePath = args.Service ?? Beside(args.Workload, diags);
        var module = servicePath is null || diags.HasErrors ? null : ServiceLoader.Load(servicePath, diags);
        var workload = module is null || diags.HasErrors ? null : WorkloadJson.Read(args.Workload, module, diags);
        if (workload is null || diags.HasErrors)
        {
            DiagnosticPrinter.Print(diags, error);
            return 1;
        }

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = args.Concurrency, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) };
        using var http = new HttpClient(handler) { BaseAddress = baseUri, Timeout = TimeSpan.FromMinutes(2) };
        using var inFlight = new SemaphoreSlim(args.Concurrency);
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

        await new OpenLoopDriver(workload, args.Seed ?? workload.Seed).RunAsync(args.Requests, wall, Issue, ct);
        var seconds = wall.Elapsed.TotalSeconds;
        var report = RunReport.Build(latencies.ToDictionary(k => k.Key, k => k.Value), seconds, seconds, []);
        LatencyTable.Write(report, ClockMode.Real, null, output, interactive: false);
        foreach (var (what, n) in failures.OrderByDescending(f => f.Value))
        {
            output.WriteLine($"errors: {n} x {what}");
        }

        if (args.Output is not null)
        {
            var lines = answers.OrderBy(a => a.Client).ThenBy(a => a.Step)
                .Select(a => System.Text.Json.JsonSerializer.Serialize(new { client = a.Client, step = a.Step, handler = a.Handler, input = a.Input, status = a.Status, answer = a.Body }));
            if (!OutputFile.TryWrite(args.Output, string.Join("\n", lines) + "\n", output, diags))
            {
                DiagnosticPrinter.Print(diags, error);
                return 1;
            }

            output.WriteLine($"answers: {args.Output}");
        }

        return 0;
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

    /// <summary>The service a workload sits beside (samples keep them together): the one .flimp, else the one .ir.json.</summary>
    private static string? Beside(string workload, DiagnosticBag diags)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(workload))!;
        var found = Directory.Exists(dir) ? Directory.GetFiles(dir, "*.flimp") : [];
        if (found.Length == 0 && Directory.Exists(dir))
        {
            found = Directory.GetFiles(dir, "*.ir.json");
        }

        if (found.Length == 1)
        {
            return found[0];
        }

        diags.Add(Diag.LoadNoService(workload));
        return null;
    }
}
