using Fluxo.Optimizer.Candidates;
using Fluxo.Optimizer.Replay;

namespace Fluxo.Optimizer.Search;

/// <summary>
/// The paper's random policies, drawn uniformly: a set of compatible subgraphs uniformly among all such sets
/// of at most <see cref="MaxCaches"/>, then a split of the budget uniformly among all splits on the grid (every
/// composition of <see cref="GridUnits"/> into positive parts is equally likely, a Dirichlet(1,..,1) on the
/// lattice). Handing units out one at a time instead bunches splits near equal shares and never reaches the
/// lopsided splits good policies often have.
/// </summary>
public static class RandomPolicies
{
    /// <summary>Budgets are multiples of B / GridUnits, so random splits and hill-climbing moves share one lattice.</summary>
    public const int GridUnits = 64;

    public const int MaxCaches = 4;

    public static CachePlacement[] Draw(PolicyEvaluator evaluator, Random rng)
    {
        if (evaluator.Candidates.Count == 0 || evaluator.Budget < GridUnits)
        {
            return [];
        }

        var chosen = DrawSet(evaluator, rng);
        var units = Split(GridUnits, chosen.Length, rng);
        var unit = evaluator.Budget / GridUnits;
        return [.. chosen.Select((c, i) => new CachePlacement(c, units[i] * unit))];
    }

    /// <summary>A uniformly random composition of <paramref name="units"/> into <paramref name="parts"/> positive parts: parts-1 distinct cuts among units-1 places.</summary>
    public static int[] Split(int units, int parts, Random rng)
    {
        var cuts = new SortedSet<int>();
        while (cuts.Count < parts - 1)
        {
            cuts.Add(1 + rng.Next(units - 1));
        }

        var result = new int[parts];
        var previous = 0;
        var i = 0;
        foreach (var cut in cuts.Append(units))
        {
            result[i++] = cut - previous;
            previous = cut;
        }

        return result;
    }

    /// <summary>
    /// Uniform among the evaluator's compatible sets when they can be listed; otherwise a size uniform in
    /// 1..MaxCaches and, by rejection, a set uniform among the compatible sets of that size.
    /// </summary>
    private static Candidate[] DrawSet(PolicyEvaluator evaluator, Random rng)
    {
        var sets = evaluator.CompatibleSets(MaxCaches);
        if (sets is not null)
        {
            return sets[rng.Next(sets.Count)];
        }

        var candidates = evaluator.Candidates;
        for (var size = 1 + rng.Next(Math.Min(MaxCaches, candidates.Count)); size > 1; size--)
        {
            for (var attempt = 0; attempt < 200; attempt++)
            {
                var picked = new HashSet<int>();
                while (picked.Count < size)
                {
                    picked.Add(rng.Next(candidates.Count));
                }

                Candidate[] set = [.. picked.Order().Select(i => candidates[i])];
                if (evaluator.Compatible(set))
                {
                    return set;
                }
            }
        }

        return [candidates[rng.Next(candidates.Count)]];
    }
}
