using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Fluxo.Cli;
using Fluxo.Diagnostics;
using Fluxo.Optimizer;
using Fluxo.Trace;

namespace Fluxo.Bench.Optimizer;

/// <summary>The Weather experiment on the runtime's sample workloads: traces recorded by `fluxo run`, budgets from the workload files.</summary>
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
                var quiet = new StringWriter();
                var code = Fluxo.Cli.Program.BuildRoot()
                    .Parse(["run", service, "--workload", workload, "--requests", options.Requests.ToString(CultureInfo.InvariantCulture), "--trace", trace])
                    .Invoke(new InvocationConfiguration { Output = quiet, Error = quiet });
                var diagnostics = new DiagnosticBag();
                var module = ServiceLoader.Load(service, diagnostics);
                var data = code == 0 && module is not null ? TraceFile.Read(trace, module, diagnostics) : null;
                using var doc = JsonDocument.Parse(File.ReadAllText(workload));
                var budget = doc.RootElement.GetProperty("cacheBudgetBytes").GetInt64();
                var session = data is null ? null : OptimizationSession.Create(module!, data, trace, budget, diagnostics);
                if (session is null)
                {
                    output.WriteLine($"## {name}: could not record a trace: {quiet}{string.Join(Environment.NewLine, diagnostics.Items)}");
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

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Fluxo.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }
}
