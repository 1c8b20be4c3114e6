using Fluxo.Policy;
using Fluxo.Runtime.Caching;
using Fluxo.Runtime.Engine;
using Fluxo.Runtime.Workloads;
using Fluxo.TestSupport;
using Fluxo.Trace;

namespace Fluxo.Runtime.Tests;

/// <summary>The cache semantics of the brief, checked exactly; <see cref="Factory"/> picks the backend.</summary>
public class CacheTests
{
    protected virtual ICacheFactory Factory => new InProcessCacheFactory();

    public static PolicyDocument Policy(long bytes, params int[] nodes)
    {
        var g = WeatherEngine.Module.Graphs[0];
        return PolicyDocument.Empty("Weather", bytes) with
        {
            Caches = [new CacheDecision("weather", g.Hash, [.. nodes], bytes, "lru", 0, 0)],
        };
    }

    private ServiceEngine Engine(PolicyDocument policy) =>
        WeatherEngine.Create(new EngineOptions { Policy = policy, Caches = Factory, Trace = true });

    [Fact]
    public async Task MissThenHitFollowTheTimingRules()
    {
        var engine = Engine(Policy(1 << 20, WeatherIr.IpToCity, WeatherIr.CityToWeather));
        var costs = CostModel.Default;
        var miss = await engine.RunAsync("weather", WeatherIr.Request("18.9.22.1", ""), new RequestInfo(1, 1, 0));
        var hit = await engine.RunAsync("weather", WeatherIr.Request("18.9.22.1", ""), new RequestInfo(2, 1, 10));
        Assert.Equal(miss.Value, hit.Value);
        var m = miss.Trace!.Nodes.ToDictionary(n => n.Node);
        var h = hit.Trace!.Nodes.ToDictionary(n => n.Node);

        // Miss: S runs from t + LookupMs (t = 0, the Source), outputs ready after S plus InsertMs.
        Assert.Equal(costs.LookupMs, m[WeatherIr.IpToCity].StartMs, 9);
        var exitReady = m[WeatherIr.CityToWeather].StartMs + m[WeatherIr.CityToWeather].SelfMs + costs.InsertMs;
        Assert.Equal(exitReady, m[WeatherIr.Join].StartMs, 9);
        Assert.Equal(NodeStatus.Ran, m[WeatherIr.CityToWeather].Status);

        // Hit: outputs ready at t + LookupMs, S's nodes Served.
        Assert.Equal(NodeStatus.Served, h[WeatherIr.IpToCity].Status);
        Assert.Equal(NodeStatus.Served, h[WeatherIr.CityToWeather].Status);
        Assert.Equal(costs.LookupMs, h[WeatherIr.Join].StartMs, 9);
        Assert.Equal(costs.LookupMs + h[WeatherIr.BuildHtml].SelfMs, hit.LatencyMs, 9);

        var stats = engine.Caches[0].Stats;
        Assert.Equal(1, stats.Hits);
        Assert.Equal(1, stats.Misses);
        Assert.Equal(hit.Trace.Edges.Single(e => e.From == WeatherIr.CityToWeather).Bytes + 16, stats.Bytes);
    }

    [Fact]
    public async Task AnUntakenBranchNeverTouchesItsCache()
    {
        var engine = Engine(Policy(1 << 20, WeatherIr.IpToCity, WeatherIr.CityToWeather));
        await engine.RunAsync("weather", WeatherIr.Request("18.9.22.1", "02139"), new RequestInfo(1, 1, 0));
        Assert.Equal(0, engine.Caches[0].Stats.Hits + engine.Caches[0].Stats.Misses);
    }

    [Fact]
    public async Task TheByteBudgetEvictsTheLeastRecentlyUsed()
    {
        // Entries of the zip subgraph: the template pads every answer to nearly the same size, so a budget of
        // 2.5 entries holds exactly two.
        var probe = await WeatherEngine.Create(new EngineOptions { Trace = true })
            .RunAsync("weather", WeatherIr.Request("x", "10001"), new RequestInfo(1, 1, 0));
        var entry = probe.Trace!.Edges.Single(e => e.From == WeatherIr.ZipToWeather).Bytes + 16;
        var engine = Engine(Policy((entry * 5 / 2) + 2, WeatherIr.ZipToWeather));
        var id = 0L;
        async Task<NodeStatus> Run(string zip)
        {
            var r = await engine.RunAsync("weather", WeatherIr.Request("x", zip), new RequestInfo(++id, 1, id));
            return r.Trace!.Nodes.Single(n => n.Node == WeatherIr.ZipToWeather).Status;
        }

        Assert.Equal(NodeStatus.Ran, await Run("10001"));
        Assert.Equal(NodeStatus.Ran, await Run("10002"));
        Assert.Equal(NodeStatus.Served, await Run("10001"));
        Assert.Equal(NodeStatus.Ran, await Run("10003"));    // evicts 10002, the least recently used
        Assert.Equal(NodeStatus.Served, await Run("10001"));
        Assert.Equal(NodeStatus.Ran, await Run("10002"));
        Assert.Equal(2, engine.Caches[0].Stats.Evictions);
        Assert.True(engine.Caches[0].Stats.Bytes <= (entry * 5 / 2) + 2);
    }

    [Fact]
    public async Task ACachePolicyLowersTheLatencyTable()
    {
        var workload = WorkloadTraceTests.Load("workload-hot-ips.json");
        var plain = await new WorkloadRunner(WeatherEngine.Create(new EngineOptions { Caches = Factory }), workload).RunAsync(3000);
        var cachedEngine = WeatherEngine.Create(new EngineOptions { Policy = Policy(64 * 1024, WeatherIr.IpToCity, WeatherIr.CityToWeather), Caches = Factory });
        var cached = await new WorkloadRunner(cachedEngine, workload).RunAsync(3000);
        Assert.True(cached.Overall.P50Ms < plain.Overall.P50Ms / 2, $"p50 {cached.Overall.P50Ms} vs {plain.Overall.P50Ms}");
        Assert.True(cached.Overall.MeanMs < plain.Overall.MeanMs, $"mean {cached.Overall.MeanMs} vs {plain.Overall.MeanMs}");
        var row = Assert.Single(cached.Caches);
        Assert.True(row.Hits > 1000, $"hits {row.Hits}");
        // A cache only removes work: every request is at most LookupMs + InsertMs slower than without it.
        Assert.True(cached.Overall.P99Ms <= plain.Overall.P99Ms + CostModel.Default.LookupMs + CostModel.Default.InsertMs + 1e-9);
    }

    [Fact]
    public void APolicyForAnotherGraphIsRefused()
    {
        var policy = Policy(1000, WeatherIr.IpToCity) with { };
        policy = policy with { Caches = [policy.Caches[0] with { GraphHash = "feedfeedfeedfeed" }] };
        var diags = new Fluxo.Diagnostics.DiagnosticBag();
        Assert.Null(ServiceEngine.Create(WeatherEngine.Module, new EngineOptions { Policy = policy, Bindings = WeatherEngine.Bindings() }, diags));
        Assert.Equal("FLX1030", Assert.Single(diags.Items).Code);
    }

    [Fact]
    public void ACacheThatIsNotConvexIsRefusedWithTheRegionRule()
    {
        // ipToCity and the If, without cityToWeather between them: a path leaves the cache and comes back.
        var policy = Policy(1000, WeatherIr.IpToCity, WeatherIr.Join);
        var diags = new Fluxo.Diagnostics.DiagnosticBag();
        Assert.Null(ServiceEngine.Create(WeatherEngine.Module, new EngineOptions { Policy = policy, Bindings = WeatherEngine.Bindings() }, diags));
        Assert.Equal("FLX5005", Assert.Single(diags.Items).Code);
    }
}
