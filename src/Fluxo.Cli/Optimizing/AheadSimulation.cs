using System.Globalization;
using Fluxo.Diagnostics;
using Fluxo.Frontends;
using Fluxo.Optimizer.Ahead;
using Fluxo.Policy;
using Fluxo.Trace;

namespace Fluxo.Cli.Optimizing;

/// <summary>The whole-trace prediction `fluxo simulate` adds when a policy pre-computes or speculates.</summary>
internal static class AheadSimulation
{
    public static int Write(string file, string tracePath, string policyPath, PolicyDocument policy, TextWriter output, TextWriter error)
    {
        var diagnostics = new DiagnosticBag();
        var module = ServiceLoader.Load(file, diagnostics);
        var replay = module is null ? null : ServiceReplay.Read(module, tracePath, diagnostics);
        AheadResult? with = null, without = null;
        try
        {
            with = replay?.Run(policy);
            without = replay?.Run(PolicyDocument.Empty(policy.Service, policy.BudgetBytes));
        }
        catch (ArgumentException e)
        {
            diagnostics.Add(Diag.AheadPolicyUnfit(policyPath, e.Message));
        }

        DiagnosticPrinter.Print(diagnostics, error);
        if (with is null || without is null || diagnostics.HasErrors)
        {
            return 1;
        }

        output.WriteLine();
        output.WriteLine(Inv($"whole trace ({with.Requests} requests, every handler): policy mean {with.MeanMs:F2} ms p50 {with.P50Ms:F2} p95 {with.P95Ms:F2} p99 {with.P99Ms:F2}; none mean {without.MeanMs:F2} ms p50 {without.P50Ms:F2} p95 {without.P95Ms:F2} p99 {without.P99Ms:F2}"));
        foreach (var (handler, mean) in with.MeanByHandler.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            output.WriteLine(Inv($"  {handler}: mean {mean:F2} ms (none {without.MeanByHandler[handler]:F2} ms)"));
        }

        output.WriteLine(Inv($"speculation: {with.SpeculationsUsed} used of {with.Speculations} started, {with.SpeculationsWasted} wasted ({with.WastedWorkMs:F2} ms of work wasted); precompute: {with.Refreshes} refreshes, {with.RefreshWorkMs:F2} ms of work"));
        return 0;
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
