using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Optimizer.Ahead;
using Fluxo.Optimizer.Candidates;
using Fluxo.Optimizer.Replay;
using Fluxo.Optimizer.Search;
using Fluxo.Policy;
using Fluxo.Regions;
using Fluxo.Trace;

namespace Fluxo.Optimizer;

/// <summary>How to search for a policy.</summary>
public enum SearchMethod
{
    /// <summary>Hit-ratio curves, greedy budget split, exact polish.</summary>
    Mrc,
    /// <summary>The paper's random policies and hill-climbing.</summary>
    Paper,
    /// <summary>Every policy on a budget grid (small graphs).</summary>
    Exhaustive,
}

/// <summary>A policy scored by replay, with a name for tables.</summary>
public sealed record ScoredPolicy(string Name, IReadOnlyList<CachePlacement> Placement, SimulationResult Result);

/// <summary>One handler of a session: its graph and its requests, flattened.</summary>
public sealed record SessionPart(Graph Graph, GraphFacts Facts, FlatTrace Trace);

/// <summary>
/// A service's handlers with their trace, ready to simulate and search under one budget: the entry point of the
/// optimizer. Every handler's candidates compete for the same bytes and policies are scored on all requests
/// together. Created once; every replay reuses the flattened trace and the candidates' keys.
/// </summary>
public sealed class OptimizationSession
{
    private OptimizationSession(IrModule module, IReadOnlyList<SessionPart> parts, ServiceSimulator simulator, PolicyEvaluator evaluator, IReadOnlyList<Candidate> all)
    {
        Module = module;
        Parts = parts;
        Simulator = simulator;
        Evaluator = evaluator;
        AllCandidates = all;
    }

    public IrModule Module { get; }

    /// <summary>The handlers optimized together, in the module's order; a candidate's <see cref="Candidate.Part"/> indexes this list.</summary>
    public IReadOnlyList<SessionPart> Parts { get; }

    public ServiceSimulator Simulator { get; }

    public PolicyEvaluator Evaluator { get; }

    /// <summary>Every structural candidate, including those whose key the trace cannot provide.</summary>
    public IReadOnlyList<Candidate> AllCandidates { get; }

    public long Budget => Evaluator.Budget;

    /// <summary>"name (N requests)" for each handler, for reports.</summary>
    public string Describe() => string.Join(", ", Parts.Select(p => $"{p.Graph.Name} ({p.Trace.Requests} requests)"));

    /// <summary>
    /// Prepares <paramref name="handler"/> alone, or by default every handler with requests in the trace; null with
    /// diagnostics when the trace does not belong to the program. A <paramref name="flattened"/> replay of the same
    /// trace lends its flattened handlers, so the trace is flattened once.
    /// </summary>
    public static OptimizationSession? Create(
        IrModule module, TraceData trace, string tracePath, long budget, DiagnosticBag diagnostics,
        string? handler = null, CostModel? cost = null, Objective objective = Objective.Mean, ServiceReplay? flattened = null, double? stalenessMs = null)
    {
        // With no handler in the trace, the first graph is flattened anyway so that the trace's fault is reported.
        Graph[] graphs = handler is null
            ? [.. module.Graphs.Where(g => CountRequests(trace, g) > 0).DefaultIfEmpty(module.Graphs.FirstOrDefault()).OfType<Graph>()]
            : module.FindGraph(handler) is { } one ? [one] : [];
        if (graphs.Length == 0)
        {
            diagnostics.Add(trace.Requests.Count == 0 ? Diag.TraceNoRequests(tracePath) : Diag.TraceGraphMissing(tracePath, handler ?? "(none)"));
            return null;
        }

        var parts = new List<SessionPart>();
        var simulators = new List<Simulator>();
        var all = new List<Candidate>();
        foreach (var graph in graphs)
        {
            if (flattened?.PartOf(graph.Name) is { } known && known.Simulator.Cost == (cost ?? CostModel.Default))
            {
                known.Facts.MaxAgeMs = Freshness.MaxAgeMs(module, graph, stalenessMs);
                all.AddRange(CandidateEnumerator.Enumerate(known.Facts, part: parts.Count, firstIndex: all.Count));
                parts.Add(new SessionPart(graph, known.Facts, known.Flat));
                simulators.Add(known.Simulator);
                continue;
            }

            var facts = new GraphFacts(graph) { MaxAgeMs = Freshness.MaxAgeMs(module, graph, stalenessMs) };
            var flat = FlatTrace.Build(trace, facts, tracePath, diagnostics);
            if (flat is null)
            {
                return null;
            }

            all.AddRange(CandidateEnumerator.Enumerate(facts, part: parts.Count, firstIndex: all.Count));
            parts.Add(new SessionPart(graph, facts, flat));
            simulators.Add(new Simulator(flat, cost));
        }

        return Create(module, parts, simulators, all, budget, objective);
    }

    /// <summary>
    /// Prepares <paramref name="handler"/> alone, or by default every handler with requests, from a trace already read
    /// and flattened by <see cref="ServiceReplay.Read"/>; null with diagnostics when the trace holds none of its requests.
    /// </summary>
    public static OptimizationSession? Create(
        IrModule module, ServiceReplay replay, string tracePath, long budget, DiagnosticBag diagnostics,
        string? handler = null, Objective objective = Objective.Mean, double? stalenessMs = null)
    {
        List<ServiceReplay.Part> chosen = handler is not null
            ? [.. replay.Parts.Where(p => p.Graph.Name == handler)]
            : [.. replay.Parts.Where(p => p.Flat.Requests > 0)];
        if (chosen.Count == 0)
        {
            diagnostics.Add(replay.Requests == 0 ? Diag.TraceNoRequests(tracePath) : Diag.TraceGraphMissing(tracePath, handler ?? "(none)"));
            return null;
        }

        var parts = new List<SessionPart>();
        var simulators = new List<Simulator>();
        var all = new List<Candidate>();
        foreach (var part in chosen)
        {
            part.Facts.MaxAgeMs = Freshness.MaxAgeMs(module, part.Graph, stalenessMs);
            all.AddRange(CandidateEnumerator.Enumerate(part.Facts, part: parts.Count, firstIndex: all.Count));
            parts.Add(new SessionPart(part.Graph, part.Facts, part.Flat));
            simulators.Add(part.Simulator);
        }

        return Create(module, parts, simulators, all, budget, objective);
    }

    private static OptimizationSession Create(
        IrModule module, List<SessionPart> parts, List<Simulator> simulators, List<Candidate> all, long budget, Objective objective)
    {
        var simulator = new ServiceSimulator(simulators);
        var keyed = new bool[all.Count];
        Parallel.For(0, all.Count, i => keyed[i] = simulator.KeysOf(all[i]) is not null);
        var usable = all.Where((_, i) => keyed[i]).ToList();
        return new OptimizationSession(module, parts, simulator, new PolicyEvaluator(simulator, usable, budget, objective), all);
    }

    private static int CountRequests(TraceData trace, Graph graph)
    {
        var indexes = trace.Header.Graphs.Where(h => h.Name == graph.Name && h.Hash == graph.Hash).Select(h => h.Index).ToHashSet();
        return trace.Requests.Count(r => indexes.Contains(r.Graph));
    }

    /// <summary>The same handlers, trace and candidates under another cache budget: what a budget sweep searches.</summary>
    public OptimizationSession WithBudget(long budget) =>
        new(Module, Parts, Simulator, new PolicyEvaluator(Simulator, Evaluator.Candidates, budget, Evaluator.Objective), AllCandidates);

    public SearchResult Search(SearchMethod method, SearchProgress? progress = null, PaperSearch.Options? paper = null) =>
        Search(Evaluator, method, progress, paper);

    /// <summary>The method's answer, then held to the references' promise (<see cref="ReferenceGuard"/>).</summary>
    public static SearchResult Search(PolicyEvaluator evaluator, SearchMethod method, SearchProgress? progress = null, PaperSearch.Options? paper = null)
    {
        var found = method switch
        {
            SearchMethod.Paper => PaperSearch.Run(evaluator, paper, progress),
            SearchMethod.Exhaustive => ExhaustiveSearch.Run(evaluator, null, progress),
            _ => MrcSearch.Run(evaluator, null, progress),
        };
        var references = References(evaluator, ReferenceSeed).Where(r => r.Placement.Count > 0).Select(r => (r.Placement, r.Result)).ToList();
        return ReferenceGuard.Apply(evaluator, found, references);
    }

    /// <summary>
    /// What <paramref name="method"/> finds for every objective, each scored on all four: the trade-off behind the
    /// chosen objective (the policy best on the mean may lose on p99, and the other way round). <paramref name="chosen"/>
    /// is what the search found for the session's own objective.
    /// </summary>
    public IReadOnlyList<(Objective Objective, SearchResult Found)> BestForEachObjective(SearchResult chosen, SearchMethod method, PaperSearch.Options? paper = null) =>
        [.. Enum.GetValues<Objective>().Select(o =>
            (o, o == Evaluator.Objective ? chosen : Search(new PolicyEvaluator(Simulator, Evaluator.Candidates, Budget, o), method, null, paper)))];

    /// <summary>The seed of the Random reference: the same draws wherever the references are scored.</summary>
    public const int ReferenceSeed = 1;

    /// <summary>No cache, Random, Uniform and All-encompassing, scored; a reference the budget cannot hold (a few bytes split among caches) is left out.</summary>
    public IReadOnlyList<ScoredPolicy> References(int seed = ReferenceSeed) => References(Evaluator, seed);

    private static IReadOnlyList<ScoredPolicy> References(PolicyEvaluator evaluator, int seed)
    {
        ScoredPolicy? Score(string name, CachePlacement[] p) => evaluator.Evaluate(p) is { } r ? new(name, p, r) : null;
        evaluator.Prefetch([[], ReferencePolicies.Uniform(evaluator), ReferencePolicies.AllEncompassing(evaluator)]);
        ScoredPolicy?[] scored =
        [
            Score("no cache", []),
            Score("Random", ReferencePolicies.Random(evaluator, seed)),
            Score("Uniform", ReferencePolicies.Uniform(evaluator)),
            Score("All-encompassing", ReferencePolicies.AllEncompassing(evaluator)),
        ];
        return [.. scored.OfType<ScoredPolicy>()];
    }

    /// <summary>The best policy that caches in one handler only, for each handler with candidates: what a per-handler optimizer would reach with the whole budget.</summary>
    public IReadOnlyList<(string Handler, SearchResult Found)> BestSingleHandler(SearchMethod method)
    {
        var result = new List<(string, SearchResult)>();
        for (var p = 0; p < Parts.Count; p++)
        {
            var mine = Evaluator.Candidates.Where(c => c.Part == p).ToList();
            if (mine.Count > 0)
            {
                result.Add((Parts[p].Graph.Name, Search(new PolicyEvaluator(Simulator, mine, Budget, Evaluator.Objective), method, null, null)));
            }
        }

        return result;
    }

    /// <summary>The policy document for a placement, with each cache's evidence: hit ratio and the mean latency it saves.</summary>
    public PolicyDocument ToPolicy(IReadOnlyList<CachePlacement> placement)
    {
        var result = Simulator.Run(placement);
        var caches = placement.Select((p, j) =>
        {
            var without = Evaluator.Evaluate([.. placement.Where((_, i) => i != j)]);
            var saved = without is null ? 0 : without.MeanMs - result.MeanMs;
            var graph = Parts[p.Candidate.Part].Graph;
            return new CacheDecision(graph.Name, graph.Hash, [.. p.Candidate.Nodes], p.Bytes, "lru",
                Math.Round(result.Caches[j].HitRatio, 4), Math.Round(saved, 4), p.Candidate.TtlMs / 1000);
        });
        return PolicyDocument.Empty(Module.Service, Budget) with { Caches = [.. caches] };
    }

    /// <summary>Reads the caches of a policy for this session's handlers; null with located diagnostics when it cannot be replayed.</summary>
    public IReadOnlyList<CachePlacement>? FromPolicy(PolicyDocument policy, string path, DiagnosticBag diagnostics) =>
        PolicyValidation.ToPlacement(this, policy, path, diagnostics);
}
