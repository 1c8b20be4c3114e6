using Fluxo.Diagnostics;
using Fluxo.Optimizer.Replay;
using Fluxo.Optimizer.Search;
using Fluxo.TestSupport;

namespace Fluxo.Optimizer.Tests;

public sealed class WeatherSearchTests
{
    public const long Budget = 64 * 1024;

    private static OptimizationSession Session(int workload, int requests = 20_000, Objective objective = Objective.P50)
    {
        var trace = new WeatherTraceGenerator().Generate(WeatherWorkload.Paper[workload], requests, 7);
        var diagnostics = new DiagnosticBag();
        return OptimizationSession.Create(WeatherIr.Module(), trace, "synthetic", Budget, diagnostics, objective: objective)!;
    }

    [Fact]
    public void Searches_on_several_threads_find_exactly_what_one_thread_finds()
    {
        var s = Session(0, 5000);
        var results = new[] { 1, 4 }.Select(threads =>
        {
            var evaluator = new PolicyEvaluator(s.Simulator, s.Evaluator.Candidates, Budget, s.Evaluator.Objective) { Parallelism = threads };
            var paper = PaperSearch.Run(evaluator, new PaperSearch.Options(RandomPolicies: 400, ClimbFrom: 8));
            var mrc = MrcSearch.Run(evaluator);
            var exhaustive = ExhaustiveSearch.Run(evaluator, new ExhaustiveSearch.Options(GridUnits: 8));
            var random = ReferencePolicies.Random(evaluator, 3);
            return string.Join("\n", new[] { paper, mrc, exhaustive }.Select(r =>
                $"{r.Method} {r.Replays} {r.Result.MeanMs:R} {r.Result.P50Ms:R} {r.Result.P95Ms:R} {r.Result.P99Ms:R} {string.Join(",", r.Placement.Select(p => $"{p.Candidate}:{p.Bytes}"))}")
                .Append(string.Join(",", random.Select(p => $"{p.Candidate}:{p.Bytes}"))).Append(evaluator.Replays.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }).ToArray();
        Assert.Equal(results[0], results[1]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Chosen_policy_beats_every_reference_on_median_latency_within_budget(int workload)
    {
        var s = Session(workload);
        var chosen = s.Search(SearchMethod.Mrc);
        Assert.True(chosen.Placement.Sum(p => p.Bytes) <= Budget);
        foreach (var reference in s.References())
        {
            Assert.True(chosen.Result.P50Ms < reference.Result.P50Ms, $"{reference.Name}: {reference.Result.P50Ms} vs {chosen.Result.P50Ms}");
        }

        var policy = s.ToPolicy(chosen.Placement);
        Assert.True(policy.Caches.Sum(c => c.Bytes) <= policy.BudgetBytes);
        Assert.All(policy.Caches, c => Assert.InRange(c.ExpectedHitRatio, 0, 1));
    }

    [Fact]
    public void Mrc_search_is_within_one_percent_of_the_exhaustive_grid_optimum_and_no_worse_than_the_paper()
    {
        var s = Session(1, 5000);
        var mrc = s.Search(SearchMethod.Mrc);
        var exhaustive = ExhaustiveSearch.Run(s.Evaluator, new ExhaustiveSearch.Options(GridUnits: 8, MaxCaches: 3));
        var paper = PaperSearch.Run(s.Evaluator, new PaperSearch.Options(RandomPolicies: 300, ClimbFrom: 5));
        Assert.True(mrc.Result.P50Ms <= exhaustive.Result.P50Ms * 1.01, $"{mrc.Result.P50Ms} vs {exhaustive.Result.P50Ms}");
        Assert.True(mrc.Result.P50Ms <= paper.Result.P50Ms + 1e-9, $"{mrc.Result.P50Ms} vs {paper.Result.P50Ms}");
    }

    [Fact]
    public void Paper_search_reports_progress_and_respects_its_settings()
    {
        var s = Session(0, 2000);
        var stages = new HashSet<string>();
        var result = PaperSearch.Run(s.Evaluator, new PaperSearch.Options(RandomPolicies: 100, ClimbFrom: 3), (stage, _) => stages.Add(stage));
        Assert.Contains("random policies", stages);
        Assert.Contains("hill-climbing", stages);
        Assert.True(result.Placement.Sum(p => p.Bytes) <= Budget);
        Assert.True(result.Replays > 3);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Each_objective_gets_the_best_policy_for_it_among_the_searches_answers(int workload)
    {
        var s = Session(workload, 5000, Objective.Mean);
        var chosen = s.Search(SearchMethod.Mrc);
        var best = s.BestForEachObjective(chosen, SearchMethod.Mrc);
        Assert.Equal(Enum.GetValues<Objective>(), best.Select(b => b.Objective).Order());
        Assert.Same(chosen, best.Single(b => b.Objective == Objective.Mean).Found);
        foreach (var (objective, found) in best)
        {
            // The policy searched for an objective is at least as good on it as the mean's choice, up to the search's 1%.
            Assert.True(found.Result.Score(objective) <= chosen.Result.Score(objective) * 1.01 + 1e-9, $"{objective}: {found.Result.Score(objective)} vs {chosen.Result.Score(objective)}");
        }

        foreach (var reference in s.References())
        {
            Assert.True(chosen.Result.MeanMs <= reference.Result.MeanMs + 1e-9, $"{reference.Name}: {reference.Result.MeanMs} vs {chosen.Result.MeanMs}");
        }
    }

    [Fact]
    public void Where_the_mean_optimum_sits_on_the_miss_side_of_the_median_the_guard_gives_up_some_mean_to_keep_the_promise()
    {
        // The grid's 50-50-0 Zipf 1.2 row: fewer than half the requests hit, so the mean's best split leaves the median on a miss
        // while Uniform's sits on a hit.
        var workload = new WeatherWorkload("50-50-0 z1.2", 0.5, 0.5, 0, Zips: 100_000, ZipSkew: 1.2, HotIps: 100_000, HotIpSkew: 1.2, ColdIps: 100_000, Cities: 5_000, CitySkew: 1.2);
        var trace = new WeatherTraceGenerator().Generate(workload, 10_000, 1);
        var s = OptimizationSession.Create(WeatherIr.Module(), trace, "synthetic", 256 * 1024, new DiagnosticBag(), objective: Objective.Mean)!;
        var references = s.References().Where(r => r.Placement.Count > 0).Select(r => r.Result).ToList();
        var promise = Promise.Of(Objective.Mean, references);
        var unguarded = MrcSearch.Run(new PolicyEvaluator(s.Simulator, s.Evaluator.Candidates, s.Budget, Objective.Mean));
        Assert.False(promise.Keeps(unguarded.Result), $"the mean's best: p50 {unguarded.Result.P50Ms} vs the promise's {promise.P50Ms}");
        var chosen = s.Search(SearchMethod.Mrc).Result;
        Assert.True(promise.Keeps(chosen), $"p50 {chosen.P50Ms} (bound {promise.P50Ms}), mean {chosen.MeanMs} (bound {promise.MeanMs}), p95 {chosen.P95Ms} (bound {promise.P95Ms})");
        Assert.True(chosen.MeanMs >= unguarded.Result.MeanMs, $"{chosen.MeanMs} vs {unguarded.Result.MeanMs}");
        Assert.True(chosen.MeanMs <= references.Min(r => r.MeanMs), $"{chosen.MeanMs} vs the references' best {references.Min(r => r.MeanMs)}");
    }

    [Theory]
    [InlineData(0, Objective.P50)]
    [InlineData(2, Objective.P95)]
    [InlineData(2, Objective.Mean)]
    public void The_chosen_policy_keeps_the_references_promise_when_a_policy_the_search_reaches_does(int workload, Objective objective)
    {
        var s = Session(workload, 5000, objective);
        var references = s.References().Where(r => r.Placement.Count > 0).Select(r => r.Result).ToList();
        var unguarded = MrcSearch.Run(new PolicyEvaluator(s.Simulator, s.Evaluator.Candidates, Budget, objective));
        var chosen = new[] { 1, 4 }.Select(threads =>
            OptimizationSession.Search(new PolicyEvaluator(s.Simulator, s.Evaluator.Candidates, Budget, objective) { Parallelism = threads }, SearchMethod.Mrc)).ToList();
        Assert.Equal(Describe(chosen[0]), Describe(chosen[1]));
        var r = chosen[0].Result;
        Assert.True(references.All(x => r.Score(objective) <= x.Score(objective) + 1e-9), $"{objective} {r.Score(objective)} vs {string.Join(", ", references.Select(x => x.Score(objective)))}");
        var kept = Promise.Of(objective, references).Keeps(r);
        Assert.True(kept || Describe(chosen[0]) == Describe(unguarded) || references.Any(x => (x.MeanMs, x.P50Ms, x.P95Ms) == (r.MeanMs, r.P50Ms, r.P95Ms)), "a policy that breaks the promise is the search's own answer or the best reference");
        Assert.True(!Promise.Of(objective, references).Keeps(unguarded.Result) || Describe(chosen[0]) == Describe(unguarded), "an answer that keeps the promise is not changed");

        static string Describe(SearchResult x) => $"{x.Result.MeanMs:R} {x.Result.P50Ms:R} {x.Result.P95Ms:R} {string.Join(",", x.Placement.Select(p => $"{p.Candidate}:{p.Bytes}"))}";
    }
}
