namespace Fluxo.Optimizer.Replay;

/// <summary>What one replay of a trace under a policy predicts; latencies in milliseconds.</summary>
public sealed record SimulationResult(
    int Requests,
    double MeanMs,
    double P50Ms,
    double P95Ms,
    double P99Ms,
    IReadOnlyList<CacheStats> Caches)
{
    /// <summary>The value a search minimises for <paramref name="objective"/>.</summary>
    public double Score(Objective objective) => Objectives.Pick(objective, MeanMs, P50Ms, P95Ms, P99Ms);

    /// <summary>True when this result is better than <paramref name="other"/>: lower objective, then lower mean.</summary>
    public bool Beats(SimulationResult other, Objective objective)
    {
        var a = Score(objective);
        var b = other.Score(objective);
        return a < b - 1e-9 || (Math.Abs(a - b) <= 1e-9 && MeanMs < other.MeanMs - 1e-9);
    }
}

/// <summary>One cache's behaviour in a replay: lookups are requests that demanded its subgraph.</summary>
public sealed record CacheStats(long Lookups, long Hits, long PeakBytes, long FinalBytes)
{
    public double HitRatio => Lookups == 0 ? 0 : (double)Hits / Lookups;
}

/// <summary>
/// What a search minimises over the requests of the trace. Mean is the default: latency is bimodal (hit or
/// miss), so the median jumps once half the requests hit and can favour a policy that is worse everywhere else.
/// </summary>
public enum Objective
{
    Mean,
    P50,
    P95,
    P99,
}

/// <summary>The one rule for which statistic an objective scores, shared by cache-only and whole-policy replays.</summary>
public static class Objectives
{
    public static double Pick(Objective objective, double meanMs, double p50Ms, double p95Ms, double p99Ms) => objective switch
    {
        Objective.P50 => p50Ms,
        Objective.P95 => p95Ms,
        Objective.P99 => p99Ms,
        _ => meanMs,
    };
}
