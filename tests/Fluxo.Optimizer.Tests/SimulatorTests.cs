using Fluxo.Diagnostics;
using Fluxo.Optimizer.Replay;
using Fluxo.Policy;
using Fluxo.TestSupport;
using Fluxo.Trace;

namespace Fluxo.Optimizer.Tests;

public sealed class SimulatorTests
{
    private static readonly CostModel Cost = new(LookupMs: 0.5, InsertMs: 0.25);

    internal static OptimizationSession Session(TraceData trace, CostModel? cost = null)
    {
        var diagnostics = new DiagnosticBag();
        var session = OptimizationSession.Create(WeatherIr.Module(), trace, "hand.log", 1 << 20, diagnostics, cost: cost);
        Assert.False(diagnostics.HasErrors, string.Join("\n", diagnostics.Items));
        return session!;
    }

    internal static CachePlacement Cache(OptimizationSession s, long bytes, params int[] nodes) =>
        new(s.AllCandidates.Single(c => c.Nodes.SequenceEqual(nodes)), bytes);

    [Fact]
    public void Without_caches_latency_is_the_critical_path_of_recorded_self_latencies()
    {
        var s = Session(HandTrace.Of(HandTrace.IpRequest(1, "a", "x", "sunny"), HandTrace.ZipRequest(2, "a", "98052", "rainy")));
        var result = s.Simulator.Run([]);
        Assert.Equal(33, result.P50Ms, 9); // ipToCity 10 + cityToWeather 20 + If 1 + buildHtml 2
        Assert.Equal(43, result.P99Ms, 9); // zipToWeather 40 + If 1 + buildHtml 2
        Assert.Equal(38, result.MeanMs, 9);
    }

    [Fact]
    public void Values_from_different_nodes_may_arrive_out_of_input_order()
    {
        // The runtime records edges in time order: the If's branch value (2 -> 4) can come before its condition input (0 -> 4).
        var ordered = HandTrace.IpRequest(1, "a", "x", "sunny");
        var swapped = ordered with { Id = 2, Edges = [.. ordered.Edges.OrderBy(e => e.From == 2 && e.To == 4 ? 0 : 1)] };
        Assert.Equal((2, 4), (swapped.Edges[0].From, swapped.Edges[0].To));
        var s = Session(HandTrace.Of(ordered, swapped));
        Assert.Equal(s.Parts[0].Trace.ShapeOf[0], s.Parts[0].Trace.ShapeOf[1]);
        Assert.Equal(33, s.Simulator.Run([]).P99Ms, 9);
    }

    [Fact]
    public void Hit_serves_at_lookup_and_miss_pays_lookup_then_insert_and_one_entry_budget_evicts()
    {
        var trace = HandTrace.Of(
            HandTrace.IpRequest(1, "a", "x", "sunny"),
            HandTrace.IpRequest(2, "a", "x", "sunny"),
            HandTrace.IpRequest(3, "b", "y", "rainy"),
            HandTrace.IpRequest(4, "a", "x", "sunny"));
        var s = Session(trace, Cost);
        var entry = HandTrace.Bytes("sunny") + Fluxo.Policy.CacheKey.EntryOverheadBytes;

        var one = s.Simulator.Run([Cache(s, entry, WeatherIr.CityToWeather)]);
        // Miss: inputs ready at 10, lookup to 10.5, run 20, insert 0.25, then If and buildHtml: 33.75. Hit: 10.5 + 3 = 13.5.
        Assert.Equal((13.5 + (3 * 33.75)) / 4, one.MeanMs, 9);
        Assert.Equal(1, one.Caches[0].Hits);
        Assert.Equal(4, one.Caches[0].Lookups);
        Assert.Equal(entry, one.Caches[0].PeakBytes);

        var two = s.Simulator.Run([Cache(s, 2 * entry, WeatherIr.CityToWeather)]);
        Assert.Equal(2, two.Caches[0].Hits);
        Assert.Equal(((2 * 13.5) + (2 * 33.75)) / 4, two.MeanMs, 9);
    }

    [Fact]
    public void A_request_that_demands_no_cached_node_runs_as_with_no_cache()
    {
        var trace = HandTrace.Of(
            HandTrace.IpRequest(1, "a", "x", "sunny"),
            HandTrace.ZipRequest(2, "a", "98052", "rainy"),
            HandTrace.ZipRequest(3, "b", "98052", "rainy"));
        var s = Session(trace, Cost);
        var zip = s.Simulator.Run([Cache(s, 1 << 10, WeatherIr.ZipToWeather)]);

        // The IP request never reaches zipToWeather: 33 as without caches. The first zip request misses (0.5 + 40 + 0.25 + 3), the second hits (0.5 + 3).
        Assert.Equal((33 + 43.75 + 3.5) / 3, zip.MeanMs, 9);
        Assert.Equal(33, zip.P50Ms, 9);
        Assert.Equal((1, 2), (zip.Caches[0].Hits, zip.Caches[0].Lookups));
    }

    [Fact]
    public void All_encompassing_cache_keys_on_request_fields_and_stores_the_response()
    {
        var trace = HandTrace.Of(
            HandTrace.IpRequest(1, "a", "x", "sunny"),
            HandTrace.IpRequest(2, "a", "x", "sunny"),
            HandTrace.ZipRequest(3, "a", "98052", "rainy"));
        var s = Session(trace, Cost);
        var all = s.Simulator.Run([Cache(s, 1 << 20, 1, 2, 3, 4, 5)]);
        // Miss of the ip request: 0.5 + 10 + 20 + 1 + 2 + 0.25; hit: 0.5; miss of the zip request: 0.5 + 40 + 1 + 2 + 0.25.
        Assert.Equal((33.75 + 0.5 + 43.75) / 3, all.MeanMs, 9);
        Assert.Equal(1, all.Caches[0].Hits);
        var expectedBytes = HandTrace.Bytes("<p>sunny</p>") + HandTrace.Bytes("<p>rainy</p>") + (2 * Fluxo.Policy.CacheKey.EntryOverheadBytes);
        Assert.Equal(expectedBytes, all.Caches[0].PeakBytes);
    }

    [Fact]
    public void Replay_is_deterministic()
    {
        var trace = new WeatherTraceGenerator().Generate(WeatherWorkload.Paper[0], 3000, 5);
        var s = Session(trace);
        var caches = new[] { Cache(s, 20_000, WeatherIr.CityToWeather), Cache(s, 30_000, WeatherIr.ZipToWeather) };
        Assert.Equal(s.Simulator.Run(caches), s.Simulator.Run(caches), new ResultComparer());
    }

    [Fact]
    public void Recomputed_latency_without_caches_matches_the_recorded_one()
    {
        var trace = new WeatherTraceGenerator().Generate(WeatherWorkload.Paper[1], 2000, 3);
        var s = Session(trace);
        var recorded = trace.Requests.Select(r => r.LatencyMs).Order().ToArray();
        Assert.Equal(recorded[(int)Math.Ceiling(0.5 * recorded.Length) - 1], s.Simulator.Run([]).P50Ms, 9);
        Assert.Equal(recorded.Average(), s.Simulator.Run([]).MeanMs, 6);
    }

    private sealed class ResultComparer : IEqualityComparer<SimulationResult>
    {
        public bool Equals(SimulationResult? x, SimulationResult? y) =>
            x!.MeanMs == y!.MeanMs && x.P50Ms == y.P50Ms && x.P99Ms == y.P99Ms && x.Caches.SequenceEqual(y.Caches);

        public int GetHashCode(SimulationResult obj) => obj.MeanMs.GetHashCode();
    }
}
