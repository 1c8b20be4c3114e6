using Fluxo.Optimizer.Graphs;
using Fluxo.Optimizer.Replay;

namespace Fluxo.Optimizer.Search;

/// <summary>The paper's random policies: a few compatible subgraphs, the budget split among them at random on a grid.</summary>
public static class RandomPolicies
{
    /// <summary>Budgets are multiples of B / GridUnits, so random splits and hill-climbing moves share one lattice.</summary>
    public const int GridUnits = 64;

    public const int MaxCaches = 4;

    public static CachePlacement[] Draw(PolicyEvaluator evaluator, Random rng)
    {
        var candidates = evaluator.Candidates;
        if (candidates.Count == 0 || evaluator.Budget < GridUnits)
        {
            return [];
        }

        var want = 1 + rng.Next(Math.Min(MaxCaches, candidates.Count));
        var chosen = new List<Candidate>();
        foreach (var c in candidates.OrderBy(_ => rng.Next()))
        {
            if (chosen.Count == want)
            {
                break;
            }

            if (evaluator.Compatible(chosen.Append(c)))
            {
                chosen.Add(c);
            }
        }

        var units = new int[chosen.Count];
        Array.Fill(units, 1);
        for (var left = GridUnits - chosen.Count; left > 0; left--)
        {
            units[rng.Next(units.Length)]++;
        }

        var unit = evaluator.Budget / GridUnits;
        return [.. chosen.Select((c, i) => new CachePlacement(c, units[i] * unit))];
    }
}
