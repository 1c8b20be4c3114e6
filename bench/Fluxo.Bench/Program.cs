using System.Globalization;
using Fluxo.Bench;

// Benchmarks, run with: dotnet run -c Release --project bench/Fluxo.Bench -- runtime [requests]
var what = args.Length > 0 ? args[0] : "runtime";
var requests = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200_000;
if (what != "runtime")
{
    Console.Error.WriteLine("usage: Fluxo.Bench runtime [requests]");
    return 1;
}

return await RuntimeBench.RunAsync(requests, Console.Out);
