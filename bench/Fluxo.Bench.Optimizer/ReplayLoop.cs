using System.Diagnostics;
using Fluxo.Diagnostics;
using Fluxo.Optimizer;
using Fluxo.Optimizer.Replay;
using Fluxo.Optimizer.Search;
using Fluxo.TestSupport;

namespace Fluxo.Bench.Optimizer;

/// <summary>
/// The paper search's replays in one process, without the search around them: the placements a search with N=2000,
/// K=20 visits on a generated ip-cold trace, replayed again round after round on one thread, with CPU per replay and a
/// digest of every result's bits, so two builds can be compared for speed and for identical numbers.
/// </summary>
internal static class ReplayLoop
{
    public static int Run(string[] args, TextWriter output)
    {
        var requests = PerfExperiment.Arg(args, "--requests", 100_000);
        var rounds = PerfExperiment.Arg(args, "--rounds", 5);
        var n = PerfExperiment.Arg(args, "--paper-n", 2000);
        var k = PerfExperiment.Arg(args, "--paper-k", 20);
        var dir = Directory.CreateTempSubdirectory("fluxo-replay-loop-").FullName;
        try
        {
            var path = Path.Combine(dir, "t.trace");
            PerfExperiment.Generate(WeatherWorkload.Paper[0], requests, path);
            var module = WeatherIr.Module();
            PerfExperiment.Flatten(module, path, out var replay);
            var session = OptimizationSession.Create(module, replay, path, 8 * 1024, new DiagnosticBag())!;
            var evaluator = new PolicyEvaluator(session.Simulator, session.Evaluator.Candidates, session.Budget, session.Evaluator.Objective) { Parallelism = 1 };
            PaperSearch.Run(evaluator, new PaperSearch.Options(RandomPolicies: n, ClimbFrom: k));
            var placements = evaluator.Visited().Select(v => v.Placement).Where(p => p.Length > 0).ToArray();
            var handler = session.Simulator.Parts.Single();
            var times = new List<double>();
            string? digest = null;
            for (var round = 0; round < rounds; round++)
            {
                // Each round starts as a search does: with no cache's run kept from the search or the round before.
                handler.ForgetCacheRuns();
                var results = new SimulationResult[placements.Length];
                var clock = Stopwatch.StartNew();
                var cpu = PerfExperiment.Cpu(() =>
                {
                    for (var i = 0; i < placements.Length; i++)
                    {
                        results[i] = handler.Run(placements[i]);
                    }
                });
                var ms = cpu * 1000 / placements.Length;
                times.Add(ms);
                digest = Digest(results);
                output.WriteLine(PerfExperiment.Inv($"round {round + 1}: {placements.Length} replays, {ms:F3} ms CPU per replay ({clock.Elapsed.TotalMilliseconds / placements.Length:F3} ms wall), digest {digest}"));
            }

            var sorted = times.Order().ToArray();
            output.WriteLine(PerfExperiment.Inv($"median {sorted[sorted.Length / 2]:F3} ms CPU per replay (range {sorted[0]:F3}-{sorted[^1]:F3}); results digest {digest}; load average {PerfExperiment.Load()}"));
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A fold of every result's bits (FNV-1a over 64-bit words): equal across builds exactly when every number is.</summary>
    private static string Digest(SimulationResult[] results)
    {
        var h = 14695981039346656037UL;
        void Add(long v)
        {
            h = (h ^ (ulong)v) * 1099511628211UL;
        }

        foreach (var result in results)
        {
            Add(BitConverter.DoubleToInt64Bits(result.MeanMs));
            Add(BitConverter.DoubleToInt64Bits(result.P50Ms));
            Add(BitConverter.DoubleToInt64Bits(result.P95Ms));
            Add(BitConverter.DoubleToInt64Bits(result.P99Ms));
            foreach (var c in result.Caches)
            {
                Add(c.Lookups);
                Add(c.Hits);
                Add(c.PeakBytes);
                Add(c.FinalBytes);
            }
        }

        return h.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }
}
