using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Optimizer;
using Fluxo.Optimizer.Ahead;
using Fluxo.Optimizer.Replay;
using Fluxo.Optimizer.Search;
using Fluxo.TestSupport;
using static Fluxo.Bench.Optimizer.PerfExperiment;

namespace Fluxo.Bench.Optimizer;

/// <summary>
/// Issue 14 item 6's accuracy check: on a Weather trace small enough to replay whole, the mrc search on the whole trace and
/// on samples per cache key (`fluxo optimize --sample RATE`), and each chosen cache's hit ratio as the sample predicts it
/// against the same cache replayed on the whole trace, at several budgets and rates.
/// </summary>
internal static class SamplingExperiment
{
    /// <summary>SHARDS' setting: every key space large and not too skewed (the unit test's workload). The paper's workloads have 600 cities, a few of them hot.</summary>
    private static readonly WeatherWorkload Wide = new("wide", 0.3, 0.2, 0.5, Zips: 50_000, ZipSkew: 0.5, HotIps: 50_000, HotIpSkew: 0.5, ColdIps: 500_000, Cities: 40_000, CitySkew: 0.5);

    public static int Run(string[] args, TextWriter output)
    {
        var requests = long.Parse(Arg(args, "--requests", "1000000"), System.Globalization.CultureInfo.InvariantCulture);
        var rates = Arg(args, "--rates", "0.1,0.01").Split(',').Select(r => double.Parse(r, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var budgets = Arg(args, "--budgets", "8KB,64KB,1MB").Split(',');
        var workload = WeatherWorkload.Paper.Append(Wide).FirstOrDefault(w => w.Name == Arg(args, "--workload", "ip-cold")) ?? WeatherWorkload.Paper[0];
        var salts = Arg(args, "--salts", "0").Split(',').Select(s => ulong.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var dir = Directory.CreateTempSubdirectory("fluxo-sampling-").FullName;
        try
        {
            var module = WeatherIr.Module();
            var trace = Path.Combine(dir, "weather.trace");
            Generate(workload, requests, trace);
            output.WriteLine(Inv($"## sampling: {requests} requests, workload {workload.Name}, rates {string.Join(", ", rates)}, salts {string.Join(", ", salts)}, load average {Load()}"));
            var whole = Read(module, trace, 1, 0, out var wholeSeconds);
            var sampled = salts.SelectMany(salt => rates.Select(rate => (Rate: rate, Salt: salt, Replay: Read(module, trace, rate, salt, out var seconds), Seconds: seconds))).ToArray();
            output.WriteLine(Inv($"read whole: {wholeSeconds:F2} s CPU, {whole.Requests} requests kept"));
            foreach (var (rate, salt, replay, seconds) in sampled)
            {
                var groups = Session(module, replay, trace, 1).Parts[0].Trace.KeySample?.Groups ?? 0;
                output.WriteLine(Inv($"read at {rate}, salt {salt}: {seconds:F2} s CPU, {replay.Requests} requests kept ({100.0 * replay.Requests / whole.Requests:F1}%, {groups} key groups)"));
            }

            output.WriteLine();
            output.WriteLine("| budget | rate | salt | cache | bytes | hit ratio exact | hit ratio sampled | error (points) | mean ms, sampled choice / exact choice | same caches as exact |");
            output.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
            var worst = new Dictionary<double, (double Error, string Where)>();
            foreach (var text in budgets)
            {
                var budget = ByteSize.Parse(text, new DiagnosticBag()) ?? throw new ArgumentException($"not a size: {text}");
                var exact = Session(module, whole, trace, budget);
                var exactFound = exact.Search(SearchMethod.Mrc);
                var exactMean = exact.Simulator.Run(exactFound.Placement).MeanMs;
                foreach (var (rate, salt, replay, _) in sampled)
                {
                    var session = Session(module, replay, trace, budget);
                    var found = session.Search(SearchMethod.Mrc);
                    var onSample = session.Simulator.Run(found.Placement);
                    var placement = found.Placement.Select(p => new CachePlacement(exact.Evaluator.Candidates.Single(c => c.Part == p.Candidate.Part && c.Nodes.SequenceEqual(p.Candidate.Nodes)), p.Bytes)).ToArray();
                    var onWhole = exact.Simulator.Run(placement);
                    var means = Inv($"{onWhole.MeanMs:F2} / {exactMean:F2}");
                    var same = Describe(found.Placement) == Describe(exactFound.Placement) ? "yes" : "no (exact: " + Describe(exactFound.Placement) + ")";
                    for (var j = 0; j < placement.Length; j++)
                    {
                        var error = Math.Abs(onSample.Caches[j].HitRatio - onWhole.Caches[j].HitRatio) * 100;
                        var row = Inv($"| {text} | {rate} | {salt} | {Name(placement[j].Candidate.Nodes)} | {placement[j].Bytes} | {onWhole.Caches[j].HitRatio * 100:F2}% | {onSample.Caches[j].HitRatio * 100:F2}% | {error:F2} | {means} | {same} |");
                        if (!worst.TryGetValue(rate, out var w) || error > w.Error)
                        {
                            worst[rate] = (error, row);
                        }

                        output.WriteLine(row);
                    }

                    if (placement.Length == 0)
                    {
                        output.WriteLine(Inv($"| {text} | {rate} | {salt} | (none) | 0 | - | - | - | {means} | {same} |"));
                    }
                }
            }

            output.WriteLine();
            foreach (var (rate, (error, where)) in worst.OrderByDescending(w => w.Key))
            {
                output.WriteLine(Inv($"largest error at rate {rate}: {error:F2} points (target <= 1): {where}"));
            }

            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static ServiceReplay Read(IrModule module, string path, double rate, ulong salt, out double seconds)
    {
        ServiceReplay? read = null;
        seconds = Cpu(() =>
        {
            var diagnostics = new DiagnosticBag();
            read = ServiceReplay.Read(module, path, diagnostics, sample: rate, sampleSalt: salt) ?? throw new InvalidOperationException(string.Join("\n", diagnostics.Items));
        });
        return read!;
    }

    private static OptimizationSession Session(IrModule module, ServiceReplay replay, string path, long budget)
    {
        var diagnostics = new DiagnosticBag();
        return OptimizationSession.Create(module, replay, path, budget, diagnostics) ?? throw new InvalidOperationException(string.Join("\n", diagnostics.Items));
    }

    private static string Describe(IEnumerable<CachePlacement> placement) => string.Join(" + ", placement.Select(p => Name(p.Candidate.Nodes)).Order(StringComparer.Ordinal));

    // Weather's node names (WeatherIr), so a row reads as the cache it is.
    private static string Name(int[] nodes) => string.Join("+", nodes.Select(v => v switch
    {
        WeatherIr.IpToCity => "ipToCity",
        WeatherIr.CityToWeather => "cityToWeather",
        WeatherIr.ZipToWeather => "zipToWeather",
        WeatherIr.Join => "if",
        WeatherIr.BuildHtml => "buildHtml",
        _ => v.ToString(System.Globalization.CultureInfo.InvariantCulture),
    }));

    private static string Arg(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
