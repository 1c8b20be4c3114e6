using Fluxo.Diagnostics;
using Fluxo.Policy;

namespace Fluxo.Backend.Azure.Tests;

/// <summary>A policy decision the back end passes over is located at its nodes in the service and its place in the policy, never at the handler's name as if it were a file.</summary>
public class DecisionLocationTests
{
    private static DiagnosticBag Emit(PolicyDocument policy)
    {
        var diagnostics = new DiagnosticBag();
        AzureEmitter.Emit(Samples.Weather(), policy, diagnostics);
        return diagnostics;
    }

    private static void AssertAt(Diagnostic d, int line, string where)
    {
        Assert.Equal("samples/weather/weather.flimp", d.Span.File);
        Assert.Equal(line, d.Span.Line);
        Assert.True(d.Span.Column > 1, d.Format());
        Assert.Equal(where, d.Span.Path);
        Assert.StartsWith($"samples/weather/weather.flimp({line},", d.Format(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_cache_clashing_with_another_is_located_at_its_first_node()
    {
        var module = Samples.Weather();
        var hash = module.Graphs[0].Hash;
        var policy = PolicyDocument.Empty("Weather", 1000) with
        {
            Caches = [new CacheDecision("weather", hash, [1], 500, "lru", 0.5, 1), new CacheDecision("weather", hash, [1], 500, "lru", 0.5, 1)],
        };
        var d = Assert.Single(Emit(policy).Items);
        Assert.Equal("FLX4003", d.Code);
        AssertAt(d, module.Graphs[0].Nodes[1].Span.Line, "$.caches[1]");
    }

    [Fact]
    public void A_region_the_back_end_skips_is_located_at_its_first_node()
    {
        var module = Samples.Weather();
        var policy = PolicyDocument.Empty("Weather", 1000) with { Caches = [new CacheDecision("weather", module.Graphs[0].Hash, [3, 4, 5], 1000, "lru", 0.5, 10)] };
        var d = Assert.Single(Emit(policy).Items);
        Assert.Equal("FLX5006", d.Code);
        AssertAt(d, module.Graphs[0].Nodes[3].Span.Line, "$.caches[0]");
    }

    [Fact]
    public void Decisions_not_built_in_are_located_at_their_nodes()
    {
        var module = Samples.Weather();
        var hash = module.Graphs[0].Hash;
        var policy = PolicyDocument.Empty("Weather", 1000) with
        {
            Precompute = [new PrecomputeDecision("weather", hash, [2], 60, 1, 2, 3, 100)],
            Speculate = [new SpeculateDecision("weather", "weather", hash, [3], [], 0.5, 1, 1)],
        };
        var all = Emit(policy).Items;
        var items = all.Where(d => d.Code == "FLX4004").ToList();
        if (items.Count == 0)
        {
            // Issue 12 builds these decisions into the service: then nothing at all may be reported about them.
            Assert.Empty(all);
            return;
        }

        Assert.Equal(2, items.Count);
        AssertAt(items[0], module.Graphs[0].Nodes[2].Span.Line, "$.precompute[0]");
        AssertAt(items[1], module.Graphs[0].Nodes[3].Span.Line, "$.speculate[0]");
    }
}
