using Fluxo.Optimizer.Replay;

namespace Fluxo.Optimizer.Search;

/// <summary>
/// What a user may expect of the chosen policy next to the references (Random, Uniform, All-encompassing): never worse on the
/// objective, and never more than <see cref="StatSlack"/> worse on p50, mean or p95. A search minimises the objective alone, and
/// latency is bimodal (hit or miss), so its answer can sit on the miss side of the median or of the tail where a reference sits
/// on the hit side. Then the policies the search visited, and a descent from the best of them, look for one within
/// <see cref="ObjectiveSlack"/> of the search's objective that keeps the promise; when none does, the search's answer stands
/// (the objective is what the user asked for), or the best reference on the objective if that beats it.
/// </summary>
public static class ReferenceGuard
{
    /// <summary>How much of the objective the guard may give up (a share of the search's figure): less than the 1% the search stays within of the exhaustive optimum.</summary>
    public const double ObjectiveSlack = 0.005;

    /// <summary>How much worse than the best reference on p50, mean or p95 the chosen policy may be.</summary>
    public const double StatSlack = 0.01;

    /// <summary>Exact replays the guard's descent may spend at most.</summary>
    public const int MaxReplays = 200;

    /// <param name="references">The references' replays (policies that cache; "no cache" is a baseline, not a reference).</param>
    public static SearchResult Apply(PolicyEvaluator evaluator, SearchResult found, IReadOnlyList<(IReadOnlyList<CachePlacement> Placement, SimulationResult Result)> references)
    {
        if (references.Count == 0)
        {
            return found;
        }

        var objective = evaluator.Objective;
        var bestReference = references.MinBy(r => (r.Result.Score(objective), r.Result.MeanMs));
        var objectiveBound = Math.Min(found.Result.Score(objective) * (1 + ObjectiveSlack), bestReference.Result.Score(objective));
        var p50 = references.Min(r => r.Result.P50Ms) * (1 + StatSlack);
        var mean = references.Min(r => r.Result.MeanMs) * (1 + StatSlack);
        var p95 = references.Min(r => r.Result.P95Ms) * (1 + StatSlack);
        double Excess(SimulationResult r) =>
            Over(r.Score(objective), objectiveBound) + Over(r.P50Ms, p50) + Over(r.MeanMs, mean) + Over(r.P95Ms, p95);

        // Less excess first, then the objective: a descent from a policy that breaks the promise moves towards one that keeps it.
        bool Better(SimulationResult? a, SimulationResult? b)
        {
            if (a is null)
            {
                return false;
            }

            if (b is null)
            {
                return true;
            }

            var (ea, eb) = (Excess(a), Excess(b));
            return ea < eb - 1e-12 || (Math.Abs(ea - eb) <= 1e-12 && a.Beats(b, objective));
        }

        if (Excess(found.Result) <= 0)
        {
            return found;
        }

        var replaysBefore = evaluator.Replays;
        var start = evaluator.Visited().Aggregate((best, next) => Better(next.Result, best.Result) ? next : best);
        var b = evaluator.Budget;
        var (placement, result) = start.Placement.Length == 0
            ? start
            : LocalMoves.Descend(evaluator, start.Placement, start.Result, [b / 16, b / 64, b / 256], MaxReplays, better: Better);
        var replays = found.Replays + evaluator.Replays - replaysBefore;
        if (Excess(result) <= 0)
        {
            return found with { Placement = placement, Result = result, Replays = replays };
        }

        return bestReference.Result.Beats(found.Result, objective)
            ? found with { Placement = [.. bestReference.Placement], Result = bestReference.Result, Replays = replays }
            : found with { Replays = replays };
    }

    private static double Over(double value, double bound) => bound <= 0 ? Math.Max(0, value) : Math.Max(0, (value / bound) - 1);
}
