using System.Globalization;
using System.Text.Json;
using Fluxo.Diagnostics;
using Fluxo.Optimizer;
using Fluxo.Optimizer.Ahead;
using Fluxo.Optimizer.Replay;
using Fluxo.Policy;

namespace Fluxo.Cli.Optimizing;

/// <summary>
/// `fluxo optimize --baseline old.json --max-regression 5%`: the old policy and the new one, each whole as written (caches,
/// pre-computed parts, hot keys, speculations), replayed the same way over the whole new trace. Regressed when the old one is
/// worse on the objective by more than the threshold, in percent of the new policy's figure: the deployed policy has gone
/// stale for today's traffic. (Comparing the old policy's whole replay with the new caches alone once failed a policy
/// against itself.)
/// </summary>
internal sealed record RegressionGate(string Baseline, Objective Objective, double BaselineMs, double ChosenMs, double MaxPercent)
{
    /// <summary>How much worse the baseline is, in percent of the new choice (positive: the new choice is better).</summary>
    public double Percent => ChosenMs > 0 ? (BaselineMs - ChosenMs) / ChosenMs * 100 : BaselineMs > 0 ? double.PositiveInfinity : 0;

    public bool Regressed => Percent > MaxPercent;

    /// <summary>Reads "5%", "2.5%" or "5" (percent either way); null after a diagnostic.</summary>
    public static double? ParsePercent(string text, DiagnosticBag diagnostics)
    {
        var t = text.Trim().TrimEnd('%').Trim();
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) && p >= 0 && double.IsFinite(p))
        {
            return p;
        }

        diagnostics.Add(Diag.BadPercent("--max-regression", text));
        return null;
    }

    /// <summary>Replays the baseline policy and the new one over the report's whole trace; null after diagnostics (unreadable or stale baseline).</summary>
    public static RegressionGate? Evaluate(OptimizeReport report, string baselinePath, double maxPercent, Objective objective, DiagnosticBag diagnostics)
    {
        // The caches are checked against the program and the trace first, for located diagnostics; the replay checks the rest.
        var policy = PolicyJson.Read(baselinePath, diagnostics);
        if (policy is null || report.Session.FromPolicy(policy, baselinePath, diagnostics) is null)
        {
            return null;
        }

        AheadResult baseline;
        try
        {
            baseline = report.WholeTrace.Run(policy);
        }
        catch (ArgumentException e)
        {
            diagnostics.Add(Diag.AheadPolicyUnfit(baselinePath, e.Message));
            return null;
        }

        var chosen = report.WholeTrace.Run(report.Policy);
        var gate = new RegressionGate(baselinePath, objective, baseline.Score(objective), chosen.Score(objective), maxPercent);
        if (gate.Regressed)
        {
            diagnostics.Add(Diag.Regression(baselinePath, Name(objective), gate.BaselineMs, gate.ChosenMs, gate.Percent, maxPercent));
        }

        return gate;
    }

    public void WriteText(TextWriter output) =>
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"baseline {Baseline}: {Name(Objective)} {BaselineMs:F2} ms replayed on this trace, new choice {ChosenMs:F2} ms ({Percent:+0.0;-0.0;0.0}% for the baseline, {MaxPercent:0.##}% allowed): {(Regressed ? "REGRESSION" : "ok")}"));

    public void WriteJson(Utf8JsonWriter w)
    {
        w.WriteStartObject("baseline");
        w.WriteString("file", Baseline);
        w.WriteString("objective", Name(Objective));
        w.WriteNumber("baselineMs", BaselineMs);
        w.WriteNumber("chosenMs", ChosenMs);
        if (double.IsFinite(Percent))
        {
            w.WriteNumber("regressionPercent", Percent);
        }
        else
        {
            w.WriteNull("regressionPercent");
        }

        w.WriteNumber("maxRegressionPercent", MaxPercent);
        w.WriteBoolean("regressed", Regressed);
        w.WriteEndObject();
    }

    private static string Name(Objective o) => o.ToString().ToLowerInvariant();
}
