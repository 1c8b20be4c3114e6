using System.Text.RegularExpressions;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Policy;
using Fluxo.TestSupport;

namespace Fluxo.Cli.Tests;

/// <summary>
/// A cache inside one arm of a branch end to end: the tour's addMark fetches a title only for a new mark. The
/// optimizer offers the fetch keyed on the normalized url, the replay counts its lookups only on requests that took
/// the arm, and <c>fluxo run --policy</c> hits and misses exactly as the replay predicts.
/// </summary>
public sealed class ArmCacheTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-arm-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Owners add marks from a shared pool of pages: the first add of a page by an owner takes the fetching arm.
    private const string Workload = """
        {
          "format": "fluxo-workload/1", "seed": 5, "ratePerSecond": 100, "arrival": "poisson",
          "mix": [ { "handler": "addMark", "request": { "record": {
            "owner": { "zipf": { "s": 0.8, "count": 40, "template": "user{i}" } },
            "url": { "zipf": { "s": 1.0, "count": 60, "template": "http://site{i}.example/" } },
            "tags": { "const": "" } } } } ]
        }
        """;

    // The sample's stand-in answers fetchTitle at once; here it takes what its declaration says, so caching it pays.
    private const string Bindings = """
        {
          "format": "fluxo-bindings/1",
          "externs": {
            "fetchTitle": { "standIn": { "response": { "template": "Title of {url} ({hash%100})" }, "latency": { "fixed": 120 } } },
            "notifyUser": { "standIn": { "response": { "const": true } } }
          }
        }
        """;

    private static (long Hits, long Lookups) Counts(string text, string pattern)
    {
        var m = Regex.Match(text, pattern);
        Assert.True(m.Success, text);
        return (long.Parse(m.Groups["h"].Value.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture),
            long.Parse(m.Groups["l"].Value.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void The_run_hits_only_when_the_arm_is_taken_and_as_the_replay_predicts()
    {
        var workload = Path.Combine(_dir, "w.json");
        File.WriteAllText(workload, Workload);
        var bindings = Path.Combine(_dir, "b.json");
        File.WriteAllText(bindings, Bindings);
        var trace = Path.Combine(_dir, "t.log");
        var (code, _, error) = CliRunner.Run("run", TourIr.FlimpPath, "-w", workload, "-n", "1500", "-t", trace, "--bindings", bindings);
        Assert.True(code == 0, error);

        var optimized = Path.Combine(_dir, "optimized.json");
        (code, _, error) = CliRunner.Run("optimize", TourIr.FlimpPath, "--trace", trace, "--budget", "8KB", "--hold-out", "0", "-o", optimized);
        Assert.True(code == 0, error);
        var chosen = PolicyJson.Read(optimized, new DiagnosticBag())!;
        Assert.Contains(chosen.Caches, c => c.Nodes.Contains(TourIr.FetchTitle));

        var policy = Path.Combine(_dir, "p.json");
        var graph = TourIr.AddMark();
        File.WriteAllText(policy, PolicyJson.Serialize(PolicyDocument.Empty(TourIr.Module().Service, 8192) with
        {
            Caches = [new CacheDecision("addMark", graph.Hash, [TourIr.FetchTitle], 8192, "lru", 0, 0)],
        }));
        (code, var ran, error) = CliRunner.Run("run", TourIr.FlimpPath, "-w", workload, "-n", "1500", "--policy", policy, "--bindings", bindings);
        Assert.True(code == 0, error);
        (code, var simulated, error) = CliRunner.Run("simulate", TourIr.FlimpPath, "--trace", trace, "--policy", policy);
        Assert.True(code == 0, error);
        var run = Counts(ran, @"cache addMark\[6\][^:]*: (?<h>[0-9,]+) hits / (?<l>[0-9,]+) lookups");
        var replay = Counts(simulated, @"nodes addMark\{6\}: \d+ B, hit ratio [0-9.]+ ?% \((?<h>\d+)/(?<l>\d+)\)");

        // Only requests for a page their owner had not marked take the arm: fewer lookups than requests, hits across owners.
        Assert.InRange(run.Lookups, 100, 1499);
        Assert.True(run.Hits > 0, ran);
        Assert.Equal(replay, run);
    }
}
