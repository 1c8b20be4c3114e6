using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Optimizer.Ahead;
using Fluxo.Optimizer.Replay;
using Fluxo.Optimizer.Search;
using Fluxo.Policy;
using Fluxo.Trace;

namespace Fluxo.Optimizer;

/// <summary>What `fluxo optimize` asks of the optimizer.</summary>
/// <param name="ServicePath">Where the service was read from, for diagnostics.</param>
/// <param name="Handler">The only handler whose caches are searched; null for every handler under one budget.</param>
/// <param name="StalenessSeconds">How stale a pre-computed feed or table read may be; null: only deterministic parts.</param>
public sealed record OptimizeRequest(
    string ServicePath, string TracePath, long Budget, SearchMethod Search = SearchMethod.Mrc, string? Handler = null,
    Objective Objective = Objective.Mean, PaperSearch.Options? Paper = null, double? StalenessSeconds = null);

/// <summary>One combination of decision kinds replayed over the whole trace.</summary>
public sealed record DecisionRow(string Name, AheadResult Result);

/// <summary>The policy `fluxo optimize` writes and the evidence it prints.</summary>
/// <param name="Session">The searched handlers with their flattened trace.</param>
/// <param name="ChosenCaches">The chosen caches replayed in their own order, so each pairs with its statistics.</param>
/// <param name="TraceRequests">Requests of every handler in the trace.</param>
/// <param name="Decisions">Each kind of decision alone and together over the whole trace; the first row is "none".</param>
/// <param name="ReservedBytes">Bytes kept out of the cache budget for pre-computed and speculated results.</param>
public sealed record OptimizeReport(
    PolicyDocument Policy, OptimizationSession Session, SearchResult Found, ScoredPolicy Chosen, IReadOnlyList<ScoredPolicy> References,
    SimulationResult ChosenCaches, int TraceRequests, IReadOnlyList<DecisionRow> Decisions, long ReservedBytes);

/// <summary>
/// The whole of `fluxo optimize` in one call: reads and flattens the trace once, reserves the bytes pre-computed
/// and speculated results need, searches the caches, plans pre-computation and speculation around them and
/// scores each kind of decision. Problems are diagnostics; null when there are errors.
/// </summary>
public static class ServiceOptimizer
{
    public static OptimizeReport? Optimize(IrModule module, OptimizeRequest request, DiagnosticBag diagnostics, SearchProgress? progress = null)
    {
        if (request.Handler is not null && module.FindGraph(request.Handler) is null)
        {
            diagnostics.Add(Diag.NoSuchHandler(request.ServicePath, request.Handler, string.Join(", ", module.Graphs.Select(g => g.Name))));
            return null;
        }

        var trace = TraceFile.Read(request.TracePath, module, diagnostics);
        var replay = trace is null ? null : ServiceReplay.Create(module, trace, request.TracePath, diagnostics);
        if (replay is null || diagnostics.HasErrors)
        {
            return null;
        }

        var reserved = ReservedBytes(replay, request);
        var session = OptimizationSession.Create(
            module, trace!, request.TracePath, Math.Max(1, request.Budget - reserved), diagnostics, request.Handler, objective: request.Objective, flattened: replay);
        if (session is null || diagnostics.HasErrors)
        {
            return null;
        }

        var found = session.Search(request.Search, progress, request.Paper);
        var chosen = new ScoredPolicy($"chosen ({request.Search.ToString().ToLowerInvariant()})", found.Placement, found.Result);
        var references = session.References();
        var chosenCaches = session.Simulator.Run(found.Placement);
        var caches = session.ToPolicy(found.Placement) with { BudgetBytes = request.Budget };
        var (policy, rows) = PlanAhead(replay, caches, request.StalenessSeconds);
        return new OptimizeReport(policy, session, found, chosen, references, chosenCaches, replay.Requests, rows, reserved);
    }

    /// <summary>Bytes the stores would take when planned alone; the caches keep at least half of the budget, whatever the stores would like.</summary>
    private static long ReservedBytes(ServiceReplay replay, OptimizeRequest request)
    {
        var alone = AheadPlanner.Plan(replay, PolicyDocument.Empty(replay.Module.Service, 0), request.StalenessSeconds);

        // One speculated entry per client waiting at the peak.
        var peak = alone.Speculate.Length == 0 ? 0 : replay.Run(alone).PeakPending;
        var wanted = alone.Precompute.Sum(p => p.Bytes) + (peak * alone.Speculate.Select(s => s.Bytes).DefaultIfEmpty(0).Max());
        return Math.Min(wanted, request.Budget / 2);
    }

    /// <summary>Plans pre-computation and speculation around <paramref name="caches"/>; returns the whole policy and each kind of decision's replay.</summary>
    private static (PolicyDocument Policy, IReadOnlyList<DecisionRow> Rows) PlanAhead(ServiceReplay replay, PolicyDocument caches, double? staleness)
    {
        var none = PolicyDocument.Empty(caches.Service, caches.BudgetBytes);

        // A pre-computed part is served on every request, so it wins over a cache on the same nodes.
        var pre = AheadPlanner.Precompute(replay, none, staleness);
        var preNodes = pre.Select(p => (p.Handler, p.Nodes)).ToList();
        var kept = caches with { Caches = [.. caches.Caches.Where(c => !preNodes.Any(p => p.Handler == c.Handler && p.Nodes.Intersect(c.Nodes).Any()))] };
        var withPre = kept with { Precompute = [.. pre] };
        var withSpec = AheadPlanner.Plan(replay, caches, staleness, precompute: false);
        var all = AheadPlanner.Plan(replay, withPre, staleness, precompute: false);
        DecisionRow[] rows =
        [
            new("none", replay.Run(none)),
            new("caches only", replay.Run(caches)),
            new("precompute only", replay.Run(none with { Precompute = [.. pre] })),
            new("speculation only", replay.Run(AheadPlanner.Plan(replay, none, staleness, precompute: false))),
            new("caches + precompute", replay.Run(withPre)),
            new("caches + speculation", replay.Run(withSpec)),
            new("all", replay.Run(all)),
        ];
        return (all with { BudgetBytes = caches.BudgetBytes }, rows);
    }
}
