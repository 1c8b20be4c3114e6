using System.Globalization;
using Fluxo.Diagnostics;
using Fluxo.Optimizer.Ahead;
using Fluxo.Policy;
using Fluxo.Trace;

namespace Fluxo.Cli.Optimizing;

/// <summary>
/// The pre-compute and speculation half of `fluxo optimize`: before the cache search it reserves the bytes the
/// planned stores need out of the budget; after it, it plans around the chosen caches and reports each kind
/// of decision's gain over the whole trace, alone and together.
/// </summary>
internal sealed class AheadStage
{
    private readonly ServiceReplay _replay;
    private readonly double? _staleness;

    private AheadStage(ServiceReplay replay, double? staleness)
    {
        _replay = replay;
        _staleness = staleness;
    }

    /// <summary>Bytes the pre-computed parts and the speculations (one entry per waiting client at the peak) would take.</summary>
    public long ReservedBytes { get; private set; }

    public static AheadStage? Prepare(string file, string tracePath, long budget, double? staleness, DiagnosticBag diagnostics)
    {
        var module = ServiceLoader.Load(file, diagnostics);
        var trace = module is null || diagnostics.HasErrors ? null : TraceFile.Read(tracePath, module, diagnostics);
        var replay = trace is null ? null : ServiceReplay.Create(module!, trace, tracePath, diagnostics);
        if (replay is null)
        {
            return null;
        }

        var stage = new AheadStage(replay, staleness);
        var alone = AheadPlanner.Plan(replay, PolicyDocument.Empty(module!.Service, 0), staleness);

        // The caches keep at least half of the budget, whatever the stores would like.
        stage.ReservedBytes = Math.Min(Reserved(replay, alone), budget / 2);
        return stage;
    }

    private static long Reserved(ServiceReplay replay, PolicyDocument policy)
    {
        var peak = policy.Speculate.Length == 0 ? 0 : replay.Run(policy).PeakPending;
        return policy.Precompute.Sum(p => p.Bytes) + (peak * policy.Speculate.Select(s => s.Bytes).DefaultIfEmpty(0).Max());
    }

    /// <summary>Plans around <paramref name="caches"/>, prints the gain table and returns the whole policy.</summary>
    public PolicyDocument Extend(PolicyDocument caches, TextWriter output)
    {
        var none = PolicyDocument.Empty(caches.Service, caches.BudgetBytes);

        // A pre-computed part is served on every request, so it wins over a cache on the same nodes.
        var pre = AheadPlanner.Precompute(_replay, none, _staleness);
        var preNodes = pre.Select(p => (p.Handler, p.Nodes)).ToList();
        var kept = caches with { Caches = [.. caches.Caches.Where(c => !preNodes.Any(p => p.Handler == c.Handler && p.Nodes.Intersect(c.Nodes).Any()))] };
        var withPre = kept with { Precompute = [.. pre] };
        var withSpec = AheadPlanner.Plan(_replay, caches, _staleness, precompute: false);
        var all = AheadPlanner.Plan(_replay, withPre, _staleness, precompute: false);
        var baseline = _replay.Run(none);
        output.WriteLine(Inv($"whole trace, every handler ({_replay.Requests} requests): gain of each kind of decision"));
        output.WriteLine("decisions            p50 ms   p95 ms   p99 ms  mean ms  mean gain  spec used/started  wasted ms  refresh ms");
        Row(output, "none", baseline, baseline);
        Row(output, "caches only", _replay.Run(caches), baseline);
        Row(output, "precompute only", _replay.Run(none with { Precompute = [.. pre] }), baseline);
        Row(output, "speculation only", _replay.Run(AheadPlanner.Plan(_replay, none, _staleness, precompute: false)), baseline);
        Row(output, "caches + precompute", _replay.Run(withPre), baseline);
        Row(output, "caches + speculation", _replay.Run(withSpec), baseline);
        Row(output, "all", _replay.Run(all), baseline);
        foreach (var p in all.Precompute)
        {
            output.WriteLine(Inv($"  precompute {p.Handler}{{{string.Join(",", p.Nodes)}}}: load {p.LoadCostMs:F2} ms vs compute {p.ComputeCostMs:F2} ms, refresh every {(p.RefreshSeconds > 0 ? p.RefreshSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s" : "never")}, {p.RefreshCostMsPerHour:F1} ms of work per hour, {p.Bytes} B"));
        }

        foreach (var s in all.Speculate)
        {
            var inputs = string.Join(", ", s.Inputs.Select(b => b.Param + "=" + (b.FromResult ? s.AfterHandler + ".result" : s.AfterHandler + "." + b.FromParam)));
            output.WriteLine(Inv($"  speculate {s.AfterHandler} -> {s.Handler}{{{string.Join(",", s.Nodes)}}} ({inputs}): p={s.Probability:F2}, saves {s.ExpectedSavingMs:F2} ms per {s.Handler} after {s.AfterHandler}, wastes {s.ExpectedWasteMs:F2} ms of work per speculation"));
        }

        return all with { BudgetBytes = caches.BudgetBytes };
    }

    private static void Row(TextWriter output, string name, AheadResult r, AheadResult baseline)
    {
        var gain = baseline.MeanMs == 0 ? 0 : (baseline.MeanMs - r.MeanMs) / baseline.MeanMs * 100;
        var spec = $"{r.SpeculationsUsed}/{r.Speculations}";
        output.WriteLine(Inv($"{name,-20} {r.P50Ms,7:F2}  {r.P95Ms,7:F2}  {r.P99Ms,7:F2}  {r.MeanMs,7:F2}  {gain,8:+0.0;-0.0;0.0}%  {spec,17}  {r.WastedWorkMs,9:F1}  {r.RefreshWorkMs,10:F1}"));
    }

    /// <summary>Parses a staleness bound: 60s, 5m, 1h, 500ms (seconds when unitless).</summary>
    public static double? ParseStaleness(string? text, DiagnosticBag diagnostics)
    {
        if (text is null)
        {
            return null;
        }

        var t = text.Trim().ToLowerInvariant();
        var (digits, scale) = t.EndsWith("ms", StringComparison.Ordinal) ? (t[..^2], 0.001)
            : t.EndsWith('s') ? (t[..^1], 1.0)
            : t.EndsWith('m') ? (t[..^1], 60.0)
            : t.EndsWith('h') ? (t[..^1], 3600.0)
            : (t, 1.0);
        if (double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0)
        {
            return v * scale;
        }

        diagnostics.Add(Diag.BadStaleness(text));
        return null;
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
