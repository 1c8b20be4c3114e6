using Fluxo.Optimizer.Replay;

namespace Fluxo.Optimizer.Search;

/// <summary>
/// The neighbours of a placement at one step size: move bytes between two caches, drop a cache (its
/// bytes to another), swap a cache's subgraph for another, or open a new cache with bytes from one.
/// Every neighbour keeps the total budget.
/// </summary>
public static class LocalMoves
{
    public static IEnumerable<CachePlacement[]> Neighbours(PolicyEvaluator evaluator, CachePlacement[] current, long step)
    {
        for (var a = 0; a < current.Length; a++)
        {
            for (var b = 0; b < current.Length; b++)
            {
                if (a != b && current[a].Bytes > step)
                {
                    var next = (CachePlacement[])current.Clone();
                    next[a] = next[a] with { Bytes = next[a].Bytes - step };
                    next[b] = next[b] with { Bytes = next[b].Bytes + step };
                    yield return next;
                }
            }
        }

        for (var a = 0; a < current.Length; a++)
        {
            for (var b = 0; b < current.Length; b++)
            {
                if (a != b)
                {
                    var next = current.Where((_, i) => i != a).ToArray();
                    var target = b < a ? b : b - 1;
                    next[target] = next[target] with { Bytes = next[target].Bytes + current[a].Bytes };
                    yield return next;
                }
            }
        }

        foreach (var c in evaluator.Candidates)
        {
            if (current.Any(p => p.Candidate == c))
            {
                continue;
            }

            for (var a = 0; a < current.Length; a++)
            {
                var swapped = (CachePlacement[])current.Clone();
                swapped[a] = swapped[a] with { Candidate = c };
                if (evaluator.Compatible(swapped.Select(p => p.Candidate)))
                {
                    yield return swapped;
                }

                if (current[a].Bytes > step && evaluator.Compatible(current.Select(p => p.Candidate).Append(c)))
                {
                    var added = current.Append(new CachePlacement(c, step)).ToArray();
                    added[a] = added[a] with { Bytes = added[a].Bytes - step };
                    yield return added;
                }
            }

            if (current.Length == 0)
            {
                yield return [new CachePlacement(c, evaluator.Budget)];
            }
        }
    }

    /// <summary>
    /// First-improvement descent: after each improvement the coarsest step is tried again, finer steps
    /// only when coarser ones find nothing; ends at a local optimum or when the replay allowance runs out.
    /// <paramref name="better"/> orders results when not by the evaluator's objective.
    /// </summary>
    public static (CachePlacement[] Placement, SimulationResult Result) Descend(
        PolicyEvaluator evaluator, CachePlacement[] start, SimulationResult startResult, IReadOnlyList<long> steps, int maxReplays, Random? shuffle = null,
        Func<SimulationResult?, SimulationResult?, bool>? better = null)
    {
        better ??= evaluator.Better;
        var best = start;
        var bestResult = startResult;
        var allowance = evaluator.Replays + maxReplays;
        var improved = true;
        while (improved && evaluator.Replays < allowance)
        {
            improved = false;
            foreach (var step in steps.Where(s => s > 0))
            {
                var neighbours = Neighbours(evaluator, best, step);
                if (shuffle is not null)
                {
                    neighbours = neighbours.ToArray().OrderBy(_ => shuffle.Next());
                }

                // Visited in order; the next few are replayed ahead on the other cores.
                var list = neighbours.ToArray();
                var batch = Math.Max(1, evaluator.Parallelism);
                for (var i = 0; i < list.Length; i++)
                {
                    var next = list[i];
                    if (evaluator.Replays >= allowance)
                    {
                        break;
                    }

                    if (i % batch == 0)
                    {
                        evaluator.Prefetch(list.Skip(i).Take(Math.Min(batch, allowance - evaluator.Replays)));
                    }

                    var result = evaluator.Evaluate(next);
                    if (better(result, bestResult))
                    {
                        best = next;
                        bestResult = result!;
                        improved = true;
                        break;
                    }
                }

                if (improved)
                {
                    break;
                }
            }
        }

        return (best, bestResult);
    }
}
