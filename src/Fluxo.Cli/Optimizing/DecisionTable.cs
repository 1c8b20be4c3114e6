using System.Globalization;
using Fluxo.Optimizer;
using Fluxo.Optimizer.Ahead;
using Fluxo.Policy;

namespace Fluxo.Cli.Optimizing;

/// <summary>The whole-trace table of `fluxo optimize`: the gain of each kind of decision, then each pre-computation and speculation.</summary>
internal static class DecisionTable
{
    public static void Write(TextWriter output, int requests, IReadOnlyList<DecisionRow> rows, PolicyDocument policy)
    {
        var baseline = rows[0].Result;
        output.WriteLine(Inv($"whole trace, every handler ({requests} requests): gain of each kind of decision"));
        output.WriteLine("decisions            p50 ms   p95 ms   p99 ms  mean ms  mean gain  spec used/started  wasted ms  refresh ms");
        foreach (var row in rows)
        {
            Row(output, row.Name, row.Result, baseline);
        }

        foreach (var p in policy.Precompute)
        {
            output.WriteLine(Inv($"  precompute {p.Handler}{{{string.Join(",", p.Nodes)}}}: load {p.LoadCostMs:F2} ms vs compute {p.ComputeCostMs:F2} ms, refresh every {(p.RefreshSeconds > 0 ? p.RefreshSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s" : "never")}, {p.RefreshCostMsPerHour:F1} ms of work per hour, {p.Bytes} B{(p.KeyedByRequest ? $", the {p.HotKeys.Length} hottest keys" : "")}"));
        }

        foreach (var s in policy.Speculate)
        {
            var inputs = string.Join(", ", s.Inputs.Select(b => b.Param + "=" + (b.FromResult ? s.AfterHandler + ".result" + (b.ResultField is { } f ? "." + f : "") : s.AfterHandler + "." + b.FromParam)));
            output.WriteLine(Inv($"  speculate {s.AfterHandler} -> {s.Handler}{{{string.Join(",", s.Nodes)}}} ({inputs}): p={s.Probability:F2}, saves {s.ExpectedSavingMs:F2} ms per {s.Handler} after {s.AfterHandler}, wastes {s.ExpectedWasteMs:F2} ms of work per speculation"));
        }
    }

    private static void Row(TextWriter output, string name, AheadResult r, AheadResult baseline)
    {
        var gain = baseline.MeanMs == 0 ? 0 : (baseline.MeanMs - r.MeanMs) / baseline.MeanMs * 100;
        var spec = $"{r.SpeculationsUsed}/{r.Speculations}";
        output.WriteLine(Inv($"{name,-20} {r.P50Ms,7:F2}  {r.P95Ms,7:F2}  {r.P99Ms,7:F2}  {r.MeanMs,7:F2}  {gain,8:+0.0;-0.0;0.0}%  {spec,17}  {r.WastedWorkMs,9:F1}  {r.RefreshWorkMs,10:F1}"));
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
