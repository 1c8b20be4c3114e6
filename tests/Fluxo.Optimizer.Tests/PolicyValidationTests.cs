using Fluxo.Diagnostics;
using Fluxo.Policy;
using Fluxo.TestSupport;
using Fluxo.Trace;

namespace Fluxo.Optimizer.Tests;

public sealed class PolicyValidationTests
{
    private static readonly OptimizationSession Session = SimulatorTests.Session(new WeatherTraceGenerator().Generate(WeatherWorkload.Paper[0], 500, 2));

    private static (IReadOnlyList<Replay.CachePlacement>? Placement, DiagnosticBag Diagnostics) Read(long budget, params CacheDecision[] caches)
    {
        var policy = PolicyDocument.Empty("Weather", budget) with { Caches = [.. caches] };
        var diagnostics = new DiagnosticBag();
        return (Session.FromPolicy(policy, "p.json", diagnostics), diagnostics);
    }

    private static CacheDecision Cache(long bytes, params int[] nodes) =>
        new("weather", Session.Parts[0].Graph.Hash, [.. nodes], bytes, "lru", 0, 0);

    [Theory]
    [InlineData("FLX5003", new[] { 0 })]
    [InlineData("FLX5005", new[] { 1, 4 })]
    [InlineData("FLX5006", new[] { 4 })]
    [InlineData("FLX5002", new[] { 9 })]
    [InlineData("FLX5006", new[] { 2, 3, 4 })]
    public void A_cache_that_cannot_wrap_its_nodes_is_a_diagnostic(string code, int[] nodes)
    {
        var (placement, diagnostics) = Read(1000, Cache(1000, nodes));
        Assert.Null(placement);
        Assert.Equal(code, Assert.Single(diagnostics.Items).Code);
        Assert.StartsWith("p.json(1,1): error " + code, diagnostics.Items[0].Format());
    }

    [Fact]
    public void A_cache_keyed_on_a_request_field_the_trace_left_out_is_a_diagnostic()
    {
        // A trace recorded without the request's unread fields: the ip request lacks zip on the edge into zipToWeather.
        var ip = HandTrace.IpRequest(1, "1.2.3.4", "Paris", "sunny");
        var trace = HandTrace.Of(ip with { Edges = [.. ip.Edges.Where(e => e.To != WeatherIr.ZipToWeather)] }, HandTrace.ZipRequest(2, "1.2.3.4", "75001", "rain"));
        var diagnostics = new DiagnosticBag();
        var policy = PolicyDocument.Empty("Weather", 1000) with { Caches = [Cache(1000, 1, 2, 3, 4)] };
        Assert.Null(SimulatorTests.Session(trace).FromPolicy(policy, "p.json", diagnostics));
        Assert.Equal("FLX2012", Assert.Single(diagnostics.Items).Code);
    }

    [Fact]
    public void Overlapping_caches_over_budget_wrong_handler_and_stale_hash_are_diagnostics()
    {
        Assert.Equal("FLX2009", Assert.Single(Read(2000, Cache(1000, 1, 2), Cache(1000, 2)).Diagnostics.Items).Code);
        Assert.Equal("FLX2010", Assert.Single(Read(1000, Cache(1000, 1), Cache(1000, 2)).Diagnostics.Items).Code);
        Assert.Equal("FLX2011", Assert.Single(Read(1000, Cache(-5, 1)).Diagnostics.Items).Code);
        Assert.Equal("FLX2006", Assert.Single(Read(1000, Cache(10, 1) with { Handler = "nope" }).Diagnostics.Items).Code);
        Assert.Equal("FLX2007", Assert.Single(Read(1000, Cache(10, 1) with { GraphHash = "0000" }).Diagnostics.Items).Code);
    }

    [Fact]
    public void A_valid_policy_replays_and_round_trips_through_policy_json()
    {
        var (placement, diagnostics) = Read(3000, Cache(1000, 1, 2), Cache(2000, 3));
        Assert.Empty(diagnostics.Items);
        var doc = Session.ToPolicy(placement!);
        var again = PolicyJson.Parse("p.json", PolicyJson.Serialize(doc), diagnostics)!;
        Assert.Equal(Session.Simulator.Run(placement!).MeanMs, Session.Simulator.Run(Session.FromPolicy(again, "p.json", diagnostics)!).MeanMs);
        Assert.Equal([1, 2], again.Caches[0].Nodes.ToArray());
    }

    [Fact]
    public void A_trace_of_another_graph_or_with_unknown_events_is_a_diagnostic()
    {
        var module = WeatherIr.Module();
        var good = HandTrace.IpRequest(1, "a", "x", "sunny");
        var badNode = good with { Nodes = good.Nodes.Add(new NodeEvent(42, 0, 1, NodeStatus.Ran)) };
        var badEdge = good with { Edges = good.Edges.Add(new EdgeEvent(5, 1, 0, 1)) };
        var otherGraph = HandTrace.Of(good) with { Header = HandTrace.Of(good).Header with { Graphs = [new TraceGraph(0, "weather", "ffff", 7)] } };
        foreach (var (trace, code) in new[] { (HandTrace.Of(badNode), "FLX2004"), (HandTrace.Of(badEdge), "FLX2005"), (otherGraph, "FLX2003"), (HandTrace.Of(), "FLX2015") })
        {
            var diagnostics = new DiagnosticBag();
            Assert.Null(OptimizationSession.Create(module, trace, "t.log", 1000, diagnostics));
            Assert.Equal(code, Assert.Single(diagnostics.Items).Code);
        }
    }

    [Fact]
    public void Sizes_parse_with_units_and_bad_sizes_are_diagnostics()
    {
        var diagnostics = new DiagnosticBag();
        Assert.Equal(64L * 1024 * 1024, ByteSize.Parse("64MB", diagnostics));
        Assert.Equal(512L * 1024, ByteSize.Parse("512KB", diagnostics));
        Assert.Equal(1000L, ByteSize.Parse("1000B", diagnostics));
        Assert.Empty(diagnostics.Items);
        Assert.Null(ByteSize.Parse("lots", diagnostics));
        Assert.Null(ByteSize.Parse("-3MB", diagnostics));

        // A bare number would silently be bytes, which nobody means by "--budget 64": the unit is required.
        Assert.Null(ByteSize.Parse("64", diagnostics));
        Assert.Equal(["FLX2013", "FLX2013", "FLX2013"], diagnostics.Items.Select(d => d.Code));
        Assert.Contains("unit", diagnostics.Items[^1].Message, StringComparison.Ordinal);
    }
}
