using Fluxo.Diagnostics;
using Fluxo.Frontends;
using Fluxo.Ir;
using Fluxo.Optimizer;
using Fluxo.Policy;
using Fluxo.Runtime.Engine;
using Fluxo.Runtime.Externs;
using Fluxo.Runtime.Tracing;
using Fluxo.Runtime.Workloads;
using Fluxo.Trace;

namespace Fluxo.Bench.Optimizer;

/// <summary>The Weather experiment on the runtime's sample workloads: traces recorded by the engine as `fluxo run` records them, budgets from the workload files.</summary>
internal static class SampleExperiment
{
    public static void Run(BenchOptions options, TextWriter output)
    {
        var weather = Path.Combine(RepoRoot(), "samples", "weather");
        var service = Path.Combine(weather, "weather.ir.json");
        var temp = Directory.CreateTempSubdirectory("fluxo-bench-").FullName;
        try
        {
            foreach (var workload in Directory.GetFiles(weather, "workload-*.json").Order())
            {
                var name = Path.GetFileNameWithoutExtension(workload);
                var trace = Path.Combine(temp, name + ".log");
                var diagnostics = new DiagnosticBag();
                var module = ServiceLoader.Load(service, diagnostics);
                var workloadData = module is null ? null : WorkloadJson.Read(workload, module, diagnostics);
                var recorded = workloadData is not null && Record(module!, ServiceBindings.PathBeside(service), workloadData, options.Requests, trace, diagnostics);
                var data = recorded ? TraceFile.Read(trace, module!, diagnostics) : null;
                var budget = workloadData?.CacheBudgetBytes ?? 0;
                var session = data is null ? null : OptimizationSession.Create(module!, data, trace, budget, diagnostics);
                if (session is null)
                {
                    output.WriteLine($"## {name}: could not record a trace: {string.Join(Environment.NewLine, diagnostics.Items)}");
                    continue;
                }

                WeatherExperiment.Run($"sample {name} (fluxo run, {options.Requests} requests), budget {budget} B", session, options, output);
            }
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary>Records a trace of every sample on its preferred workload (the one `samples-report` uses), budget from the workload.</summary>
    public static IEnumerable<(string Name, IrModule Module, TraceData Trace, string Path, long Budget)> RecordAll(BenchOptions options, string temp)
    {
        foreach (var folder in Directory.GetDirectories(Path.Combine(RepoRoot(), "samples")).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(folder);
            var service = Path.Combine(folder, name + ".flimp");
            var workload = Path.Combine(folder, "workload-sessions.json");
            workload = File.Exists(workload) ? workload : Directory.GetFiles(folder, "workload-*.json").Order(StringComparer.Ordinal).FirstOrDefault() ?? "";
            if (!File.Exists(service) || !File.Exists(workload) || (options.Only is { } only && !name.Contains(only, StringComparison.Ordinal)))
            {
                continue;
            }

            var diagnostics = new DiagnosticBag();
            var module = ServiceLoader.Load(service, diagnostics);
            var data = module is null ? null : WorkloadJson.Read(workload, module, diagnostics);
            var trace = Path.Combine(temp, name + ".bin");
            if (data is null || !Record(module!, ServiceBindings.PathBeside(service), data, options.Requests, trace, diagnostics))
            {
                continue;
            }

            var read = TraceFile.Read(trace, module!, diagnostics);
            if (read is not null)
            {
                yield return (name, module!, read, trace, data.CacheBudgetBytes ?? 16 * 1024);
            }
        }
    }

    /// <summary>Runs the workload with tracing on, with `fluxo run`'s defaults (virtual clock, seed 1, the workload's own seed).</summary>
    private static bool Record(IrModule module, string bindingsPath, Workload workload, int requests, string tracePath, DiagnosticBag diagnostics) =>
        RunWorkload(module, bindingsPath, workload, requests, tracePath, null, diagnostics) is not null;

    /// <summary>Runs the workload as `fluxo run` does (virtual clock, seed 1), with a trace to <paramref name="tracePath"/> and the policy when given; null with diagnostics when the engine cannot start.</summary>
    public static RunReport? RunWorkload(IrModule module, string bindingsPath, Workload workload, int requests, string? tracePath, PolicyDocument? policy, DiagnosticBag diagnostics)
    {
        using var http = new HttpClient();
        var bindings = ServiceBindings.Read(bindingsPath, module, http, diagnostics);
        var engine = bindings is null ? null : ServiceEngine.Create(module, new EngineOptions { Bindings = bindings, Trace = tracePath is not null, Policy = policy }, diagnostics);
        if (engine is null || diagnostics.HasErrors)
        {
            return null;
        }

        using var trace = tracePath is null ? null : RunTraceWriter.Open(tracePath, engine.TraceHeader);
        return new WorkloadRunner(engine, workload, trace).RunAsync(requests, CancellationToken.None).GetAwaiter().GetResult();
    }

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Fluxo.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }
}
