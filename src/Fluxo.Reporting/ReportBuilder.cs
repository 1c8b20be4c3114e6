using Fluxo.Optimizer;
using Fluxo.Optimizer.Candidates;
using Fluxo.Optimizer.Replay;
using Fluxo.Optimizer.Search;
using Fluxo.Reporting.Graphs;

namespace Fluxo.Reporting;

/// <summary>
/// Gathers what `fluxo report` shows from one <see cref="ServiceOptimizer.Optimize"/> answer: the policies it compared
/// with their latency distributions, each kind of decision, the chosen caches with their hit-ratio curves, and the
/// same search repeated from an eighth to eight times the budget on the same flattened trace.
/// </summary>
public static class ReportBuilder
{
    /// <summary>Budgets of the sweep, as factors of the budget asked for: B/8 to 8B in doublings.</summary>
    public static readonly IReadOnlyList<double> SweepFactors = [0.125, 0.25, 0.5, 1, 2, 4, 8];

    /// <summary>Enough points for a smooth curve on a page, few enough for a small report.json.</summary>
    private const int CurvePoints = 300;

    /// <summary>Candidates not chosen are drawn too, the most looked-up first, up to this many.</summary>
    private const int OtherCandidates = 24;

    public static ServiceReport Build(OptimizeReport report, OptimizeRequest request, SearchProgress? progress = null)
    {
        var session = report.Session;
        var placement = report.WrittenCaches;
        PolicyLatency Policy(ScoredPolicy p, bool chosen) => new(
            p.Name, chosen, p.Result.MeanMs, p.Result.P50Ms, p.Result.P95Ms, p.Result.P99Ms, Sizes(session, p.Placement),
            LatencyDistribution.Quantiles(session.Simulator.Latencies(p.Placement)));

        var maxBytes = Math.Max(1, request.Budget) * (long)SweepFactors[^1];
        var caches = placement.Select((c, j) =>
        {
            var stats = report.ChosenCaches.Caches[j];
            var curve = HitCurve.Build(session.Simulator, c.Candidate, maxBytes)!;
            return new CacheReport(
                Name(session, c.Candidate), Handler(session, c.Candidate), c.Candidate.Nodes, c.Bytes, stats.Lookups, stats.Hits, stats.HitRatio, stats.PeakBytes,
                curve.HitRatioAt(c.Bytes), Curve(curve));
        }).ToList();

        var others = session.Evaluator.Candidates
            .Where(c => placement.All(p => p.Candidate != c))
            .Select(c => (Candidate: c, Lookups: session.Simulator.KeysOf(c)!.EntryBytes.LongCount(b => b >= 0)))
            .OrderByDescending(c => c.Lookups).ThenBy(c => c.Candidate.Index)
            .Take(OtherCandidates);
        var candidates = placement.Select(p => (p.Candidate, (long?)p.Bytes))
            .Concat(others.Select(o => (o.Candidate, (long?)null)))
            .Select(c => HitCurve.Build(session.Simulator, c.Candidate, maxBytes) is { } curve
                ? new CandidateCurve(Name(session, c.Candidate), Handler(session, c.Candidate), c.Candidate.Nodes, curve.Lookups, c.Item2, Curve(curve))
                : null)
            .OfType<CandidateCurve>()
            .ToList();

        return new ServiceReport(
            report.Policy.Service,
            [.. session.Parts.Select(p => p.Graph.Name)],
            session.Simulator.Requests,
            report.Policy.BudgetBytes,
            session.Budget,
            report.ReservedBytes,
            request.Search.ToString().ToLowerInvariant(),
            request.Objective.ToString().ToLowerInvariant(),
            [Policy(report.Chosen, chosen: true), .. report.References.Select(r => Policy(r, chosen: false))],
            [.. report.Decisions.Select(d => new DecisionLatency(
                d.Name, d.Result.MeanMs, d.Result.P50Ms, d.Result.P95Ms, d.Result.P99Ms, d.Result.Speculations, d.Result.SpeculationsUsed,
                d.Result.WastedWorkMs, d.Result.RefreshWorkMs, LatencyDistribution.Quantiles(d.Result.Latencies ?? [])))],
            caches,
            candidates,
            Sweep(report, request, progress),
            report.Policy);
    }

    /// <summary>
    /// The search at each budget of the sweep, keeping pre-computed and speculated results' share as the optimizer
    /// keeps it; at the budget asked for, the optimizer's own answer.
    /// </summary>
    private static List<BudgetPoint> Sweep(OptimizeReport report, OptimizeRequest request, SearchProgress? progress)
    {
        var points = new List<BudgetPoint>();
        foreach (var factor in SweepFactors)
        {
            progress?.Invoke("budget sweep", points.Count / (double)SweepFactors.Count);
            var total = (long)Math.Round(request.Budget * factor);
            var cacheBudget = ServiceOptimizer.CacheBudget(total, report.AheadWantedBytes);
            var (found, references) = factor == 1
                ? (report.Found.Result, report.References)
                : Search(report.Session.WithBudget(cacheBudget), request);
            points.Add(new BudgetPoint(factor, total, cacheBudget, [Point(report.Chosen.Name, true, found), .. references.Select(r => Point(r.Name, false, r.Result))]));
        }

        progress?.Invoke("budget sweep", 1);
        return points;
    }

    private static (SimulationResult Found, IReadOnlyList<ScoredPolicy> References) Search(OptimizationSession session, OptimizeRequest request) =>
        (session.Search(request.Search, null, request.Paper).Result, session.References());

    private static SweepLatency Point(string name, bool chosen, SimulationResult r) => new(name, chosen, r.MeanMs, r.P50Ms, r.P95Ms, r.P99Ms);

    private static List<CacheSize> Sizes(OptimizationSession session, IReadOnlyList<CachePlacement> placement) =>
        [.. placement.Select(c => new CacheSize(Name(session, c.Candidate), Handler(session, c.Candidate), c.Candidate.Nodes, c.Bytes))];

    private static string Name(OptimizationSession session, Candidate c) => NodeLabels.CacheName(session.Parts[c.Part].Graph, c.Nodes);

    private static string Handler(OptimizationSession session, Candidate c) => session.Parts[c.Part].Graph.Name;

    /// <summary>The curve at its steps, thinned evenly to <see cref="CurvePoints"/>, always keeping the last (the largest hit ratio).</summary>
    private static HitRatioCurve Curve(HitCurve curve)
    {
        var steps = curve.Steps;
        var stride = Math.Max(1, (int)Math.Ceiling(steps.Count / (double)CurvePoints));
        var kept = Enumerable.Range(0, steps.Count).Where(i => i % stride == 0 || i == steps.Count - 1).Select(i => steps[i]).ToList();
        return new HitRatioCurve([0, .. kept], [0, .. kept.Select(curve.HitRatioAt)]);
    }
}
