using Fluxo.Optimizer.Search;
using Fluxo.TestSupport;

namespace Fluxo.Optimizer.Tests;

public sealed class HitCurveTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Curve_equals_the_exact_simulators_hits_at_every_size_that_holds_the_largest_entry(int workload)
    {
        var trace = new WeatherTraceGenerator().Generate(WeatherWorkload.Paper[workload], 4000, 11);
        var s = SimulatorTests.Session(trace);
        foreach (var candidate in s.Evaluator.Candidates)
        {
            var curve = HitCurve.Build(s.Simulator, candidate)!;
            Assert.True(s.Simulator.KeysOf(candidate)!.EntryBytes.Max() <= 700);
            foreach (var bytes in new long[] { 700, 1_500, 5_000, 40_000, 300_000, 5_000_000 })
            {
                var exact = s.Simulator.Run([new(candidate, bytes)]);
                Assert.Equal(exact.Caches[0].Hits, curve.HitsAt(bytes));
                Assert.Equal(exact.Caches[0].Lookups, curve.Lookups);

                // The gain curve is the exact mean latency saved when this cache is alone.
                var none = s.Simulator.Run([]);
                Assert.Equal(none.MeanMs - exact.MeanMs, curve.GainAt(bytes), 6);
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void A_curve_bounded_by_a_few_entries_walks_the_short_stack_to_the_trees_very_curve(int workload)
    {
        var trace = new WeatherTraceGenerator().Generate(WeatherWorkload.Paper[workload], 4000, 11);
        var s = SimulatorTests.Session(trace);
        foreach (var candidate in s.Evaluator.Candidates)
        {
            foreach (var maxBytes in new long[] { 100, 700, 1_500, 5_000, 40_000 })
            {
                var walked = HitCurve.Build(s.Simulator, candidate, maxBytes)!;
                var tree = HitCurve.Build(s.Simulator, candidate, maxBytes, treeOnly: true)!;
                Assert.Equal(tree.Steps, walked.Steps);
                Assert.Equal(tree.Lookups, walked.Lookups);
                Assert.Equal(tree.Hull(), walked.Hull());
                foreach (var bytes in tree.Steps.Prepend(0).Append(maxBytes))
                {
                    Assert.Equal(tree.HitsAt(bytes), walked.HitsAt(bytes));
                    Assert.Equal(BitConverter.DoubleToInt64Bits(tree.GainAt(bytes)), BitConverter.DoubleToInt64Bits(walked.GainAt(bytes)));
                }
            }
        }
    }

    [Fact]
    public void Hull_slopes_fall()
    {
        var trace = new WeatherTraceGenerator().Generate(WeatherWorkload.Paper[0], 4000, 11);
        var s = SimulatorTests.Session(trace);
        var hull = HitCurve.Build(s.Simulator, s.Evaluator.Candidates[1])!.Hull();
        for (var i = 2; i < hull.Count; i++)
        {
            var before = (hull[i - 1].Gain - hull[i - 2].Gain) / (hull[i - 1].Bytes - hull[i - 2].Bytes);
            var after = (hull[i].Gain - hull[i - 1].Gain) / (hull[i].Bytes - hull[i - 1].Bytes);
            Assert.True(after <= before + 1e-12);
        }
    }
}
