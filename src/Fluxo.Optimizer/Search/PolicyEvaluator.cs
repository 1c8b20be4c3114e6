using Fluxo.Optimizer.Graphs;
using Fluxo.Optimizer.Replay;

namespace Fluxo.Optimizer.Search;

/// <summary>Scores placements with the exact simulator, once each, and counts the replays.</summary>
public sealed class PolicyEvaluator
{
    private readonly Dictionary<string, SimulationResult?> _memo = [];

    public PolicyEvaluator(Simulator simulator, IReadOnlyList<Candidate> candidates, long budget, Objective objective)
    {
        Simulator = simulator;
        Candidates = candidates;
        Budget = budget;
        Objective = objective;
    }

    public Simulator Simulator { get; }

    /// <summary>Candidates whose keys the trace holds: the only ones a search may use.</summary>
    public IReadOnlyList<Candidate> Candidates { get; }

    public long Budget { get; }

    public Objective Objective { get; }

    public int Replays { get; private set; }

    /// <summary>The replay of a placement, or null when its caches cannot coexist.</summary>
    public SimulationResult? Evaluate(IReadOnlyList<CachePlacement> placement)
    {
        var ordered = placement.OrderBy(p => p.Candidate.Nodes[0]).ToArray();
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

    public bool Compatible(IEnumerable<Candidate> caches) => ReplayProgram.UnitOrder(Simulator.Trace.Facts, [.. caches]) is not null;

    /// <summary>True when <paramref name="a"/> is a better result than <paramref name="b"/> (null is worst).</summary>
    public bool Better(SimulationResult? a, SimulationResult? b) => a is not null && (b is null || a.Beats(b, Objective));
}
