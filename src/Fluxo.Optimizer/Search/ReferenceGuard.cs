using Fluxo.Optimizer.Replay;

namespace Fluxo.Optimizer.Search;

/// <summary>
/// What a user may expect of the chosen policy next to the references (Random, Uniform, All-encompassing): never worse on the
/// objective, and never more than <see cref="Promise.StatSlack"/> worse on p50, mean or p95. A search minimises the objective alone,
/// and latency is bimodal (hit or miss), so its answer can sit on the miss side of the median or of the tail where a reference
/// sits on the hit side (a mean-optimal policy 65% above Uniform on p50, where fewer than half the requests hit). Then the
/// policies the search visited, and a descent from the best of them, look for the best policy on the objective that keeps the
/// promise; when none does, the search's answer stands (the objective is what the user asked for), or the best reference on
/// the objective if that beats it. Keeping the promise may cost some of the objective (up to 6% of the mean on the grid's
/// Zipf 1.2 rows): the promise is the user's floor, the objective what is optimised above it.
/// </summary>
public static class ReferenceGuard
{
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
        var promise = Promise.Of(objective, [.. references.Select(r => r.Result)]);

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

            var (ea, eb) = (promise.Excess(a), promise.Excess(b));
            return ea < eb - 1e-12 || (Math.Abs(ea - eb) <= 1e-12 && a.Beats(b, objective));
        }

        if (promise.Keeps(found.Result))
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
        if (promise.Keeps(result))
        {
            return found with { Placement = placement, Result = result, Replays = replays };
        }

        return bestReference.Result.Beats(found.Result, objective)
            ? found with { Placement = [.. bestReference.Placement], Result = bestReference.Result, Replays = replays }
            : found with { Replays = replays };
    }
}

/// <summary>The references' promise as bounds: the best reference's objective, and the best reference's p50, mean and p95 plus <see cref="StatSlack"/>.</summary>
public sealed record Promise(Objective Objective, double ObjectiveBound, double P50Ms, double MeanMs, double P95Ms)
{
    /// <summary>How much worse than the best reference on p50, mean or p95 the chosen policy may be.</summary>
    public const double StatSlack = 0.01;

    /// <param name="references">The references' replays (policies that cache), at least one.</param>
    public static Promise Of(Objective objective, IReadOnlyList<SimulationResult> references) => new(
        objective,
        references.Min(r => r.Score(objective)),
        references.Min(r => r.P50Ms) * (1 + StatSlack),
        references.Min(r => r.MeanMs) * (1 + StatSlack),
        references.Min(r => r.P95Ms) * (1 + StatSlack));

    /// <summary>How far <paramref name="r"/> breaks the bounds, as a sum of shares over them; 0 when it keeps them all.</summary>
    public double Excess(SimulationResult r) =>
        Over(r.Score(Objective), ObjectiveBound) + Over(r.P50Ms, P50Ms) + Over(r.MeanMs, MeanMs) + Over(r.P95Ms, P95Ms);

    public bool Keeps(SimulationResult r) => Excess(r) <= 0;

    private static double Over(double value, double bound) => bound <= 0 ? Math.Max(0, value) : Math.Max(0, (value / bound) - 1);
}
