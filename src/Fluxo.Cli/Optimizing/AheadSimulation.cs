using System.Globalization;
using System.Text.Json;
using Fluxo.Diagnostics;
using Fluxo.Frontends;
using Fluxo.Optimizer.Ahead;
using Fluxo.Policy;

namespace Fluxo.Cli.Optimizing;

/// <summary>The whole-trace prediction `fluxo simulate` adds when a policy pre-computes or speculates, as text or JSON.</summary>
internal sealed record AheadSimulation(AheadResult With, AheadResult Without)
{
    /// <summary>Replays the whole trace, every handler, with the policy and with none; null after diagnostics.</summary>
    public static AheadSimulation? Run(string file, string tracePath, string policyPath, PolicyDocument policy, DiagnosticBag diagnostics)
    {
        var module = ServiceLoader.Load(file, diagnostics);
        var replay = module is null ? null : ServiceReplay.Read(module, tracePath, diagnostics);
        try
        {
            return replay is null || diagnostics.HasErrors ? null : new AheadSimulation(replay.Run(policy), replay.Run(PolicyDocument.Empty(policy.Service, policy.BudgetBytes)));
        }
        catch (ArgumentException e)
        {
            diagnostics.Add(Diag.AheadPolicyUnfit(policyPath, e.Message));
            return null;
        }
    }

    public void WriteText(TextWriter output)
    {
        var (with, without) = (With, Without);
        output.WriteLine();
        output.WriteLine(Inv($"whole trace ({with.Requests} requests, every handler): policy mean {with.MeanMs:F2} ms p50 {with.P50Ms:F2} p95 {with.P95Ms:F2} p99 {with.P99Ms:F2}; none mean {without.MeanMs:F2} ms p50 {without.P50Ms:F2} p95 {without.P95Ms:F2} p99 {without.P99Ms:F2}"));
        foreach (var (handler, mean) in with.MeanByHandler.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            output.WriteLine(Inv($"  {handler}: mean {mean:F2} ms (none {without.MeanByHandler[handler]:F2} ms)"));
        }

        output.WriteLine(Inv($"speculation: {with.SpeculationsUsed} used of {with.Speculations} started, {with.SpeculationsWasted} wasted ({with.WastedWorkMs:F2} ms of work wasted); precompute: {with.Refreshes} refreshes, {with.RefreshWorkMs:F2} ms of work"));
    }

    /// <summary>The same figures as <see cref="WriteText"/>, as the "ahead" object of `simulate --format json`.</summary>
    public void WriteJson(Utf8JsonWriter w)
    {
        w.WriteStartObject("ahead");
        w.WriteNumber("requests", With.Requests);
        Latencies(w, "policy", With);
        Latencies(w, "none", Without);
        w.WriteStartArray("handlers");
        foreach (var (handler, mean) in With.MeanByHandler.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            w.WriteString("handler", handler);
            w.WriteNumber("meanMs", mean);
            w.WriteNumber("noneMeanMs", Without.MeanByHandler[handler]);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteNumber("speculations", With.Speculations);
        w.WriteNumber("speculationsUsed", With.SpeculationsUsed);
        w.WriteNumber("speculationsWasted", With.SpeculationsWasted);
        w.WriteNumber("wastedWorkMs", With.WastedWorkMs);
        w.WriteNumber("refreshes", With.Refreshes);
        w.WriteNumber("refreshWorkMs", With.RefreshWorkMs);
        w.WriteEndObject();
    }

    private static void Latencies(Utf8JsonWriter w, string name, AheadResult r)
    {
        w.WriteStartObject(name);
        w.WriteNumber("p50Ms", r.P50Ms);
        w.WriteNumber("p95Ms", r.P95Ms);
        w.WriteNumber("p99Ms", r.P99Ms);
        w.WriteNumber("meanMs", r.MeanMs);
        w.WriteEndObject();
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
