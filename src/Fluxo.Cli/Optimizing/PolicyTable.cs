using System.Globalization;
using Fluxo.Optimizer;
using Fluxo.Optimizer.Replay;
using Fluxo.Optimizer.Search;
using Fluxo.Reporting.Graphs;

namespace Fluxo.Cli.Optimizing;

/// <summary>The plain-text table comparing a chosen policy with the reference policies (read in docs/optimizer.md).</summary>
internal static class PolicyTable
{
    public static void Write(TextWriter output, ScoredPolicy chosen, IReadOnlyList<ScoredPolicy> references, IReadOnlyList<Fluxo.Ir.Graph>? graphs = null)
    {
        output.WriteLine("policy              p50 ms   p95 ms   p99 ms  mean ms  p50 gain  mean gain  caches");
        Row(output, chosen, null, graphs);
        foreach (var r in references)
        {
            Row(output, r, chosen.Result, graphs);
        }
    }

    /// <summary>The chosen policy next to the best found for each other objective, on every statistic.</summary>
    public static void WriteObjectives(TextWriter output, Objective chosen, IReadOnlyList<(Objective Objective, SearchResult Found)> best)
    {
        output.WriteLine("best for objective   p50 ms  mean ms   p95 ms   p99 ms  caches");
        foreach (var (objective, found) in best.OrderBy(b => b.Objective != chosen))
        {
            var r = found.Result;
            var name = objective.ToString().ToLowerInvariant() + (objective == chosen ? " (chosen)" : "");
            output.WriteLine(Inv($"{name,-19} {r.P50Ms,7:F2}  {r.MeanMs,7:F2}  {r.P95Ms,7:F2}  {r.P99Ms,7:F2}  {string.Join(' ', found.Placement)}"));
        }
    }

    /// <summary>One line per cache, named by its nodes' labels like the samples report, with the node ids for tools; <paramref name="graphs"/> are the handlers by part.</summary>
    public static void WriteCaches(TextWriter output, IReadOnlyList<Fluxo.Ir.Graph> graphs, IReadOnlyList<CachePlacement> placement, SimulationResult result)
    {
        for (var j = 0; j < placement.Count; j++)
        {
            var s = result.Caches[j];
            var name = NodeLabels.CacheName(graphs[placement[j].Candidate.Part], placement[j].Candidate.Nodes);
            output.WriteLine(Inv($"  cache {name} nodes {placement[j].Candidate}: {placement[j].Bytes} B, hit ratio {s.HitRatio:P1} ({s.Hits}/{s.Lookups}), peak {s.PeakBytes} B"));
        }
    }

    private static void Row(TextWriter output, ScoredPolicy p, SimulationResult? chosen, IReadOnlyList<Fluxo.Ir.Graph>? graphs)
    {
        var r = p.Result;
        var gains = chosen is null ? "        -          -" : Inv($"{Gain(r.P50Ms, chosen.P50Ms),8:+0.0;-0.0;0.0}%  {Gain(r.MeanMs, chosen.MeanMs),8:+0.0;-0.0;0.0}%");
        output.WriteLine(Inv($"{p.Name,-18} {r.P50Ms,7:F2}  {r.P95Ms,7:F2}  {r.P99Ms,7:F2}  {r.MeanMs,7:F2}  {gains}  {string.Join(' ', p.Placement.Select(c => graphs is null ? c.ToString() : $"{NodeLabels.CacheName(graphs[c.Candidate.Part], c.Candidate.Nodes)}:{c.Bytes}B"))}"));
    }

    /// <summary>How much lower <paramref name="found"/> is than <paramref name="reference"/>, in percent of the reference.</summary>
    private static double Gain(double reference, double found) => reference == 0 ? 0 : (reference - found) / reference * 100;

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
