using Fluxo.Trace;

namespace Fluxo.Runtime.Workloads;

/// <summary>Latency percentiles and throughput of one handler (or all, <see cref="Handler"/> = "all").</summary>
public sealed record LatencyRow(string Handler, long Requests, long Errors, double MeanMs, double P50Ms, double P95Ms, double P99Ms, double RequestsPerSecond);

/// <summary>What a workload run measured. Throughput is per second of the run's clock (virtual or real).</summary>
public sealed record RunReport(IReadOnlyList<LatencyRow> Rows, long Requests, double ClockSeconds, double WallSeconds, IReadOnlyList<CacheRow> Caches)
{
    public LatencyRow Overall => Rows[^1];

    /// <summary>Work done ahead of requests, when the policy asked for any.</summary>
    public Engine.AheadStats? Ahead { get; init; }

    /// <summary>The process's CPU time (every thread: tracing, garbage collection) while the workload ran: a steadier measure than wall time on a shared machine.</summary>
    public double CpuSeconds { get; init; }

    /// <summary>The first few failed requests of each handler, with their messages.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> FirstErrors { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    public static RunReport Build(IReadOnlyDictionary<string, LatencyLog> byHandler, double clockSeconds, double wallSeconds, IReadOnlyList<CacheRow> caches)
    {
        var rows = byHandler.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => Row(kv.Key, kv.Value, clockSeconds)).ToList();
        rows.Add(Row("all", byHandler.Count == 1 ? byHandler.Values.First() : LatencyLog.Join(byHandler.Values), clockSeconds));
        return new RunReport(rows, rows[^1].Requests, clockSeconds, wallSeconds, caches);
    }

    private static LatencyRow Row(string handler, LatencyLog log, double seconds)
    {
        var ok = log.Ok;
        return new LatencyRow(handler, log.Requests, log.Requests - ok.Count, ok.Mean, ok.Percentile(0.50), ok.Percentile(0.95), ok.Percentile(0.99),
            seconds > 0 ? log.Requests / seconds : 0);
    }
}

/// <summary>
/// One handler's latencies in a run: the successful requests' in a histogram at the trace's resolution (exact
/// percentiles to the microsecond in memory that does not grow with the run) and a count of the rest. Not
/// thread-safe: callers lock it.
/// </summary>
public sealed class LatencyLog
{
    public long Requests { get; private set; }

    /// <summary>The successful requests' latencies.</summary>
    public LatencyHistogram Ok { get; } = new();

    public void Add(double latencyMs, bool ok)
    {
        Requests++;
        if (ok)
        {
            Ok.Add(latencyMs);
        }
    }

    public static LatencyLog Join(IEnumerable<LatencyLog> logs)
    {
        var all = new LatencyLog();
        foreach (var log in logs)
        {
            all.Requests += log.Requests;
            all.Ok.AddAll(log.Ok);
        }

        return all;
    }
}

/// <summary>How one cache did in a run.</summary>
public sealed record CacheRow(string Handler, string Nodes, long BudgetBytes, long Hits, long Misses, long Evictions, long Bytes);
