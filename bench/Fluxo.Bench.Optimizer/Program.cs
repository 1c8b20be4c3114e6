using System.Globalization;
using Fluxo.Bench.Optimizer;

// dotnet run -c Release --project bench/Fluxo.Bench.Optimizer -- [grid] [--requests N] [--large N] [--budget SIZE] [--paper-n N] [--paper-k K] [--grid G]
// ... -- perf [--requests 1000000] [--paper-requests 100000] [--fluxo src/Fluxo.Cli/bin/Release/net10.0/fluxo.dll]: issue 14's ratios
// ... -- heldout [--requests N] [--only TEXT]: only the grid's held-out column, with hot keys and without (issue 13)
// ... -- hotkeys [--requests N]: what hot-key pre-computation adds on the four services (issue 13 item 6)
// ... -- run-tracing --fluxo FLUXO.dll [--run-rounds 3]: only what tracing costs `fluxo run` (part of perf)
// ... -- generate OUT [--requests 100000000]: a synthetic Weather trace streamed to OUT in constant memory, its service in OUT.ir.json
// ... -- checksum [--requests 1000000]: what the trace checksum adds to read + flatten
// ... -- replay-loop [--requests 100000] [--rounds 5] [--paper-n 2000] [--paper-k 20]: the paper search's replays again and again, CPU per replay and a digest of the results
// ... -- jit --fluxo A/fluxo.dll[,B/fluxo.dll] [--rounds 5] [--trace T --service S.ir.json]: JIT-compiled methods and CPU of fluxo commands, builds alternated
// ... -- hash-costs [--requests 256] [--rounds 9]: what hashing a traced request's values costs, XXH64 (the trace format's) against XXH3
// ... -- sampling [--requests 1000000] [--rates 0.1,0.01] [--budgets 8KB,64KB,1MB] [--workload ip-cold|zip-heavy|ip-hot|wide]: hit ratios sampled per cache key vs exact
// As fluxo itself does at start-up, so that what the bench times in process is what the tool does.
Fluxo.Memory.HugePages.AdviseCollectorHeap();

if (args.Length > 0 && args[0] == "checksum")
{
    return ChecksumExperiment.Run(args, Console.Out);
}

if (args.Length > 0 && args[0] == "hash-costs")
{
    return HashCosts.Run(args, Console.Out);
}

if (args.Length > 0 && args[0] == "jit")
{
    return JitExperiment.Run(args, Console.Out);
}

if (args.Length > 0 && args[0] == "sampling")
{
    return SamplingExperiment.Run(args, Console.Out);
}

if (args.Length > 0 && args[0] == "replay-loop")
{
    return ReplayLoop.Run(args, Console.Out);
}

if (args.Length > 0 && args[0] == "perf")
{
    return PerfExperiment.Run(args, Console.Out);
}

if (args.Length > 2 && args[0] == "run-tracing" && args[1] == "--fluxo")
{
    var rounds = args.Length > 4 && args[3] == "--run-rounds" ? int.Parse(args[4], CultureInfo.InvariantCulture) : 3;
    var dir = Directory.CreateTempSubdirectory("fluxo-run-tracing-").FullName;
    RunTracing.Run(args[2], rounds, dir, Console.Out);
    Directory.Delete(dir, recursive: true);
    return 0;
}

if (args.Length > 2 && args[0] == "run-tracing-warm")
{
    RunTracing.Warm(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), Console.Out);
    return 0;
}

if (args.Length > 1 && args[0] == "generate")
{
    var n = args.Length > 3 && args[2] == "--requests" ? long.Parse(args[3], CultureInfo.InvariantCulture) : 100_000_000;
    PerfExperiment.Generate(Fluxo.TestSupport.WeatherWorkload.Paper[0], n, args[1]);

    // The service the trace was generated for, beside it, for `fluxo optimize`.
    File.WriteAllText(args[1] + ".ir.json", Fluxo.Ir.IrJson.Serialize(Fluxo.TestSupport.WeatherIr.Module()));
    return 0;
}

if (args.Length > 0 && args[0] == "heldout")
{
    var heldOptions = BenchOptions.Parse(args[1..]);
    return heldOptions is null ? 1 : HeldOutExperiment.Run(heldOptions, Console.Out);
}

if (args.Length > 0 && args[0] == "hotkeys")
{
    var hotOptions = BenchOptions.Parse(args[1..]);
    return hotOptions is null ? 1 : HotKeyExperiment.Run(hotOptions, Console.Out);
}

var grid = args.Length > 0 && args[0] == "grid";
var options = BenchOptions.Parse(grid ? args[1..] : args);
if (options is null)
{
    Console.Error.WriteLine("usage: [grid] [--requests 20000] [--large 1000000] [--budget 64KB] [--paper-n 2000] [--paper-k 20] [--grid 16] [--seed 7]");
    return 1;
}

if (grid)
{
    GridExperiment.Run(options, Console.Out);
    return 0;
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Weather experiment: {options.Requests} requests per workload, budget {options.Budget} B, paper N={options.PaperN} K={options.PaperK}, exhaustive grid B/{options.Grid}, seed {options.Seed}"));
SampleExperiment.Run(options, Console.Out);
foreach (var workload in Fluxo.TestSupport.WeatherWorkload.Paper)
{
    WeatherExperiment.Run(workload, options, Console.Out);
}

ScaleExperiment.Run(options, Console.Out);
return 0;
