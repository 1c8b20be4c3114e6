using System.Globalization;
using Fluxo.Diagnostics;
using Fluxo.Optimizer;
using Fluxo.Optimizer.Search;
using Fluxo.TestSupport;

namespace Fluxo.Bench.Optimizer;

/// <summary>The paper's Weather experiment on one workload: every search against every reference policy.</summary>
internal static class WeatherExperiment
{
    public static void Run(WeatherWorkload workload, BenchOptions options, TextWriter output)
    {
        var trace = new WeatherTraceGenerator().Generate(workload, options.Requests, options.Seed);
        var session = OptimizationSession.Create(WeatherIr.Module(), trace, workload.Name, options.Budget, new DiagnosticBag())!;
        Run(Inv($"synthetic {workload.Name} (zip {workload.ZipShare:P0}, hot ip {workload.HotIpShare:P0}, cold ip {workload.ColdIpShare:P0}), budget {options.Budget} B"), session, options, output);
    }

    public static void Run(string title, OptimizationSession session, BenchOptions options, TextWriter output)
    {
        var references = session.References(options.Seed).Skip(1).ToList();
        var searches = new List<SearchResult>
        {
            session.Search(SearchMethod.Mrc),
            PaperSearch.Run(session.Evaluator, new PaperSearch.Options(options.PaperN, options.PaperK, options.Seed)),
            ExhaustiveSearch.Run(session.Evaluator, new ExhaustiveSearch.Options(options.Grid)),
        };
        var optimum = searches[^1].Result;
        output.WriteLine();
        output.WriteLine($"## {title}");
        output.WriteLine("policy              p50 ms   p95 ms   mean ms  caches");
        foreach (var r in references)
        {
            output.WriteLine(Inv($"{r.Name,-18} {r.Result.P50Ms,7:F2}  {r.Result.P95Ms,7:F2}  {r.Result.MeanMs,7:F2}   {string.Join(' ', r.Placement)}"));
        }

        foreach (var s in searches)
        {
            output.WriteLine(Inv($"{s.Method,-18} {s.Result.P50Ms,7:F2}  {s.Result.P95Ms,7:F2}  {s.Result.MeanMs,7:F2}   {string.Join(' ', s.Placement)}"));
        }

        output.WriteLine();
        output.WriteLine("search      vs Random p50/p95   vs Uniform p50/p95   vs All-enc p50/p95   gap to optimum p50   time      replays");
        foreach (var s in searches)
        {
            var cells = references.Select(r => Inv($"{Gain(r.Result.P50Ms, s.Result.P50Ms),+6:F1}% {Gain(r.Result.P95Ms, s.Result.P95Ms),+6:F1}%"));
            var gap = ((s.Result.P50Ms / optimum.P50Ms) - 1) * 100;
            output.WriteLine(Inv($"{s.Method,-10}  {string.Join("    ", cells)}      {gap,+6:F2}%           {s.Elapsed.TotalSeconds,6:F2} s  {s.Replays,6}"));
        }
    }

    /// <summary>Improvement of <paramref name="found"/> over <paramref name="reference"/> in percent of the reference.</summary>
    private static double Gain(double reference, double found) => (reference - found) / reference * 100;

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
