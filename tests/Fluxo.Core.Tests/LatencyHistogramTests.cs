using Fluxo.Trace;

namespace Fluxo.Core.Tests;

/// <summary>Percentiles from a histogram at the trace's resolution are the nearest-rank ones of a sort, to the microsecond.</summary>
public class LatencyHistogramTests
{
    [Fact]
    public void Percentiles_are_those_of_a_sort_of_the_latencies_a_trace_keeps()
    {
        var random = new Random(3);
        var parts = new[] { new LatencyHistogram(), new LatencyHistogram() };
        var all = new List<double>();
        for (var i = 0; i < 20_000; i++)
        {
            // A body of a few milliseconds and a long tail: values spread over thousands of pages, many sharing one.
            var ms = random.Next(10) == 0 ? random.NextDouble() * 5_000 : random.NextDouble() * 3;
            all.Add(ms);
            parts[i % 2].Add(ms);
        }

        var joined = new LatencyHistogram();
        joined.AddAll(parts[0]);
        joined.AddAll(parts[1]);
        var micros = all.Select(TraceWriter.ToMicros).Order().ToArray();
        foreach (var p in new[] { 0.0, 0.01, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0 })
        {
            var expected = micros[(int)LatencyHistogram.Rank(p, micros.Length)] / 1000.0;
            Assert.Equal(expected, joined.Percentile(p));
        }

        Assert.Equal(all.Count, joined.Count);
        Assert.Equal(all.Average(), joined.Mean, 9);
        Assert.Equal(micros[^1] / 1000.0, joined.Percentile(1.0));
        Assert.Equal(0, new LatencyHistogram().Percentile(0.5));
    }

    [Fact]
    public void The_nearest_rank_is_the_ceiling_of_p_times_n_counted_from_one()
    {
        Assert.Equal(49, LatencyHistogram.Rank(0.50, 100));
        Assert.Equal(94, LatencyHistogram.Rank(0.95, 100));
        Assert.Equal(0, LatencyHistogram.Rank(0.50, 1));
        Assert.Equal(0, LatencyHistogram.Rank(0.0, 7));
        Assert.Equal(6, LatencyHistogram.Rank(1.0, 7));
    }
}
