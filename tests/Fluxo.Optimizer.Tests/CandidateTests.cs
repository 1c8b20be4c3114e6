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
        // {If} alone, {cityToWeather, If} and the like are out: their key would need an untaken branch's value, and so
        // would {2,3,4}: it is entered on every request, but ipToCity's output exists only when zip is empty.
        Assert.Equal(
            new[] { "weather{1,2,3,4,5}", "weather{1,2,3,4}", "weather{1,2}", "weather{1}", "weather{2}", "weather{3}", "weather{5}" }.Order(),
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
    public void Every_candidate_a_trace_was_recorded_for_is_searched()
    {
        // A key the trace cannot hold is now refused by the region rule itself, before any trace is read.
        var trace = new WeatherTraceGenerator().Generate(WeatherWorkload.Paper[0], 500, 1);
        var s = SimulatorTests.Session(trace);
        Assert.Equal(s.AllCandidates.Select(c => c.ToString()).Order(), s.Evaluator.Candidates.Select(c => c.ToString()).Order());
        Assert.Contains(s.Evaluator.Candidates, c => c.ToString() == "weather{1,2,3,4,5}");
    }

    [Fact]
    public void A_part_inside_one_arm_is_a_candidate_keyed_on_the_arms_inputs_only()
    {
        // addMark fetches a title only in the arm where the mark is new (`if existing == none { ... }`).
        var facts = new GraphFacts(TourIr.AddMark());
        var fetch = Assert.Single(CandidateEnumerator.Enumerate(facts), c => c.Nodes.SequenceEqual([TourIr.FetchTitle]));
        var key = Assert.Single(fetch.EnteringEdges);
        Assert.Equal((TourIr.Normalize, TourIr.FetchTitle), (facts.Edges[key].From, facts.Edges[key].To));
        Assert.Equal([TourIr.FetchTitle], fetch.OutputNodes);
    }
}
