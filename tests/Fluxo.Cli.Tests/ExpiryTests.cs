using System.Globalization;
using System.Text.RegularExpressions;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Policy;
using Fluxo.TestSupport;

namespace Fluxo.Cli.Tests;

/// <summary>
/// Caches with expiry end to end on the shortener sample, whose <c>safetyScore</c> extern is not deterministic but
/// declared <c>fresh 60s</c>: the optimizer caches it with an expiry no longer than its bound (or <c>--staleness</c>),
/// the replay ages entries by the trace's arrival times, <c>fluxo run --policy</c> expires them the same way, and a
/// policy whose expiry does not fit its nodes is a located error.
/// </summary>
public sealed class ExpiryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-expiry-").FullName;

    private static string Shortener => Path.Combine(RepoPaths.Samples, "shortener", "shortener.flimp");

    private static string Workload => Path.Combine(RepoPaths.Samples, "shortener", "workload-sessions.json");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static double HitRatio(string text, string pattern)
    {
        var m = Regex.Match(text, pattern);
        Assert.True(m.Success, text);
        return double.Parse(m.Groups["r"].Value, CultureInfo.InvariantCulture);
    }

    private static double AllMean(string runOutput)
    {
        var m = Regex.Match(runOutput, @"^all\s+\S+\s+\S+\s+(?<mean>[0-9.]+)", RegexOptions.Multiline);
        Assert.True(m.Success, runOutput);
        return double.Parse(m.Groups["mean"].Value, CultureInfo.InvariantCulture);
    }

    [Fact]
    public void A_fresh_extern_is_cached_with_expiry_and_the_run_expires_entries_as_the_replay_predicts()
    {
        var trace = Path.Combine(_dir, "s.log");
        var policyPath = Path.Combine(_dir, "policy.json");
        var (code, _, error) = CliRunner.Run("run", Shortener, "-w", Workload, "-n", "3000", "-t", trace);
        Assert.True(code == 0, error);

        // A 5 s staleness bound caps the extern's own 60 s.
        (code, var optimized, error) = CliRunner.Run("optimize", Shortener, "--trace", trace, "--budget", "16KB", "--staleness", "5s", "-o", policyPath);
        Assert.True(code == 0, error);
        var policy = PolicyJson.Read(policyPath, new DiagnosticBag())!;
        var safety = Assert.Single(policy.Caches, c => c.Handler == "shorten");
        Assert.Equal(5, safety.TtlSeconds);
        Assert.Contains("\"ttlSeconds\": 5", File.ReadAllText(policyPath), StringComparison.Ordinal);

        // Caches only, so the run measures what the cache replay predicts.
        File.WriteAllText(policyPath, PolicyJson.Serialize(policy with { Caches = [safety], Precompute = [], Speculate = [] }));
        (code, var ran, error) = CliRunner.Run("run", Shortener, "-w", Workload, "-n", "3000", "--policy", policyPath);
        Assert.True(code == 0, error);
        (code, var simulated, error) = CliRunner.Run("simulate", Shortener, "--trace", trace, "--policy", policyPath);
        Assert.True(code == 0, error);
        var runRatio = HitRatio(ran, @"cache shorten\[3\][^\n]*\((?<r>[0-9.]+)%\)");
        var simRatio = HitRatio(simulated, @"nodes shorten\{3\}: \d+ B, hit ratio (?<r>[0-9.]+) %");
        Assert.True(Math.Abs(runRatio - simRatio) < 2, $"hit ratio run {runRatio}%, replay {simRatio}%\n{ran}\n{simulated}");
        var predicted = Regex.Match(simulated, @"^policy\s+\S+\s+\S+\s+\S+\s+(?<mean>[0-9.]+)", RegexOptions.Multiline);
        Assert.True(predicted.Success, simulated);
        var predictedMean = double.Parse(predicted.Groups["mean"].Value, CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(AllMean(ran) - predictedMean) < predictedMean * 0.05, $"run mean {AllMean(ran)}, predicted {predictedMean}");

        // The same cache kept for an hour hits more in the replay and in the run: expiry is what held them back.
        File.WriteAllText(policyPath, PolicyJson.Serialize(policy with { Caches = [safety with { TtlSeconds = 0.5 }], Precompute = [], Speculate = [] }));
        (code, var shortSim, error) = CliRunner.Run("simulate", Shortener, "--trace", trace, "--policy", policyPath);
        Assert.True(code == 0, error);
        (code, var shortRun, error) = CliRunner.Run("run", Shortener, "-w", Workload, "-n", "3000", "--policy", policyPath);
        Assert.True(code == 0, error);
        var shortSimRatio = HitRatio(shortSim, @"nodes shorten\{3\}: \d+ B, hit ratio (?<r>[0-9.]+) %");
        var shortRunRatio = HitRatio(shortRun, @"cache shorten\[3\][^\n]*\((?<r>[0-9.]+)%\)");
        Assert.True(shortSimRatio < simRatio - 10, $"0.5 s: {shortSimRatio}%, 5 s: {simRatio}%");
        Assert.True(Math.Abs(shortRunRatio - shortSimRatio) < 2, $"0.5 s: run {shortRunRatio}%, replay {shortSimRatio}%");
        Assert.Contains("ttlSeconds", optimized + File.ReadAllText(policyPath), StringComparison.Ordinal);
    }

    private static string Hash(string handler) =>
        IrJson.Deserialize(File.ReadAllText(Path.Combine(RepoPaths.Samples, "shortener", "shortener.ir.json"))).FindGraph(handler)!.Hash;

    private static string Policy(string ttl) =>
        $$"""
        {
          "format": "fluxo-policy/1", "service": "Shortener", "budgetBytes": 8192,
          "caches": [ { "handler": "shorten", "graphHash": "{{Hash("shorten")}}", "nodes": [3], "bytes": 1000, "eviction": "lru",
            "expectedHitRatio": 0, "latencySavedMs": 0{{ttl}} } ],
          "precompute": [], "speculate": []
        }
        """;

    public static TheoryData<string, string, string> BadExpiries => new()
    {
        // The extern may be reused for 60 s only.
        { "longer-than-fresh", Policy(""", "ttlSeconds": 120"""), "FLX5100" },
        // Not deterministic: without an expiry it would be cached forever.
        { "no-expiry", Policy(""), "FLX5100" },
        { "negative", Policy(""", "ttlSeconds": -1"""), "FLX5101" },
    };

    [Theory]
    [MemberData(nameof(BadExpiries))]
    public void An_expiry_that_does_not_fit_is_refused_by_run_simulate_and_compile(string name, string json, string code)
    {
        var policy = Path.Combine(_dir, name + ".json");
        File.WriteAllText(policy, json);
        var trace = Path.Combine(_dir, "t.log");
        var (recorded, _, recordError) = CliRunner.Run("run", Shortener, "-w", Workload, "-n", "100", "-t", trace);
        Assert.True(recorded == 0, recordError);
        foreach (var args in new[]
        {
            new[] { "run", Shortener, "-w", Workload, "-n", "10", "--policy", policy },
            ["simulate", Shortener, "--trace", trace, "--policy", policy],
            ["compile", Shortener, "--policy", policy, "-o", Path.Combine(_dir, "out-" + name)],
        })
        {
            var (exit, _, error) = CliRunner.Run(args);
            Assert.True(exit == 1, $"{args[0]}: exit {exit}\n{error}");
            Assert.Contains($"error {code}", error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
            if (code == "FLX5101")
            {
                // Located at the value: line 4 of the file.
                Assert.Contains($"{name}.json(4,", error, StringComparison.Ordinal);
            }
            else
            {
                Assert.Contains("$.caches[0].ttlSeconds", error, StringComparison.Ordinal);
            }
        }
    }
}
