using System.Diagnostics;
using Fluxo.Optimizer.Replay;

namespace Fluxo.Optimizer.Search;

/// <summary>The paper's optimizer: score N random policies by replay, then hill-climb from the best K.</summary>
public static class PaperSearch
{
    public sealed record Options(int RandomPolicies = 20_000, int ClimbFrom = 200, int Seed = 1, int MaxReplaysPerClimb = 200);

    public static SearchResult Run(PolicyEvaluator evaluator, Options? options = null, SearchProgress? progress = null)
    {
        options ??= new Options();
        var clock = Stopwatch.StartNew();
        var replaysBefore = evaluator.Replays;
        var rng = new Random(options.Seed);
        var scored = new List<(CachePlacement[] Placement, SimulationResult Result)>();
        var empty = evaluator.Evaluate([])!;
        scored.Add(([], empty));

        // Drawn first, in order, so the random stream is the same however many threads replay them.
        var drawn = new CachePlacement[options.RandomPolicies][];
        for (var i = 0; i < drawn.Length; i++)
        {
            drawn[i] = RandomPolicies.Draw(evaluator, rng);
        }

        for (var i = 0; i < options.RandomPolicies; i++)
        {
            if (i % 1024 == 0)
            {
                evaluator.Prefetch(drawn.Skip(i).Take(1024));
            }

            var placement = drawn[i];
            var result = evaluator.Evaluate(placement);
            if (result is not null)
            {
                scored.Add((placement, result));
            }

            if (i % 256 == 0)
            {
                progress?.Invoke("random policies", (double)i / options.RandomPolicies);
            }
        }

        var seeds = scored
            .OrderBy(s => s.Result.Score(evaluator.Objective)).ThenBy(s => s.Result.MeanMs)
            .Take(options.ClimbFrom)
            .ToList();
        var best = seeds[0];
        var unit = evaluator.Budget / RandomPolicies.GridUnits;
        for (var k = 0; k < seeds.Count; k++)
        {
            progress?.Invoke("hill-climbing", (double)k / seeds.Count);
            var climbed = LocalMoves.Descend(evaluator, seeds[k].Placement, seeds[k].Result, [unit], options.MaxReplaysPerClimb, rng);
            if (evaluator.Better(climbed.Result, best.Result))
            {
                best = climbed;
            }
        }

        progress?.Invoke("hill-climbing", 1);
        return new SearchResult("paper", best.Placement, best.Result, evaluator.Replays - replaysBefore, clock.Elapsed);
    }
}
