using System.Diagnostics;
using System.Globalization;
using Fluxo.Diagnostics;
using Fluxo.Flimp;
using Fluxo.Ir;
using Fluxo.Runtime.Engine;
using Fluxo.Runtime.Externs;
using Fluxo.Runtime.Tracing;
using Fluxo.Runtime.Workloads;
using Fluxo.Trace;

namespace Fluxo.Bench;

/// <summary>
/// Engine throughput on the weather sample under virtual time, with tracing off, text and binary,
/// measured in one run so the cost of tracing is a ratio; then a million requests traced end to end.
/// </summary>
internal static class RuntimeBench
{
    public static async Task<int> RunAsync(int requests, TextWriter output)
    {
        var root = FindRoot();
        var weather = Path.Combine(root, "samples", "weather");
        var diags = new DiagnosticBag();
        var file = Path.Combine(weather, "weather.flimp");
        var module = FlimpCompiler.Compile(file, File.ReadAllText(file), diags);
        using var http = new HttpClient();
        var bindings = module is null ? null : ServiceBindings.Read(Path.Combine(weather, "weather.bindings.json"), module, http, diags);
        var workload = module is null ? null : WorkloadJson.Read(Path.Combine(weather, "workload-hot-ips.json"), module, diags);
        if (module is null || bindings is null || workload is null)
        {
            foreach (var d in diags.Items)
            {
                Console.Error.WriteLine(d.Format());
            }

            return 1;
        }

        var dir = Directory.CreateTempSubdirectory("fluxo-bench-").FullName;
        try
        {
            output.WriteLine($"weather, virtual time, workload-hot-ips, {Environment.ProcessorCount} cores, {requests:N0} requests per measurement");
            // Warm up every path, so tiered JIT has compiled them before anything is measured.
            foreach (var t in new[] { null, "", "events.log", "events.bin" })
            {
                await Measure(module, bindings, workload, requests / 2, t, dir);
            }

            // The machine is shared, so load comes and goes: measure the four modes back to back in each
            // round, rotating their order, and report the median of each mode's ratio to its round's untraced run.
            string?[] modes = [null, "", "events.log", "events.bin"];
            string[] names = ["off", "events only", "text trace", "binary trace"];
            var ratios = names.Select(_ => new List<double>()).ToArray();
            var rates = names.Select(_ => new List<double>()).ToArray();
            const int rounds = 5;
            for (var round = 0; round < rounds; round++)
            {
                var r = new double[modes.Length];
                for (var k = 0; k < modes.Length; k++)
                {
                    var m = (k + round) % modes.Length;
                    r[m] = (await Measure(module, bindings, workload, requests, modes[m], dir)).Rate;
                }

                for (var m = 0; m < modes.Length; m++)
                {
                    ratios[m].Add(r[m] / r[0]);
                    rates[m].Add(r[m]);
                }

                output.WriteLine($"  round {round + 1}: " + string.Join("   ", names.Select((n, m) => FormattableString.Invariant($"{n} {r[m]:N0} req/s ({r[m] / r[0]:P1})"))));
            }

            for (var m = 0; m < modes.Length; m++)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"median of {rounds}: {names[m],-12} {Median(rates[m]),9:N0} req/s, {Median(ratios[m]):P1} of untraced (tracing cost {1 - Median(ratios[m]):P1})"));
            }

            foreach (var name in requests >= 100_000 ? new[] { "million.bin", "million.log" } : [])
            {
                var million = await Measure(module, bindings, workload, 1_000_000, name, dir);
                var path = Path.Combine(dir, name);
                var size = new FileInfo(path).Length;
                var sw = Stopwatch.StartNew();
                var data = TraceFile.Read(path, new DiagnosticBag());
                var readSeconds = sw.Elapsed.TotalSeconds;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"1,000,000 weather requests traced to {name}: {million.Seconds:F1} s ({million.Rate:N0} req/s), {size / 1e6:F0} MB; read back {data?.Requests.Count ?? 0:N0} requests in {readSeconds:F1} s"));
                File.Delete(path);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        return 0;
    }

    private static async Task<(double Rate, double Seconds)> Measure(IrModule module, ServiceBindings bindings, Workload workload, int requests, string? trace, string dir)
    {
        var options = new EngineOptions { Bindings = bindings, Trace = trace is not null };
        var engine = ServiceEngine.Create(module, options, new DiagnosticBag())!;
        GC.Collect();
        var sw = Stopwatch.StartNew();
        // An empty name collects events in the engine and writes them nowhere: the engine's share of the cost.
        using (var writer = string.IsNullOrEmpty(trace) ? null : RunTraceWriter.Open(Path.Combine(dir, trace), engine.TraceHeader))
        {
            await new WorkloadRunner(engine, workload, writer).RunAsync(requests);
        }

        var seconds = sw.Elapsed.TotalSeconds;
        return (requests / seconds, seconds);
    }

    private static double Median(List<double> xs)
    {
        var sorted = xs.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Fluxo.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }
}
