using System.Globalization;
using Fluxo.Bench.Optimizer;

// dotnet run -c Release --project bench/Fluxo.Bench.Optimizer -- [grid] [--requests N] [--large N] [--budget SIZE] [--paper-n N] [--paper-k K] [--grid G]
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
foreach (var workload in Fluxo.Optimizer.Synthetic.WeatherWorkload.Paper)
{
    WeatherExperiment.Run(workload, options, Console.Out);
}

ScaleExperiment.Run(options, Console.Out);
return 0;
