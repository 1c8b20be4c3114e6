using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fluxo.Diagnostics;
using Fluxo.Frontends;
using Fluxo.Ir;
using Fluxo.Runtime.Engine;
using Fluxo.Runtime.Externs;
using Fluxo.Runtime.Tracing;
using Fluxo.Runtime.Workloads;

namespace Fluxo.Bench.Optimizer;

/// <summary>
/// What tracing costs `fluxo run`: the Weather sample's hot-IP workload at 100k and 1M requests, untraced and traced
/// (binary), in alternating rounds. First as `fluxo run` child processes, on the engine's own figures (wall time and
/// the process's CPU time while the workload ran, both printed by `fluxo run`), which include compiling the tracing
/// code on first use; their peak resident memory (by /usr/bin/time) shows whether memory grows with the request count.
/// Then warm: the same engine, workload runner and trace writer `fluxo run` uses, in one process (with fluxo's
/// garbage collector settings) after a warm-up, which is the steady cost per request.
/// </summary>
internal static partial class RunTracing
{
    private static readonly int[] Sizes = [100_000, 1_000_000];

    public static void Run(string fluxo, int rounds, string dir, TextWriter output)
    {
        var (service, workload) = Sample();
        var trace = Path.Combine(dir, "run.trace");
        var peaks = new Dictionary<(int, bool), long>();
        foreach (var requests in Sizes)
        {
            var cpu = new List<double>[] { [], [] };
            var rate = new List<double>[] { [], [] };
            for (var round = 0; round < rounds; round++)
            {
                // Alternate which mode goes first, so a change of load between the two halves of a round does not favour one.
                foreach (var traced in round % 2 == 0 ? new[] { false, true } : [true, false])
                {
                    string[] args = ["run", service, "-w", workload, "-n", requests.ToString(CultureInfo.InvariantCulture)];
                    var (_, peak, stdout) = PerfExperiment.TimeChild("dotnet", [fluxo, .. args, .. traced ? new[] { "--trace", trace } : []]);
                    var m = EngineLine().Match(stdout);
                    if (!m.Success)
                    {
                        throw new InvalidOperationException("no engine figures in fluxo run's output: " + stdout);
                    }

                    var k = traced ? 1 : 0;
                    rate[k].Add(double.Parse(m.Groups["rate"].Value, CultureInfo.InvariantCulture));
                    cpu[k].Add(double.Parse(m.Groups["cpu"].Value, CultureInfo.InvariantCulture));
                    peaks[(requests, traced)] = Math.Max(peaks.GetValueOrDefault((requests, traced)), peak);
                }
            }

            // Throughput by CPU time is requests per CPU second; its ratio is the inverse ratio of CPU times. Neighbours on a
            // shared machine only ever add CPU time (caches, memory bandwidth), so the least of each mode is printed too.
            var byCpu = Median(cpu[0]) / Median(cpu[1]);
            var byWall = Median(rate[1]) / Median(rate[0]);
            output.WriteLine(PerfExperiment.Inv($"fluxo run, {requests} requests, {rounds} rounds: untraced {Median(cpu[0]):F2} s CPU ({Median(rate[0]):F0} req/s wall), traced {Median(cpu[1]):F2} s CPU ({Median(rate[1]):F0} req/s wall); traced throughput {byCpu:P1} of untraced by CPU time (tracing costs {1 - byCpu:P1}, target <= 10%), {byWall:P1} by wall time; by the least CPU of each mode {1 - (cpu[0].Min() / cpu[1].Min()):P1}; CPU seconds untraced [{string.Join(", ", cpu[0].Select(c => c.ToString("F2", CultureInfo.InvariantCulture)))}] traced [{string.Join(", ", cpu[1].Select(c => c.ToString("F2", CultureInfo.InvariantCulture)))}]; load average {PerfExperiment.Load()}"));
        }

        foreach (var traced in new[] { false, true })
        {
            var small = peaks[(100_000, traced)];
            var large = peaks[(1_000_000, traced)];
            output.WriteLine(PerfExperiment.Inv($"fluxo run peak RSS {(traced ? "traced" : "untraced")}: {small / 1e6:F0} MB at 100k requests, {large / 1e6:F0} MB at 1M = {large / (double)small:F2}x (flat: ~1x)"));
        }

        File.Delete(trace);
        WarmChild(fluxo, rounds, dir, output);
    }

    /// <summary>Runs <see cref="Warm"/> in a child of this program with fluxo's garbage collector settings (its runtimeconfig.json).</summary>
    private static void WarmChild(string fluxo, int rounds, string dir, TextWriter output)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true };
        foreach (var a in new[] { typeof(RunTracing).Assembly.Location, "run-tracing-warm", dir, rounds.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(a);
        }

        using var config = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(fluxo, ".runtimeconfig.json")));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        if (properties.TryGetProperty("System.GC.ConserveMemory", out var conserve))
        {
            info.Environment["DOTNET_GCConserveMemory"] = conserve.GetInt32().ToString(CultureInfo.InvariantCulture);
        }

        if (properties.TryGetProperty("System.GC.Gen0MaxBudget", out var gen0))
        {
            info.Environment["DOTNET_GCGen0MaxBudget"] = gen0.GetInt64().ToString("x", CultureInfo.InvariantCulture);
        }

        if (properties.TryGetProperty("System.GC.RetainVM", out var retain))
        {
            info.Environment["DOTNET_GCRetainVM"] = retain.GetBoolean() ? "1" : "0";
        }

        if (properties.TryGetProperty("System.GC.Concurrent", out var concurrent))
        {
            info.Environment["DOTNET_gcConcurrent"] = concurrent.GetBoolean() ? "1" : "0";
        }

        using var p = Process.Start(info)!;
        output.Write(p.StandardOutput.ReadToEnd());
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"the warm measurement exited with {p.ExitCode}");
        }
    }

    /// <summary>The warm measurement, in this process: each mode's CPU time (all threads: the trace writer's, the collector's) and wall time.</summary>
    public static void Warm(string dir, int rounds, TextWriter output)
    {
        using var http = new HttpClient();
        var (module, bindings, workload) = Load(http);
        var trace = Path.Combine(dir, "warm.trace");
        Measure(module, bindings, workload, 50_000, null);
        Measure(module, bindings, workload, 50_000, trace);

        // Zero rounds: only the interleaved batches below.
        foreach (var requests in rounds > 0 ? Sizes : [])
        {
            var cpu = new List<double>[] { [], [] };
            var wall = new List<double>[] { [], [] };
            for (var round = 0; round < rounds; round++)
            {
                foreach (var traced in round % 2 == 0 ? new[] { false, true } : [true, false])
                {
                    var (c, w) = Measure(module, bindings, workload, requests, traced ? trace : null);
                    cpu[traced ? 1 : 0].Add(c);
                    wall[traced ? 1 : 0].Add(w);
                }
            }

            var byCpu = Median(cpu[0]) / Median(cpu[1]);
            var byWall = Median(wall[0]) / Median(wall[1]);
            output.WriteLine(PerfExperiment.Inv($"warm, in process, {requests} requests, {rounds} rounds: untraced {Median(cpu[0]):F2} s CPU ({requests / Median(wall[0]):F0} req/s wall), traced {Median(cpu[1]):F2} s CPU ({requests / Median(wall[1]):F0} req/s wall); traced throughput {byCpu:P1} of untraced by CPU time (tracing costs {1 - byCpu:P1}, target <= 10%), {byWall:P1} by wall time; load average {PerfExperiment.Load()}"));
        }

        // The steady cost per request, in short batches of each mode in turn: a change of load between batches falls on
        // both modes alike, which whole rounds of a million requests each do not allow on a shared machine.
        const int batch = 50_000;
        var costs = new List<double>();
        var perRequest = new List<double>[] { [], [] };
        // FLUXO_BENCH_PAIR_COUNT=N runs N pairs instead of 10 (to compare two builds on many short batches).
        var pairs = int.TryParse(Environment.GetEnvironmentVariable("FLUXO_BENCH_PAIR_COUNT"), CultureInfo.InvariantCulture, out var n) ? n : 10;
        for (var pair = 0; pair < pairs; pair++)
        {
            // FLUXO_BENCH_ONLY=traced or untraced runs that mode in both halves of each pair (to profile one mode alone).
            var only = Environment.GetEnvironmentVariable("FLUXO_BENCH_ONLY");
            var untraced = Measure(module, bindings, workload, batch, only == "traced" ? trace : null).Cpu;
            var traced = Measure(module, bindings, workload, batch, only == "untraced" ? null : trace).Cpu;
            perRequest[0].Add(untraced / batch * 1e6);
            perRequest[1].Add(traced / batch * 1e6);
            costs.Add(1 - (untraced / traced));
            if (Environment.GetEnvironmentVariable("FLUXO_BENCH_PAIRS") is not null)
            {
                Console.Error.WriteLine(PerfExperiment.Inv($"  pair {pair}: untraced {untraced:F3} s, traced {traced:F3} s"));
            }
        }

        var extra = perRequest[1].Zip(perRequest[0], (t, u) => t - u).ToList();
        output.WriteLine(PerfExperiment.Inv($"warm, interleaved, {pairs} pairs of {batch} requests: untraced {Median(perRequest[0]):F2} us CPU a request, traced {Median(perRequest[1]):F2} us; tracing costs {Median(costs):P1} (median of the pairs; range {costs.Min():P1} to {costs.Max():P1}), {Median(extra):F3} us a request (median of the pairs' differences); least of each mode {perRequest[0].Min():F2} and {perRequest[1].Min():F2} us; load average {PerfExperiment.Load()}"));
        File.Delete(trace);
    }

    /// <summary>The first <paramref name="requests"/> of the sample's workload, traced to <paramref name="trace"/> as `fluxo run` traces them.</summary>
    public static void Traced(int requests, string trace)
    {
        using var http = new HttpClient();
        var (module, bindings, workload) = Load(http);
        Measure(module, bindings, workload, requests, trace);
    }

    private static (IrModule Module, ServiceBindings Bindings, Workload Workload) Load(HttpClient http)
    {
        var (servicePath, workloadPath) = Sample();
        var diags = new DiagnosticBag();
        var module = ServiceLoader.Load(servicePath, diags);
        var bindings = module is null ? null : ServiceBindings.Read(ServiceBindings.PathBeside(servicePath), module, http, diags);
        var workload = module is null ? null : WorkloadJson.Read(workloadPath, module, diags);
        if (module is null || bindings is null || workload is null)
        {
            throw new InvalidOperationException(string.Join("\n", diags.Items.Select(d => d.Format())));
        }

        return (module, bindings, workload);
    }

    private static (double Cpu, double Wall) Measure(IrModule module, ServiceBindings bindings, Workload workload, int requests, string? trace)
    {
        var engine = ServiceEngine.Create(module, new EngineOptions { Bindings = bindings, Trace = trace is not null }, new DiagnosticBag())!;

        // The last batch's trace is removed before the clock starts, as `fluxo run` opens its trace before its own: the
        // kernel's work of truncating a file of millions of requests is not tracing's cost per request.
        if (trace is not null)
        {
            File.Delete(trace);
        }

        GC.Collect();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var gcs = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes());
        using (var writer = trace is null ? null : RunTraceWriter.Open(trace, engine.TraceHeader))
        {
            new WorkloadRunner(engine, workload, writer).RunAsync(requests).GetAwaiter().GetResult();
        }

        if (Environment.GetEnvironmentVariable("FLUXO_BENCH_GC") is not null)
        {
            Console.Error.WriteLine(PerfExperiment.Inv($"  {(trace is null ? "untraced" : "traced")} {requests}: gen0 {GC.CollectionCount(0) - gcs.Item1} gen1 {GC.CollectionCount(1) - gcs.Item2} gen2 {GC.CollectionCount(2) - gcs.Item3}, pauses {(GC.GetTotalPauseDuration() - gcs.Item4).TotalSeconds:F2} s, {(GC.GetTotalAllocatedBytes() - gcs.Item5) / (double)requests:F0} B allocated per request, CPU {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:F2} s"));
        }

        return ((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds, clock.Elapsed.TotalSeconds);
    }

    private static (string Service, string Workload) Sample()
    {
        var root = Root();
        return (Path.Combine(root, "samples", "weather", "weather.flimp"), Path.Combine(root, "samples", "weather", "workload-hot-ips.json"));
    }

    internal static double Median(List<double> xs)
    {
        var sorted = xs.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Fluxo.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("run from inside the repository: samples/weather is needed");
    }

    [GeneratedRegex(@"engine wall time [\d.,]+ s \((?<rate>[\d.]+) req/s\), (?<cpu>[\d.]+) s CPU")]
    private static partial Regex EngineLine();
}
