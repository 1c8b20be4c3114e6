using Fluxo.Diagnostics;
using Fluxo.Regions;
using Fluxo.TestSupport;
using static Fluxo.TestSupport.WeatherIr;

namespace Fluxo.Core.Tests;

/// <summary>The one definition of a cached region: each rule it enforces, and the key and output order every stage relies on.</summary>
public sealed class CachedRegionTests
{
    private static readonly GraphReach Reach = new(Module().Graphs[0]);

    [Theory]
    [InlineData(RegionProblemKind.Empty, new int[0])]
    [InlineData(RegionProblemKind.NoSuchNode, new[] { 9 })]
    [InlineData(RegionProblemKind.SourceOrSink, new[] { Source, IpToCity })]
    [InlineData(RegionProblemKind.SourceOrSink, new[] { Sink })]
    [InlineData(RegionProblemKind.NotConvex, new[] { IpToCity, Join })]
    [InlineData(RegionProblemKind.ConditionalKey, new[] { ZipToWeather, Join })]
    public void A_set_that_breaks_a_rule_is_refused_with_that_rule(RegionProblemKind kind, int[] nodes)
    {
        Assert.Null(CachedRegion.TryCreate(Reach, nodes, out var problem));
        Assert.Equal(kind, problem!.Kind);
        var d = problem.ToDiagnostic("p.json", "$.caches[0]");
        Assert.Equal($"FLX50{(int)kind + 1:00}", d.Code);
        Assert.StartsWith($"p.json(1,1): error FLX50", d.Format());
    }

    [Fact]
    public void A_non_cacheable_node_is_refused()
    {
        var module = Module();
        var graph = module.Graphs[0];
        var impure = graph with { Nodes = graph.Nodes.SetItem(IpToCity, graph.Nodes[IpToCity] with { Props = graph.Nodes[IpToCity].Props with { Deterministic = false } }) };
        Assert.Null(CachedRegion.TryCreate(new GraphReach(impure), [IpToCity], out var problem));
        Assert.Equal(RegionProblemKind.NotCacheable, problem!.Kind);
    }

    [Fact]
    public void Key_edges_are_in_to_node_then_input_order_and_outputs_are_the_nodes_read_outside()
    {
        var region = CachedRegion.TryCreate(Reach, [BuildHtml, Join, ZipToWeather, CityToWeather, IpToCity, Join], out var problem)!;
        Assert.Null(problem);
        Assert.Equal([IpToCity, CityToWeather, ZipToWeather, Join, BuildHtml], region.Nodes.ToArray());
        Assert.Equal([(IpToCity, 0, "ip"), (ZipToWeather, 0, "zip"), (Join, 0, "zip")], region.KeyEdges.Select(e => (e.To, e.ToInput, e.Field)).ToArray());
        Assert.All(region.KeyEdges, e => Assert.Equal(Source, e.From));
        Assert.Equal([BuildHtml], region.Outputs.ToArray());
        Assert.True(region.Contains(Join));
        Assert.False(region.Contains(Sink));
    }
}
