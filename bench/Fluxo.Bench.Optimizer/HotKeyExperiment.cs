using System.Globalization;
using Fluxo.Diagnostics;
using Fluxo.Frontends;
using Fluxo.Optimizer;
using Fluxo.Runtime.Externs;
using Fluxo.Runtime.Workloads;

namespace Fluxo.Bench.Optimizer;

/// <summary>
/// Issue 13 item 6: what storing the hottest keys of request-dependent parts adds, on the four services of the paper. Per
/// service, one trace of its session workload; the policy `fluxo optimize --staleness 5s` chooses with and without hot-key
/// parts (same budget, same search); each policy replayed and run on the same workload with `fluxo run`'s defaults.
/// </summary>
internal static class HotKeyExperiment
{
    private static readonly string[] Services = ["auth", "addressbook", "im", "messaging"];

    public const double StalenessSeconds = 5;

    public static int Run(BenchOptions options, TextWriter output)
    {
        var temp = Directory.CreateTempSubdirectory("fluxo-hotkeys-").FullName;
        try
        {
            output.WriteLine(Inv($"## hot keys: {options.Requests} requests per service, staleness {StalenessSeconds} s, budget from each workload, objective mean"));
            output.WriteLine("service       budget  hot parts (keys)   replay mean ms: without  with   gain   run mean ms: without  with   gain");
            foreach (var name in Services)
            {
                var folder = Path.Combine(SampleExperiment.RepoRoot(), "samples", name);
                var service = Path.Combine(folder, name + ".flimp");
                var diagnostics = new DiagnosticBag();
                var module = ServiceLoader.Load(service, diagnostics);
                var workload = module is null ? null : WorkloadJson.Read(Path.Combine(folder, "workload-sessions.json"), module, diagnostics);
                var trace = Path.Combine(temp, name + ".bin");
                var bindings = ServiceBindings.PathBeside(service);
                if (workload is null || SampleExperiment.RunWorkload(module!, bindings, workload, options.Requests, trace, null, diagnostics) is null)
                {
                    output.WriteLine($"{name}: {string.Join("; ", diagnostics.Items)}");
                    return 1;
                }

                var budget = workload.CacheBudgetBytes ?? 16 * 1024;
                var request = new OptimizeRequest(service, trace, budget, StalenessSeconds: StalenessSeconds, HotKeys: true);
                var without = ServiceOptimizer.Optimize(module!, request with { HotKeys = false }, diagnostics);
                var with = ServiceOptimizer.Optimize(module!, request, diagnostics);
                if (without is null || with is null)
                {
                    output.WriteLine($"{name}: {string.Join("; ", diagnostics.Items)}");
                    return 1;
                }

                var ranWithout = SampleExperiment.RunWorkload(module!, bindings, workload, options.Requests, null, without.Policy, diagnostics)!;
                var ranWith = SampleExperiment.RunWorkload(module!, bindings, workload, options.Requests, null, with.Policy, diagnostics)!;
                var hot = with.Policy.Precompute.Where(p => p.KeyedByRequest).ToList();
                var predicted = (without.Decisions[^1].Result.MeanMs, with.Decisions[^1].Result.MeanMs);
                var measured = (ranWithout.Overall.MeanMs, ranWith.Overall.MeanMs);
                output.WriteLine(Inv($"{name,-12} {budget,7}  {hot.Count,3} ({hot.Sum(h => h.HotKeys.Length),5})                 {predicted.Item1,7:F2} {predicted.Item2,6:F2} {Gain(predicted),+6:F1}%                {measured.Item1,7:F2} {measured.Item2,6:F2} {Gain(measured),+6:F1}%"));
            }

            return 0;
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    private static double Gain((double Without, double With) x) => x.Without == 0 ? 0 : (x.Without - x.With) / x.Without * 100;

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
