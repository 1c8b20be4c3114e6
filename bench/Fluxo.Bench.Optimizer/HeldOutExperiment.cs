using System.Globalization;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Optimizer;
using Fluxo.TestSupport;

namespace Fluxo.Bench.Optimizer;

/// <summary>
/// Only the grid's held-out column (issue 13), fast: per grid workload and sample, `fluxo optimize`'s held-out check with
/// hot-key parts and without, and how many keys the hot-key parts store. The grid's other columns need its searches.
/// </summary>
internal static class HeldOutExperiment
{
    public static int Run(BenchOptions options, TextWriter output)
    {
        var temp = Directory.CreateTempSubdirectory("fluxo-heldout-").FullName;
        try
        {
            output.WriteLine(Inv($"## held out: {options.Requests} requests each, objective mean, seed {options.Seed}; gains in percent of no policy"));
            output.WriteLine("row                         budget   hot keys: in-sample  held out   gap   keys   without: in-sample  held out   gap");
            var rows = GridExperiment.Workloads()
                .Where(w => options.Only is null || w.Workload.Name.Contains(options.Only, StringComparison.Ordinal))
                .Select(w => (w.Workload.Name, WeatherIr.Module(), GridExperiment.Write(temp, new WeatherTraceGenerator().Generate(w.Workload, options.Requests, options.Seed)), w.Budget))
                .Concat(SampleExperiment.RecordAll(options, temp).Select(s => (s.Name, s.Module, s.Path, s.Budget)));
            var within = (With: 0, Without: 0, Rows: 0);
            foreach (var (name, module, path, budget) in rows)
            {
                var with = Check(module, path, budget, hotKeys: true);
                var without = Check(module, path, budget, hotKeys: false);
                if (with.Check is not { } a || without.Check is not { } b)
                {
                    output.WriteLine($"{name}: no held-out check");
                    return 1;
                }

                within = (within.With + (a.GapPoints <= 3 ? 1 : 0), within.Without + (b.GapPoints <= 3 ? 1 : 0), within.Rows + 1);
                output.WriteLine(Inv($"{name,-26} {budget,7}            {a.InSampleGain,6:F1}%  {a.HeldOutGain,6:F1}%  {a.GapPoints,4:F1}  {with.Keys,5}            {b.InSampleGain,6:F1}%  {b.HeldOutGain,6:F1}%  {b.GapPoints,4:F1}"));
            }

            output.WriteLine(Inv($"held-out gain within 3 points of in-sample: {within.With} of {within.Rows} rows with hot keys, {within.Without} without"));
            return 0;
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    private static (HeldOutCheck? Check, int Keys) Check(IrModule module, string path, long budget, bool hotKeys)
    {
        var report = ServiceOptimizer.Optimize(module, new OptimizeRequest(path, path, budget, HotKeys: hotKeys), new DiagnosticBag());
        if (Environment.GetEnvironmentVariable("FLUXO_HOTDEBUG") is not null && report is not null)
        {
            Console.Error.WriteLine(Inv($"WINDOW gap {GridExperiment.WindowGap(module, path, report):F2} hot={hotKeys}"));
        }

        return (report?.HeldOut, report?.Policy.Precompute.Where(p => p.KeyedByRequest).Sum(p => p.HotKeys.Length) ?? 0);
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
