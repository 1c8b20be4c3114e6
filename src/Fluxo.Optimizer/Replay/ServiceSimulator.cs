using System.Collections.Concurrent;
using Fluxo.Optimizer.Candidates;
using Fluxo.Policy;

namespace Fluxo.Optimizer.Replay;

/// <summary>
/// Replays every handler of a service under one policy: each handler's caches on its own requests (caches of
/// different handlers never share entries), and the service's latency statistics over all requests together,
/// so a search weighs each handler by how many requests it serves and how slow they are. A cache's
/// <see cref="Candidate.Part"/> names its handler. Replays may run on several threads at once.
/// </summary>
public sealed class ServiceSimulator
{
    /// <summary>Latencies kept for handler replays already done; beyond this many, the memo starts over.</summary>
    private const long MemoLimit = 8_000_000;

    private readonly Dictionary<string, (ArraySegment<double> Latencies, CacheStats[] Stats)> _memo = [];
    private readonly ThreadLocal<double[]> _all;

    // A replay is deterministic, so every evaluator on this simulator (one per objective, per handler) shares its results.
    private readonly ConcurrentDictionary<string, Lazy<SimulationResult?>> _results = new(StringComparer.Ordinal);
    private long _memoized;

    public ServiceSimulator(IReadOnlyList<Simulator> parts)
    {
        Parts = parts;
        Requests = parts.Sum(p => p.Trace.Requests);
        NodeEvents = parts.Sum(p => p.Trace.NodeEvents);
        var requests = Requests;
        _all = new ThreadLocal<double[]>(() => LargeArrays.Zeroed<double>(requests));
    }

    /// <summary>One simulator per handler, in part order.</summary>
    public IReadOnlyList<Simulator> Parts { get; }

    public int Requests { get; }

    /// <summary>Node events replayed per pass over every handler; the unit of the simulator's speed.</summary>
    public long NodeEvents { get; }

    public CostModel Cost => Parts[0].Cost;

    public CandidateKeys? KeysOf(Candidate candidate) => Parts[candidate.Part].KeysOf(candidate);

    /// <summary>True when each handler's caches are disjoint and acyclic together, with keys in the trace.</summary>
    public bool CanRun(IReadOnlyList<CachePlacement> caches) =>
        caches.All(c => c.Candidate.Part >= 0 && c.Candidate.Part < Parts.Count)
        && caches.GroupBy(c => c.Candidate.Part).All(g => Parts[g.Key].CanRun([.. g]));

    /// <summary>True when the candidates can be cached together: within each handler disjoint and acyclic.</summary>
    public bool Compatible(IEnumerable<Candidate> caches) =>
        caches.GroupBy(c => c.Part).All(g => ReplayProgram.UnitOrder(Parts[g.Key].Trace.Facts, [.. g]) is not null);

    /// <summary>Replays every handler; the result's cache statistics follow <paramref name="caches"/>' order.</summary>
    public SimulationResult Run(IReadOnlyList<CachePlacement> caches)
    {
        // In the evaluators' order, the placement may have been replayed already (a search's answer is replayed again for its report).
        var (key, ordered) = Canonical(caches);
        var same = true;
        for (var j = 0; j < ordered.Length && same; j++)
        {
            same = ReferenceEquals(ordered[j].Candidate, caches[j].Candidate) && ordered[j].Bytes == caches[j].Bytes;
        }

        return !same ? RunCore(caches)
            : RunOnce(key, ordered) ?? throw new ArgumentException("caches must be disjoint, acyclic together, positive and keyed by values in the trace", nameof(caches));
    }

    /// <summary>A placement's caches in a canonical order (by handler, then first node) and the name <see cref="RunOnce"/> knows it by.</summary>
    internal static (string Key, CachePlacement[] Ordered) Canonical(IReadOnlyList<CachePlacement> placement)
    {
        var ordered = placement.OrderBy(p => p.Candidate.Part).ThenBy(p => p.Candidate.Nodes[0]).ToArray();
        return (string.Join(";", ordered.Select(p => $"{p.Candidate}:{p.Bytes}")), ordered);
    }

    private SimulationResult RunCore(IReadOnlyList<CachePlacement> caches)
    {
        if (Parts.Count == 1)
        {
            return Parts[0].Run(caches);
        }

        if (!CanRun(caches))
        {
            throw new ArgumentException("each handler's caches must be disjoint, acyclic together, positive and keyed by values in the trace", nameof(caches));
        }

        var all = _all.Value!;
        var stats = new CacheStats[caches.Count];
        var at = 0;
        var sum = 0.0;
        for (var p = 0; p < Parts.Count; p++)
        {
            var mine = Enumerable.Range(0, caches.Count).Where(j => caches[j].Candidate.Part == p).ToArray();
            var (latencies, partStats) = RunPart(p, [.. mine.Select(j => caches[j])]);
            for (var k = 0; k < mine.Length; k++)
            {
                stats[mine[k]] = partStats[k];
            }

            latencies.CopyTo(all, at);
            at += latencies.Count;
            foreach (var l in latencies)
            {
                sum += l;
            }
        }

        var (p50, p95, p99) = Percentiles.Of(all, all.Length);
        return new SimulationResult(Requests, sum / Requests, p50, p95, p99, stats);
    }

    /// <summary>
    /// The result of <see cref="Run"/> for a placement named <paramref name="key"/> (its caches in a canonical order), or null when
    /// <see cref="CanRun"/> rejects it; replayed once per simulator, whichever evaluator asks.
    /// </summary>
    internal SimulationResult? RunOnce(string key, CachePlacement[] placement) =>
        _results.GetOrAdd(key, _ => new(() => CanRun(placement) ? RunCore(placement) : null)).Value;

    /// <summary>True when <see cref="RunOnce"/> already has the result named <paramref name="key"/>.</summary>
    internal bool HasRun(string key) => _results.TryGetValue(key, out var known) && known.IsValueCreated;

    /// <summary>Every request's latency under <paramref name="caches"/>, handler after handler: the distribution behind <see cref="Run"/>'s percentiles.</summary>
    public double[] Latencies(IReadOnlyList<CachePlacement> caches)
    {
        if (!CanRun(caches))
        {
            throw new ArgumentException("each handler's caches must be disjoint, acyclic together, positive and keyed by values in the trace", nameof(caches));
        }

        return [.. Enumerable.Range(0, Parts.Count).SelectMany(p => RunPart(p, [.. caches.Where(c => c.Candidate.Part == p)]).Latencies)];
    }

    /// <summary>One handler's latencies (in some order) and cache statistics, replayed once per distinct set of its caches.</summary>
    private (ArraySegment<double> Latencies, CacheStats[] Stats) RunPart(int part, CachePlacement[] caches)
    {
        if (caches.Length == 0)
        {
            // A prefix's no-cache latencies are the first of its whole trace's array.
            return (new ArraySegment<double>(Parts[part].BaseLatencies(), 0, Parts[part].Trace.Requests), []);
        }

        var key = part + ":" + string.Join(";", caches.Select(c => c.ToString()));
        lock (_memo)
        {
            if (_memo.TryGetValue(key, out var known))
            {
                return known;
            }
        }

        var result = Parts[part].Run(caches, keep: true, out var kept);
        var latencies = kept!;
        lock (_memo)
        {
            if (_memoized + latencies.Length > MemoLimit)
            {
                _memo.Clear();
                _memoized = 0;
            }

            _memo[key] = (latencies, [.. result.Caches]);
            _memoized += latencies.Length;
        }

        return (latencies, [.. result.Caches]);
    }

    /// <summary>Per request of handler <paramref name="part"/>, the latency with no cache (a prefix's: the first of a longer array).</summary>
    internal double[] BaseLatencies(int part) => Parts[part].BaseLatencies();
}
