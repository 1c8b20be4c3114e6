using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using Fluxo.TestSupport;
using Fluxo.Values;

namespace Fluxo.Backend.Azure.Tests;

/// <summary>
/// The generated weather service (policy cache on the by-IP branch) exports its spans and metrics over OTLP to a
/// loopback collector, and its extern calls fail, time out and retry as the externs' declarations say: a failing or
/// silent extern is the handler's 502, never a hang.
/// </summary>
[Collection("generated")]
public sealed class TelemetryAndResilienceTests(BuiltSolutions built, TelemetryAndResilienceTests.SharedAzurite shared) : IClassFixture<TelemetryAndResilienceTests.SharedAzurite>
{
    /// <summary>One Azurite for the class's tests: each start costs seconds on a busy machine.</summary>
    public sealed class SharedAzurite : IDisposable
    {
        private readonly Lazy<AzuriteServer> _server = new(() => new AzuriteServer());

        public AzuriteServer Server => _server.Value;

        public void Dispose()
        {
            if (_server.IsValueCreated)
            {
                _server.Value.Dispose();
            }
        }
    }

    [Fact]
    public async Task ExportsASpanPerRequestNodeAndCacheLookupAndCacheMetricsOverOtlp()
    {
        Assert.True(built.Weather.ExitCode == 0, built.Weather.BuildLog);
        var azurite = shared.Server;
        using var redis = new RedisServer();
        using var collector = new OtlpCollector();
        var runtime = LocalRuntime.Weather();
        using var stub = new ExternStub(runtime.ExternFunctions());
        using var frontEnd = new ServiceProcess(built.Weather.Dll("Weather.FrontEnd"), new Dictionary<string, string>(ServiceConfig.Weather(azurite, redis, stub.Url))
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "300",
        });
        using var http = new HttpClient { BaseAddress = new Uri(frontEnd.BaseUrl) };

        // By-IP requests go through the cache; each ip is asked twice in a row, so every second one hits.
        // Six distinct ips of ~230 bytes overflow the 1000-byte budget, so the cache evicts.
        string[] ips = ["1.1.1.1", "1.1.1.1", "2.2.2.2", "2.2.2.2", "3.3.3.3", "3.3.3.3", "4.4.4.4", "4.4.4.4", "5.5.5.5", "5.5.5.5", "6.6.6.6", "6.6.6.6"];
        var ids = new List<string>();
        foreach (var ip in ips)
        {
            var id = "req-" + ids.Count;
            ids.Add(id);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/weather") { Content = new StringContent($$"""{"ip": "{{ip}}", "zip": ""}""", Encoding.UTF8, "application/json") };
            request.Headers.Add("X-Request-Id", id);
            var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var requests = await WaitFor(() => collector.Spans.Where(s => s.Name == "request weather").ToList(), l => l.Count >= ips.Length, frontEnd);
        Assert.Equal(ips.Length, requests.Count);
        Assert.Equal(ids.Order(), requests.Select(s => (string)s.Attributes["fluxo.request.id"]).Order());
        Assert.All(requests, s => Assert.Equal("weather", s.Attributes["fluxo.handler"]));

        var graph = Samples.Weather().Graphs.Single();
        var spans = collector.Spans.ToList();
        var nodes = spans.Where(s => s.Attributes.ContainsKey("fluxo.node")).ToList();
        Assert.NotEmpty(nodes);
        Assert.All(nodes, s =>
        {
            Assert.Equal("weather", s.Attributes["fluxo.handler"]);
            var node = graph[(int)(long)s.Attributes["fluxo.node"]];
            Assert.Equal(node.Kind.ToString(), s.Attributes["fluxo.node.kind"]);
        });

        // Every request has its own trace holding its node spans: the sink always runs.
        var traces = requests.Select(r => r.TraceId).ToHashSet();
        Assert.Equal(ips.Length, traces.Count);
        Assert.All(traces, t => Assert.Contains(nodes, n => n.TraceId == t && (long)n.Attributes["fluxo.node"] == graph.SinkId));

        var lookups = spans.Where(s => s.Attributes.ContainsKey("fluxo.cache")).ToList();
        Assert.Equal(ips.Length, lookups.Count);
        Assert.All(lookups, s => Assert.Equal("weather.0", s.Attributes["fluxo.cache"]));
        Assert.All(lookups, s => Assert.Equal("weather", s.Attributes["fluxo.handler"]));
        Assert.Equal(ips.Length / 2, lookups.Count(s => (bool)s.Attributes["fluxo.cache.hit"]));
        Assert.Equal(ips.Length / 2, stub.Calls["ipToCity"]);

        // Counters are cumulative: the last point per attribute set is the total.
        var hits = await WaitFor(() => Last(collector, "fluxo.cache.lookups", "fluxo.cache.hit", true), v => v >= ips.Length / 2, frontEnd);
        Assert.Equal(ips.Length / 2, hits);
        Assert.Equal(ips.Length / 2, Last(collector, "fluxo.cache.lookups", "fluxo.cache.hit", false));
        var evictions = await WaitFor(() => Last(collector, "fluxo.cache.evictions", "fluxo.cache", "weather.0"), v => v > 0, frontEnd);
        Assert.InRange(evictions, 1, ips.Length / 2);
    }

    [Fact]
    public async Task AFailingExternIsTheHandlersErrorAfterItsRetries()
    {
        Assert.True(built.Weather.ExitCode == 0, built.Weather.BuildLog);
        var azurite = shared.Server;
        using var faulty = new FaultyExtern(hang: false);
        using var frontEnd = WeatherWith(azurite, faulty);
        using var http = new HttpClient { BaseAddress = new Uri(frontEnd.BaseUrl) };

        var response = await http.PostAsync("/weather", new StringContent("""{"ip": "1.1.1.1", "zip": ""}""", Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var error = ValueJson.Parse(body);
        Assert.Equal("extern_failed", error.GetField("error")!.AsString);
        Assert.Contains("ipToCity", error.GetField("message")!.AsString, StringComparison.Ordinal);

        // ipToCity has no side effects, so it is tried once and retried twice.
        Assert.Equal(3, faulty.Calls);

        // The failed request's trace (ipToCity read its input, then failed) is one the optimizer accepts: each source
        // edge recorded once, pulled from the blobs the service appended to.
        frontEnd.Terminate();
        var dir = Directory.CreateTempSubdirectory("fluxo-failed-trace-").FullName;
        try
        {
            var ir = Path.Combine(dir, "weather.ir.json");
            await File.WriteAllTextAsync(ir, Fluxo.Ir.IrJson.Serialize(Samples.Weather()));
            var pulled = Path.Combine(dir, "pulled.bin");
            var (pull, pullOutput) = Cli("traces", "pull", ir, "--storage", azurite.ConnectionString, "-o", pulled);
            Assert.True(pull == 0, pullOutput);
            var (optimize, optimizeOutput) = Cli("optimize", ir, "--trace", pulled, "--budget", "4KB", "-o", Path.Combine(dir, "policy.json"));
            Assert.True(optimize == 0, optimizeOutput);
            Assert.DoesNotContain("FLX2005", optimizeOutput, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static (int Code, string Output) Cli(params string[] args)
    {
        var output = new StringWriter();
        var code = global::Fluxo.Cli.Program.BuildRoot().Parse(args).Invoke(new System.CommandLine.InvocationConfiguration { Output = output, Error = output });
        return (code, output.ToString());
    }

    [Fact]
    public async Task ASilentExternTimesOutAtItsDeclaredBoundNeverHangs()
    {
        Assert.True(built.Weather.ExitCode == 0, built.Weather.BuildLog);
        var azurite = shared.Server;
        using var faulty = new FaultyExtern(hang: true);
        using var frontEnd = WeatherWith(azurite, faulty);
        using var http = new HttpClient { BaseAddress = new Uri(frontEnd.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };

        // ipToCity declares 40 ms: each try may take 1 s (the floor of 10x), three tries and backoff about 4 s in all.
        var sw = Stopwatch.StartNew();
        var response = await http.PostAsync("/weather", new StringContent("""{"ip": "1.1.1.1", "zip": ""}""", Encoding.UTF8, "application/json"));
        sw.Stop();
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("ipToCity", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.InRange(sw.Elapsed.TotalSeconds, 2.5, 15);
        Assert.Equal(3, faulty.Calls);
    }

    private ServiceProcess WeatherWith(AzuriteServer azurite, FaultyExtern faulty) =>
        new(built.Weather.Dll("Weather.FrontEnd"), ServiceConfig.Weather(azurite, null, _ => faulty.Url));

    private static double Last(OtlpCollector collector, string metric, string key, object value) =>
        collector.Points.Where(p => p.Metric == metric && p.Attributes.TryGetValue(key, out var v) && v.Equals(value)).Select(p => p.Value).LastOrDefault();

    private static async Task<T> WaitFor<T>(Func<T> read, Func<T, bool> done, ServiceProcess service)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var value = read();
            if (done(value) || sw.Elapsed > TimeSpan.FromSeconds(20))
            {
                Assert.True(done(value), $"not exported within 20 s; service log:\n{service.Log}");
                return value;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>An extern that answers 500 to every call, or never answers at all.</summary>
    private sealed class FaultyExtern : LoopbackHttpServer
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly bool _hang;
        private int _calls;

        public FaultyExtern(bool hang)
        {
            _hang = hang;
            Url = $"http://127.0.0.1:{Port}/x";
            Start();
        }

        public string Url { get; }
        public int Calls => Volatile.Read(ref _calls);

        protected override async Task HandleAsync(HttpListenerContext ctx)
        {
            Interlocked.Increment(ref _calls);
            if (_hang)
            {
                await Task.Delay(Timeout.Infinite, _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }

            try
            {
                ctx.Response.StatusCode = 500;
                ctx.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                // A hung call answered only at Dispose: the listener, or the client that gave up, is gone.
            }
        }

        protected override void OnStopping() => _stop.Cancel();
    }
}
