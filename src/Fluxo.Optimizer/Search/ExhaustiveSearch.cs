using System.Diagnostics;
using Fluxo.Optimizer.Candidates;
using Fluxo.Optimizer.Replay;

namespace Fluxo.Optimizer.Search;

/// <summary>
/// Every set of compatible candidates (up to <see cref="Options.MaxCaches"/>) with every split of the
/// whole budget on a grid of B / GridUnits: the optimum on that grid, to measure the other searches.
/// Only the whole budget is split because an LRU cache never hits less with more bytes.
/// </summary>
public static class ExhaustiveSearch
{
    public sealed record Options(int GridUnits = 16, int MaxCaches = 3, int MaxPolicies = 200_000);

    /// <summary>The number of policies the search would replay; callers refuse graphs where it is too large.</summary>
    public static long CountPolicies(PolicyEvaluator evaluator, Options? options = null)
    {
        options ??= new Options();
        return 1 + evaluator.CompatibleSetsUpTo(options.MaxCaches, int.MaxValue)!.Sum(s => Compositions(options.GridUnits, s.Length));
    }

    public static SearchResult Run(PolicyEvaluator evaluator, Options? options = null, SearchProgress? progress = null)
    {
        options ??= new Options();
        var clock = Stopwatch.StartNew();
        var replaysBefore = evaluator.Replays;
        var best = (Placement: Array.Empty<CachePlacement>(), Result: evaluator.Evaluate([])!);
        var sets = evaluator.CompatibleSetsUpTo(options.MaxCaches, int.MaxValue)!;
        var unit = evaluator.Budget / options.GridUnits;
        var done = 0;
        foreach (var set in sets)
        {
            progress?.Invoke("exhaustive", (double)done++ / sets.Count);
            var splits = Splits(options.GridUnits, set.Length).ToArray();
            evaluator.Prefetch(splits.Take(Math.Max(0, options.MaxPolicies - (evaluator.Replays - replaysBefore)))
                .Select(split => set.Select((c, i) => new CachePlacement(c, split[i] * unit)).ToArray()));
            foreach (var split in splits)
            {
                if (evaluator.Replays - replaysBefore >= options.MaxPolicies)
                {
                    break;
                }

                var placement = set.Select((c, i) => new CachePlacement(c, split[i] * unit)).ToArray();
                var result = evaluator.Evaluate(placement);
                if (evaluator.Better(result, best.Result))
                {
                    best = (placement, result!);
                }
            }
        }

        progress?.Invoke("exhaustive", 1);
        return new SearchResult("exhaustive", best.Placement, best.Result, evaluator.Replays - replaysBefore, clock.Elapsed);
    }

    /// <summary>Ways to write <paramref name="units"/> as an ordered sum of <paramref name="parts"/> positive parts.</summary>
    private static long Compositions(int units, int parts)
    {
        long c = 1;
        for (var i = 1; i < parts; i++)
        {
            c = c * (units - i) / i;
        }

        return parts > units ? 0 : c;
    }

    private static IEnumerable<int[]> Splits(int units, int parts)
    {
        if (parts == 1)
        {
            yield return [units];
            yield break;
        }

        for (var first = 1; first <= units - parts + 1; first++)
        {
            foreach (var rest in Splits(units - first, parts - 1))
            {
                yield return [first, .. rest];
            }
        }
    }
}
