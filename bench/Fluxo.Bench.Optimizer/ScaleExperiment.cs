using System.Diagnostics;
using System.Globalization;
using Fluxo.Diagnostics;
using Fluxo.Optimizer;
using Fluxo.TestSupport;

namespace Fluxo.Bench.Optimizer;

/// <summary>Speed on a large trace: the whole MRC search, and the simulator's replayed node events per second.</summary>
internal static class ScaleExperiment
{
    public static void Run(BenchOptions options, TextWriter output)
    {
        var workload = WeatherWorkload.Paper[0];
        var trace = new WeatherTraceGenerator().Generate(workload, options.Large, options.Seed);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var session = OptimizationSession.Create(WeatherIr.Module(), trace, workload.Name, options.Budget, new DiagnosticBag())!;
        var prepare = clock.Elapsed;
        var result = session.Search(SearchMethod.Mrc);
        var total = clock.Elapsed;
        var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;

        // Replays of the chosen policy and of the 4-cache Uniform policy, one core, after a warm-up run.
        var uniform = session.References()[2].Placement;
        session.Simulator.Run(result.Placement);
        var replays = 0;
        long events = 0;
        clock.Restart();
        while (clock.Elapsed.TotalSeconds < 3)
        {
            session.Simulator.Run(replays % 2 == 0 ? result.Placement : uniform);
            replays++;
            events += session.Simulator.NodeEvents;
        }

        var rate = events / clock.Elapsed.TotalSeconds;
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"## scale: {options.Large} requests ({session.Simulator.NodeEvents} node events), workload {workload.Name}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"mrc search: {total.TotalSeconds:F2} s wall, {cpuUsed.TotalSeconds:F2} s CPU in all (flatten + candidate keys {prepare.TotalSeconds:F2} s, search {result.Elapsed.TotalSeconds:F2} s, {result.Replays} exact replays); target < 5 s"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"machine load average at the end: {LoadAverage()}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"simulator: {rate / 1e6:F1} million node events/s on one core ({replays} replays of 1-4 caches); target > 10 million"));
    }

    /// <summary>The 1-minute load average where the OS tells it: timings on a busy machine read high.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";
}
