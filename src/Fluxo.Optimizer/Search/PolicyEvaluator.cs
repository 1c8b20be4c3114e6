using Fluxo.Optimizer.Graphs;
using Fluxo.Optimizer.Replay;

namespace Fluxo.Optimizer.Search;

/// <summary>Scores placements with the exact simulator, once each, and counts the replays.</summary>
public sealed class PolicyEvaluator
{
    /// <summary>Compatible sets listed for uniform random draws at most; beyond, draws fall back to rejection.</summary>
    public const int ListedSetsLimit = 100_000;

    private readonly Dictionary<string, SimulationResult?> _memo = [];
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

    /// <summary>The replay of a placement, or null when its caches cannot coexist.</summary>
    public SimulationResult? Evaluate(IReadOnlyList<CachePlacement> placement)
    {
        var ordered = placement.OrderBy(p => p.Candidate.Part).ThenBy(p => p.Candidate.Nodes[0]).ToArray();
        var key = string.Join(";", ordered.Select(p => $"{p.Candidate}:{p.Bytes}"));
        if (!_memo.TryGetValue(key, out var result))
        {
            result = Simulator.CanRun(ordered) ? Simulator.Run(ordered) : null;
            if (result is not null)
            {
                Replays++;
            }

            _memo[key] = result;
        }

        return result;
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

    /// <summary>True when <paramref name="a"/> is a better result than <paramref name="b"/> (null is worst).</summary>
    public bool Better(SimulationResult? a, SimulationResult? b) => a is not null && (b is null || a.Beats(b, Objective));
}
