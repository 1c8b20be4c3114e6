using Fluxo.Optimizer.Replay;

namespace Fluxo.Optimizer.Search;

/// <summary>The paper's reference policies, always reported next to a search's answer.</summary>
public static class ReferencePolicies
{
    /// <summary>Random draws scored; the one of median rank is reported, so one lucky or unlucky draw does not decide.</summary>
    public const int RandomDraws = 11;

    /// <summary>Every cacheable node its own cache with an equal share of the budget.</summary>
    public static CachePlacement[] Uniform(PolicyEvaluator evaluator)
    {
        var singles = evaluator.Candidates.Where(c => c.Nodes.Length == 1).ToArray();
        return singles.Length == 0 ? [] : [.. singles.Select(c => new CachePlacement(c, evaluator.Budget / singles.Length))];
    }

    /// <summary>One cache around the largest cacheable subgraph of each handler, the budget split equally among them (one handler: the whole budget).</summary>
    public static CachePlacement[] AllEncompassing(PolicyEvaluator evaluator)
    {
        var largest = evaluator.Candidates.GroupBy(c => c.Part)
            .Select(g => g.OrderByDescending(c => c.Nodes.Length).ThenBy(c => c.Index).First())
            .ToArray();
        return largest.Length == 0 ? [] : [.. largest.Select(c => new CachePlacement(c, evaluator.Budget / largest.Length))];
    }

    /// <summary>The median-ranked of <see cref="RandomDraws"/> seeded random policies.</summary>
    public static CachePlacement[] Random(PolicyEvaluator evaluator, int seed)
    {
        var rng = new System.Random(seed);
        var drawn = Enumerable.Range(0, RandomDraws).Select(_ => RandomPolicies.Draw(evaluator, rng)).ToArray();
        evaluator.Prefetch(drawn);
        var draws = drawn
            .Select(p => (Placement: p, Result: evaluator.Evaluate(p)))
            .Where(d => d.Result is not null)
            .OrderBy(d => d.Result!.Score(evaluator.Objective))
            .ThenBy(d => d.Result!.MeanMs)
            .ToList();
        return draws.Count == 0 ? [] : draws[draws.Count / 2].Placement;
    }
}
