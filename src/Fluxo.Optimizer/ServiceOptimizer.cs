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
/// <param name="StalenessSeconds">How stale a pre-computed or cached feed or table read may be; null: only deterministic parts and externs declared fresh.</param>
/// <param name="HoldOut">The share of the trace, at its end, kept out of the search to validate the policy on; 0 searches the whole trace.</param>
/// <param name="HotKeys">Whether caches may become parts that store their hottest keys (<see cref="AheadPlanner.HotKeys"/>); on by default (<c>--hot-keys false</c> turns them off).</param>
/// <param name="KeepLatencies">Whether the decision rows keep every request's latency (<see cref="AheadResult.Latencies"/>), for a report's distributions: 8 bytes per request and row.</param>
public sealed record OptimizeRequest(
    string ServicePath, string TracePath, long Budget, SearchMethod Search = SearchMethod.Mrc, string? Handler = null,
    Objective Objective = Objective.Mean, PaperSearch.Options? Paper = null, double? StalenessSeconds = null, double HoldOut = ServiceOptimizer.DefaultHoldOut,
    double Sample = 1.0, bool HotKeys = true, bool KeepLatencies = false);

/// <summary>
/// The policy's gain on the objective (percent of no policy) over the requests it was chosen on and over the later
/// requests it never saw; a gap says the trace's past does not predict its future.
/// </summary>
public sealed record HeldOutCheck(Objective Objective, int InSampleRequests, int HeldOutRequests, double InSampleGain, double HeldOutGain)
{
    public double GapPoints => Math.Abs(InSampleGain - HeldOutGain);
}

/// <summary>One combination of decision kinds replayed over the whole trace.</summary>
public sealed record DecisionRow(string Name, AheadResult Result);

/// <summary>The policy `fluxo optimize` writes and the evidence it prints.</summary>
/// <param name="Session">The searched handlers with their flattened trace.</param>
/// <param name="ChosenCaches">The caches of the written policy replayed in their own order, so each pairs with its statistics.</param>
/// <param name="TraceRequests">Requests of every handler in the trace.</param>
/// <param name="Decisions">Each kind of decision alone and together over the whole trace; the first row is "none".</param>
/// <param name="ReservedBytes">Bytes kept out of the cache budget for pre-computed and speculated results.</param>
/// <param name="HeldOut">The policy checked on the held-out end of the trace; null when nothing was held out.</param>
/// <param name="AheadWantedBytes">Bytes the pre-computed and speculated results would like, before the cap at half the budget.</param>
/// <param name="WrittenCaches">
/// The searched caches the written policy keeps, in the order of <paramref name="ChosenCaches"/>' statistics: a pre-computed
/// part (hot keys included) replaces the cache on its nodes.
/// </param>
/// <param name="WholeTrace">The whole trace, held-out end included, ready to replay any policy as written (the <c>--baseline</c> gate).</param>
public sealed record OptimizeReport(
    PolicyDocument Policy, OptimizationSession Session, SearchResult Found, ScoredPolicy Chosen, IReadOnlyList<ScoredPolicy> References,
    SimulationResult ChosenCaches, int TraceRequests, IReadOnlyList<DecisionRow> Decisions, long ReservedBytes, HeldOutCheck? HeldOut,
    long AheadWantedBytes, IReadOnlyList<CachePlacement> WrittenCaches, ServiceReplay WholeTrace);

/// <summary>
/// The whole of `fluxo optimize` in one call: reads and flattens the trace once, reserves the bytes pre-computed
/// and speculated results need, searches the caches, plans pre-computation and speculation around them and
/// scores each kind of decision. Problems are diagnostics; null when there are errors.
/// </summary>
public static class ServiceOptimizer
{
    /// <summary>By default the policy is chosen on the first 80% of the trace and checked on the last 20%.</summary>
    public const double DefaultHoldOut = 0.2;

    /// <summary>In-sample and held-out gains further apart than this (in points of percent) draw a warning.</summary>
    public const double HeldOutWarningPoints = 2;

    /// <summary>Below this many requests in either part, nothing is held out: the check would be noise.</summary>
    public const int MinHeldOutRequests = 50;

    public static OptimizeReport? Optimize(IrModule module, OptimizeRequest request, DiagnosticBag diagnostics, SearchProgress? progress = null)
    {
        if (request.Handler is not null && module.FindGraph(request.Handler) is null)
        {
            diagnostics.Add(Diag.NoSuchHandler(request.ServicePath, request.Handler, string.Join(", ", module.Graphs.Select(g => g.Name))));
            return null;
        }

        // The trace streams once into flat arrays; a hold-out searches on the requests before the split, which share them.
        var whole = ServiceReplay.Read(module, request.TracePath, diagnostics, sample: request.Sample);
        if (whole is null || diagnostics.HasErrors)
        {
            return null;
        }

        whole.KeepLatencies = request.KeepLatencies;
        var kept = KeptRequests(whole.TraceRequests, request.HoldOut);
        var replay = kept is { } k ? whole.Prefix(k) : whole;
        if (replay.Requests == 0)
        {
            diagnostics.Add(Diag.TraceNoRequests(request.TracePath));
            return null;
        }

        var wanted = AheadWantedBytes(replay, request);
        var reserved = Reserved(request.Budget, wanted);
        var session = OptimizationSession.Create(
            module, replay, request.TracePath, CacheBudget(request.Budget, wanted), diagnostics, request.Handler, request.Objective, request.StalenessSeconds * 1000);
        if (session is null || diagnostics.HasErrors)
        {
            return null;
        }

        var found = session.Search(request.Search, progress, request.Paper);
        var chosen = new ScoredPolicy($"chosen ({request.Search.ToString().ToLowerInvariant()})", found.Placement, found.Result);
        var references = session.References();
        var caches = session.ToPolicy(found.Placement) with { BudgetBytes = request.Budget };
        var (policy, rows) = PlanAhead(replay, caches, request.StalenessSeconds, request.HotKeys ? request.Objective : null);
        // A cache a hot-key part replaced is gone; one that took the bytes the part left unused is written with them and its evidence anew.
        CachePlacement[] written = [.. found.Placement.Select((p, j) => (p, Kept: policy.Caches.FirstOrDefault(c => c.Handler == caches.Caches[j].Handler && c.Nodes.SequenceEqual(caches.Caches[j].Nodes))))
            .Where(x => x.Kept is not null).Select(x => x.p with { Bytes = x.Kept!.Bytes })];
        if (policy.Caches.Any(c => !caches.Caches.Contains(c)))
        {
            policy = policy with { Caches = session.ToPolicy(written).Caches };
        }

        var check = kept is null ? null : Check(request, whole, replay, policy, diagnostics);
        return new OptimizeReport(
            policy, session, found, chosen, references, session.Simulator.Run(written), replay.Requests, rows, reserved, check, wanted, written, whole);
    }

    /// <summary>The trace's first requests to search on and its last <paramref name="holdOut"/> share to check on; no check when either part would be too small.</summary>
    public static (TraceData Search, TraceData? Check) Split(TraceData trace, double holdOut) =>
        KeptRequests(trace.Requests.Count, holdOut) is { } kept
            ? (trace with { Requests = [.. trace.Requests.Take((int)kept)] }, trace with { Requests = [.. trace.Requests.Skip((int)kept)] })
            : (trace, null);

    /// <summary>How many of the trace's first requests to search on; null when either part would be too small to check.</summary>
    private static long? KeptRequests(long requests, double holdOut)
    {
        var kept = (long)Math.Round(requests * (1 - Math.Clamp(holdOut, 0, 1)));
        return holdOut <= 0 || kept < MinHeldOutRequests || requests - kept < MinHeldOutRequests ? null : kept;
    }

    /// <summary>
    /// Measures both gains in one replay of the whole trace, the policy as written served from a cold start, as a run
    /// would serve it: held out over the requests after the in-sample ones, in-sample over the in-sample requests after a
    /// warm-up as long as the held-out part (at most half of them), so that neither counts a cold start. (A second pass
    /// over the in-sample requests would count hits no run has: an LRU holding every in-sample key hits on keys requested
    /// once, a hot key on its first request.) Warns when the two are far apart.
    /// </summary>
    private static HeldOutCheck? Check(OptimizeRequest request, ServiceReplay whole, ServiceReplay inSample, PolicyDocument policy, DiagnosticBag diagnostics)
    {
        var kept = inSample.Requests;
        var warmUp = Math.Min(whole.Requests - kept, kept / 2);

        // One replay of the whole trace gives both windows: a request's latency depends only on the requests before it, so
        // the in-sample window is what a replay of the in-sample requests alone gives (under --sample, with the whole
        // trace's sampling corrections).
        var none = whole.ScoreWindows(PolicyDocument.Empty(policy.Service, policy.BudgetBytes), warmUp, kept, request.Objective);
        var chosen = whole.ScoreWindows(policy, warmUp, kept, request.Objective);
        static double Gain(double none, double with) => none <= 0 ? 0 : (none - with) / none * 100;

        var check = new HeldOutCheck(
            request.Objective, (int)inSample.TraceRequests, (int)(whole.TraceRequests - inSample.TraceRequests), Gain(none.Before, chosen.Before), Gain(none.After, chosen.After));
        if (check.GapPoints > HeldOutWarningPoints)
        {
            diagnostics.Add(Diag.HeldOutGap(request.TracePath, request.Objective.ToString().ToLowerInvariant(), check.InSampleGain, check.HeldOutGain, HeldOutWarningPoints));
        }

        return check;
    }

    /// <summary>The bytes of <paramref name="budget"/> left to caches when pre-computed and speculated results want <paramref name="aheadWanted"/>.</summary>
    public static long CacheBudget(long budget, long aheadWanted) => Math.Max(1, budget - Reserved(budget, aheadWanted));

    /// <summary>The caches keep at least half of the budget, whatever the stores would like.</summary>
    private static long Reserved(long budget, long aheadWanted) => Math.Min(aheadWanted, budget / 2);

    /// <summary>Bytes the stores would take when planned alone.</summary>
    private static long AheadWantedBytes(ServiceReplay replay, OptimizeRequest request)
    {
        var alone = AheadPlanner.Plan(replay, PolicyDocument.Empty(replay.Module.Service, 0), request.StalenessSeconds);

        // One speculated entry per client waiting at the peak.
        var peak = alone.Speculate.Length == 0 ? 0 : replay.Run(alone).PeakPending;
        return alone.Precompute.Sum(p => p.Bytes) + (peak * alone.Speculate.Select(s => s.Bytes).DefaultIfEmpty(0).Max());
    }

    /// <summary>Plans pre-computation and speculation around <paramref name="caches"/>; returns the whole policy and each kind of decision's replay.</summary>
    private static (PolicyDocument Policy, IReadOnlyList<DecisionRow> Rows) PlanAhead(ServiceReplay replay, PolicyDocument caches, double? staleness, Objective? hotKeys)
    {
        var none = PolicyDocument.Empty(caches.Service, caches.BudgetBytes);

        // A pre-computed part is served on every request, so it wins over a cache on the same nodes.
        var pre = AheadPlanner.Precompute(replay, none, staleness);
        var preNodes = pre.Select(p => (p.Handler, p.Nodes)).ToList();
        var kept = caches with { Caches = [.. caches.Caches.Where(c => !preNodes.Any(p => p.Handler == c.Handler && p.Nodes.Intersect(c.Nodes).Any()))] };
        var withPre = kept with { Precompute = [.. pre] };
        if (hotKeys is { } objective)
        {
            withPre = AheadPlanner.HotKeys(replay, withPre, r => r.Score(objective));
        }

        var withSpec = AheadPlanner.Plan(replay, caches, staleness, precompute: false);
        var all = AheadPlanner.Plan(replay, withPre, staleness, precompute: false);
        DecisionRow[] rows =
        [
            new("none", replay.Run(none)),
            new("caches only", replay.Run(caches)),
            new("precompute only", replay.Run(none with { Precompute = withPre.Precompute })),
            new("speculation only", replay.Run(AheadPlanner.Plan(replay, none, staleness, precompute: false))),
            new("caches + precompute", replay.Run(withPre)),
            new("caches + speculation", replay.Run(withSpec)),
            new("all", replay.Run(all)),
        ];
        return (all with { BudgetBytes = caches.BudgetBytes }, rows);
    }
}
