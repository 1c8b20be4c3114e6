namespace Fluxo.Runtime.Workloads;

/// <summary>Latency percentiles and throughput of one handler (or all, <see cref="Handler"/> = "all").</summary>
public sealed record LatencyRow(string Handler, long Requests, long Errors, double MeanMs, double P50Ms, double P95Ms, double P99Ms, double RequestsPerSecond);

/// <summary>What a workload run measured. Throughput is per second of the run's clock (virtual or real).</summary>
public sealed record RunReport(IReadOnlyList<LatencyRow> Rows, long Requests, double ClockSeconds, double WallSeconds, IReadOnlyList<CacheRow> Caches)
{
    public LatencyRow Overall => Rows[^1];

    /// <summary>Work done ahead of requests, when the policy asked for any.</summary>
    public Engine.AheadStats? Ahead { get; init; }

    /// <summary>The first few failed requests of each handler, with their messages.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> FirstErrors { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    public static RunReport Build(IReadOnlyDictionary<string, List<(double Latency, bool Ok)>> byHandler, double clockSeconds, double wallSeconds, IReadOnlyList<CacheRow> caches)
    {
        var rows = byHandler.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => Row(kv.Key, kv.Value, clockSeconds)).ToList();
        rows.Add(Row("all", [.. byHandler.Values.SelectMany(v => v)], clockSeconds));
        return new RunReport(rows, rows[^1].Requests, clockSeconds, wallSeconds, caches);
    }

    private static LatencyRow Row(string handler, List<(double Latency, bool Ok)> samples, double seconds)
    {
        var ok = samples.Where(s => s.Ok).Select(s => s.Latency).Order().ToArray();
        return new LatencyRow(handler, samples.Count, samples.Count - ok.Length,
            ok.Length == 0 ? 0 : ok.Average(), Percentile(ok, 0.50), Percentile(ok, 0.95), Percentile(ok, 0.99),
            seconds > 0 ? samples.Count / seconds : 0);
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>How one cache did in a run.</summary>
public sealed record CacheRow(string Handler, string Nodes, long BudgetBytes, long Hits, long Misses, long Evictions, long Bytes);
