namespace Fluxo.Optimizer.Replay;

/// <summary>
/// A latency distribution as evenly spaced nearest-rank quantiles: point k of <c>steps</c> is the latency at rank
/// <c>k/steps</c>, by the very rule of the replay's p50, p95 and p99, so with 1000 steps points 500, 950 and 990
/// are those percentiles exactly and a CDF drawn from the points agrees with the optimizer's tables.
/// </summary>
public static class LatencyDistribution
{
    public const int DefaultSteps = 1000;

    /// <summary>The <paramref name="steps"/> + 1 quantiles of <paramref name="latencies"/> (point 0 is the smallest); empty for no latencies.</summary>
    public static double[] Quantiles(IEnumerable<double> latencies, int steps = DefaultSteps)
    {
        var sorted = latencies.ToArray();
        Array.Sort(sorted);
        return sorted.Length == 0
            ? []
            : [.. Enumerable.Range(0, steps + 1).Select(k => k == 0 ? sorted[0] : sorted[Percentiles.Rank(k / (double)steps, sorted.Length)])];
    }
}
