using System.Collections.Concurrent;
using Fluxo.Optimizer.Candidates;
using Fluxo.Optimizer.Replay;

namespace Fluxo.Optimizer.Search;

/// <summary>
/// Scores placements with the exact simulator, once each, and counts the replays. Searches stay
/// sequential in logic and use every core by <see cref="Prefetch"/>ing the placements they are about to
/// visit: replays run in parallel ahead of time, while <see cref="Replays"/> counts a placement only when
/// <see cref="Evaluate"/> first visits it, so allowances, choices and results match a single thread.
/// </summary>
public sealed class PolicyEvaluator
{
    /// <summary>Compatible sets listed for uniform random draws at most; beyond, draws fall back to rejection.</summary>
    public const int ListedSetsLimit = 100_000;

    private readonly ConcurrentDictionary<string, Entry> _memo = new(StringComparer.Ordinal);
    private readonly Dictionary<int, List<Candidate[]>?> _sets = [];

    public PolicyEvaluator(ServiceSimulator simulator, IReadOnlyList<Candidate> candidates, long budget, Objective objective)
    {
        Simulator = simulator;
        Candidates = candidates;
        Budget = budget;
        Objective = objective;
    }

    public ServiceSimulator Simulator { get; }

    /// <summary>Candidates whose keys the trace holds: the only ones a search may use.</summary>
    public IReadOnlyList<Candidate> Candidates { get; }

    public long Budget { get; }

    public Objective Objective { get; }

    public int Replays { get; private set; }

    /// <summary>How many threads replay ahead; 1 replays only on demand.</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>The replay of a placement, or null when its caches cannot coexist.</summary>
    public SimulationResult? Evaluate(IReadOnlyList<CachePlacement> placement)
    {
        var (key, ordered) = Key(placement);
        var entry = _memo.GetOrAdd(key, _ => new Entry(this, key, ordered));
        var result = entry.Result;
        if (!entry.Visited)
        {
            entry.Visited = true;
            if (result is not null)
            {
                Replays++;
            }
        }

        return result;
    }

    /// <summary>Replays the placements not yet known, on every core; what <see cref="Evaluate"/> will then find in the memo.</summary>
    public void Prefetch(IEnumerable<IReadOnlyList<CachePlacement>> placements)
    {
        if (Parallelism <= 1)
        {
            return;
        }

        var fresh = new List<Entry>();
        foreach (var p in placements)
        {
            var (key, ordered) = Key(p);
            var entry = _memo.GetOrAdd(key, _ => new Entry(this, key, ordered));
            if (!entry.Computed)
            {
                fresh.Add(entry);
            }
        }

        if (fresh.Count > 1)
        {
            Parallel.ForEach(fresh, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, e => _ = e.Result);
        }
    }

    public bool Compatible(IEnumerable<Candidate> caches) => Simulator.Compatible(caches);

    /// <summary>Every compatible set of 1..<paramref name="maxCaches"/> candidates (listed once), or null when there are more than <see cref="ListedSetsLimit"/>.</summary>
    public IReadOnlyList<Candidate[]>? CompatibleSets(int maxCaches)
    {
        lock (_sets)
        {
            if (!_sets.TryGetValue(maxCaches, out var sets))
            {
                sets = CompatibleSetsUpTo(maxCaches, ListedSetsLimit);
                _sets[maxCaches] = sets;
            }

            return sets;
        }
    }

    /// <summary>Every compatible set of 1..<paramref name="maxCaches"/> candidates in candidate order, or null when there are more than <paramref name="limit"/>.</summary>
    public List<Candidate[]>? CompatibleSetsUpTo(int maxCaches, int limit)
    {
        var result = new List<Candidate[]>();
        var all = Candidates;
        bool Grow(List<Candidate> current, int from)
        {
            if (current.Count > 0)
            {
                result.Add([.. current]);
                if (result.Count > limit)
                {
                    return false;
                }
            }

            if (current.Count == maxCaches)
            {
                return true;
            }

            for (var i = from; i < all.Count; i++)
            {
                current.Add(all[i]);
                var ok = !Compatible(current) || Grow(current, i + 1);
                current.RemoveAt(current.Count - 1);
                if (!ok)
                {
                    return false;
                }
            }

            return true;
        }

        return Grow([], 0) ? result : null;
    }

    /// <summary>
    /// Every placement a search asked for (not those only replayed ahead), with its replay, in key order: the same list
    /// whatever the number of threads.
    /// </summary>
    public IReadOnlyList<(CachePlacement[] Placement, SimulationResult Result)> Visited() =>
        [.. _memo.Where(kv => kv.Value.Visited && kv.Value.Result is not null).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Value.Placement, kv.Value.Result!))];

    /// <summary>True when <paramref name="a"/> is a better result than <paramref name="b"/> (null is worst).</summary>
    public bool Better(SimulationResult? a, SimulationResult? b) => a is not null && (b is null || a.Beats(b, Objective));

    private static (string Key, CachePlacement[] Ordered) Key(IReadOnlyList<CachePlacement> placement) => ServiceSimulator.Canonical(placement);

    /// <summary>One placement's replay, computed once by whichever thread asks first.</summary>
    private sealed class Entry(PolicyEvaluator owner, string key, CachePlacement[] placement)
    {
        public bool Computed => owner.Simulator.HasRun(key);

        public CachePlacement[] Placement => placement;

        public SimulationResult? Result => owner.Simulator.RunOnce(key, placement);

        /// <summary>Set by the search's own thread when it first asks for this placement.</summary>
        public bool Visited { get; set; }
    }
}
