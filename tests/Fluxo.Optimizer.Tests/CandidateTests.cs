using Fluxo.Optimizer.Candidates;
using Fluxo.TestSupport;

namespace Fluxo.Optimizer.Tests;

public sealed class CandidateTests
{
    [Fact]
    public void Weather_candidates_are_the_convex_cacheable_subgraphs_whose_keys_are_always_pulled()
    {
        var facts = new GraphFacts(WeatherIr.Module().Graphs[0]);
        var names = CandidateEnumerator.Enumerate(facts).Select(c => c.ToString()).Order().ToArray();
        // {If} alone, {cityToWeather, If} and the like are out: their key would need an untaken branch's value.
        Assert.Equal(
            new[] { "weather{1,2,3,4,5}", "weather{1,2,3,4}", "weather{1,2}", "weather{1}", "weather{2,3,4,5}", "weather{2,3,4}", "weather{2}", "weather{3}", "weather{5}" }.Order(),
            names);
    }

    [Fact]
    public void A_set_with_a_path_that_leaves_and_comes_back_is_not_convex()
    {
        var facts = new GraphFacts(WeatherIr.Module().Graphs[0]);
        Assert.Null(Candidate.TryCreate(facts, 0, [WeatherIr.IpToCity, WeatherIr.Join], out var why));
        Assert.Contains("path", why!.Reason);
        Assert.Null(Candidate.TryCreate(facts, 0, [WeatherIr.Source], out why));
        Assert.Contains("Source", why!.Reason);
        Assert.Null(Candidate.TryCreate(facts, 0, [WeatherIr.Join], out why));
        Assert.Contains("only on some requests", why!.Reason);
    }

    [Fact]
    public void Candidates_whose_key_the_trace_cannot_hold_are_not_searched()
    {
        var trace = new WeatherTraceGenerator().Generate(WeatherWorkload.Paper[0], 500, 1);
        var s = SimulatorTests.Session(trace);
        // {2,3,4} needs ipToCity's output even on zip requests, where ipToCity did not run.
        Assert.DoesNotContain(s.Evaluator.Candidates, c => c.ToString() == "weather{2,3,4}");
        Assert.Contains(s.AllCandidates, c => c.ToString() == "weather{2,3,4}");
        Assert.Contains(s.Evaluator.Candidates, c => c.ToString() == "weather{1,2,3,4,5}");
    }
}
