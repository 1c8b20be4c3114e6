using System.Diagnostics;
using Fluxo.Diagnostics;
using Fluxo.Optimizer;
using Fluxo.Optimizer.Search;
using Fluxo.Optimizer.Synthetic;

var requests = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 20000;
var budget = args.Length > 1 ? long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 64 * 1024;
var module = WeatherGraph.Module();
foreach (var w in WeatherWorkload.Paper)
{
    var trace = new WeatherTraceGenerator().Generate(w, requests, 7);
    var diags = new DiagnosticBag();
    var s = OptimizationSession.Create(module, trace, "synthetic", budget, diags)!;
    Console.WriteLine($"== {w.Name}: candidates {string.Join(" ", s.Evaluator.Candidates)}");
    foreach (var r in s.References())
    {
        Console.WriteLine($"{r.Name,-18} p50 {r.Result.P50Ms,8:F2} mean {r.Result.MeanMs,8:F2} p95 {r.Result.P95Ms,8:F2}  {string.Join(" ", r.Placement)}");
    }

    foreach (var m in new[] { SearchMethod.Mrc, SearchMethod.Exhaustive })
    {
        var sw = Stopwatch.StartNew();
        var res = s.Search(m);
        Console.WriteLine($"{m,-18} p50 {res.Result.P50Ms,8:F2} mean {res.Result.MeanMs,8:F2} p95 {res.Result.P95Ms,8:F2}  {string.Join(" ", res.Placement)} replays {res.Replays} {sw.ElapsedMilliseconds}ms");
    }
}
