using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fluxo.Cli.Commands;
using Fluxo.Diagnostics;
using Fluxo.Optimizer.Ahead;
using Fluxo.Optimizer.Replay;
using Fluxo.Policy;
using Fluxo.TestSupport;

namespace Fluxo.Cli.Tests;

public sealed partial class OptimizeCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-opt-").FullName;

    private static string Weather => Path.Combine(RepoPaths.Samples, "weather", "weather.ir.json");

    private static string Bindings => Path.Combine(RepoPaths.Samples, "weather", "weather.bindings.json");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Fluxo(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = Program.Invoke(args, new System.CommandLine.InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    private (string Trace, long Budget) Record(string workload, int requests, string? policy = null)
    {
        var path = Path.Combine(RepoPaths.Samples, "weather", $"workload-{workload}.json");
        var trace = Path.Combine(_dir, $"{workload}.log");
        string[] args = ["run", Weather, "--bindings", Bindings, "--workload", path, "--requests", requests.ToString(CultureInfo.InvariantCulture), "--trace", trace];
        var (code, _, error) = Fluxo(policy is null ? args : [.. args, "--policy", policy]);
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return (trace, doc.RootElement.GetProperty("cacheBudgetBytes").GetInt64());
    }

    [Fact]
    public void Each_cache_line_reports_the_hit_ratio_written_for_that_cache()
    {
        var (trace, budget) = Record("cold-tail", 5000);
        var policyPath = Path.Combine(_dir, "lines.json");
        var (code, output, error) = Fluxo("optimize", Weather, "--trace", trace, "--budget", $"{budget}B", "-o", policyPath);
        Assert.True(code == 0, error);
        var policy = PolicyJson.Read(policyPath, new DiagnosticBag())!;
        Assert.True(policy.Caches.Length >= 2, "the cold-tail workload should get more than one cache");
        foreach (var cache in policy.Caches)
        {
            var line = output.Split('\n').Single(l => l.StartsWith("  cache {", StringComparison.Ordinal) && l.Contains($" nodes {cache.Handler}{{{string.Join(',', cache.Nodes)}}}:", StringComparison.Ordinal));
            var ratio = double.Parse(Regex.Match(line, @"hit ratio ([0-9.]+) %").Groups[1].Value, CultureInfo.InvariantCulture) / 100;
            Assert.InRange(Math.Abs(cache.ExpectedHitRatio - ratio), 0, 0.001);
        }
    }

    [Fact]
    public void Objective_defaults_to_the_mean_and_the_report_shows_the_best_policy_for_every_objective()
    {
        var (trace, budget) = Record("hot-ips", 2000);
        var (code, output, error) = Fluxo("optimize", Weather, "--trace", trace, "--budget", $"{budget}B", "-o", Path.Combine(_dir, "mean.json"));
        Assert.True(code == 0, error);
        Assert.Contains("objective mean", output);
        Assert.Contains("mean (chosen)", output);
        Assert.Matches(@"held-out check: the policy gains [+-]?[0-9.]+% on the mean over the 1600 requests it was chosen on \(in-sample\) and [+-]?[0-9.]+% over the last 400 requests \(held out\)", output);
        foreach (var other in new[] { "p50", "p95", "p99" })
        {
            Assert.Matches($@"(?m)^{other} +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ ", output);
        }

        (code, output, error) = Fluxo("optimize", Weather, "--trace", trace, "--budget", $"{budget}B", "--objective", "p99", "-o", Path.Combine(_dir, "p99.json"));
        Assert.True(code == 0, error);
        Assert.Contains("p99 (chosen)", output);
        Assert.Matches(@"(?m)^mean +[0-9.]+ ", output);

        Assert.DoesNotContain("held-out", Fluxo("optimize", Weather, "--trace", trace, "--budget", $"{budget}B", "--hold-out", "0", "-o", Path.Combine(_dir, "all.json")).Out);

        (code, _, error) = Fluxo("optimize", Weather, "--trace", trace, "--budget", $"{budget}B", "--objective", "p42");
        Assert.NotEqual(0, code);
        Assert.Contains("p42", error);

        (code, _, error) = Fluxo("optimize", Weather, "--trace", trace, "--budget", $"{budget}B", "--hold-out", "1.5");
        Assert.Equal(1, code);
        Assert.Contains("error FLX2201", error);
    }

    [Fact]
    public void A_sampled_trace_is_split_for_the_held_out_check_and_sampled_on_both_sides()
    {
        var (trace, budget) = Record("hot-ips", 2000);
        var (code, output, error) = Fluxo("optimize", Weather, "--trace", trace, "--budget", $"{budget}B", "--sample", "0.5", "-o", Path.Combine(_dir, "sampled.json"));
        Assert.True(code == 0, error);
        Assert.Matches(@"held-out check: the policy gains [+-]?[0-9.]+% on the mean over the 1600 requests it was chosen on \(in-sample\) and [+-]?[0-9.]+% over the last 400 requests \(held out\)", output);
        Assert.True(File.Exists(Path.Combine(_dir, "sampled.json")));
    }

    [Theory]
    [InlineData("hot-zips")]
    [InlineData("hot-ips")]
    [InlineData("cold-tail")]
    public void Chosen_policy_fits_the_budget_and_beats_or_ties_every_reference_on_the_mean(string workload)
    {
        var (trace, budget) = Record(workload, 5000);
        var policyPath = Path.Combine(_dir, "policy.json");
        var (code, output, error) = Fluxo("optimize", Weather, "--trace", trace, "--budget", $"{budget}B", "-o", policyPath);
        Assert.True(code == 0, error);
        Assert.Contains("All-encompassing", output);
        var diagnostics = new DiagnosticBag();
        var policy = PolicyJson.Read(policyPath, diagnostics)!;
        Assert.True(policy.Caches.Sum(c => c.Bytes) <= budget);

        // The whole policy: a cache may have become a part storing its hottest keys, which the whole-trace replay scores.
        var session = OptimizeCommand.Load(Weather, trace, budget, null, Objective.Mean, diagnostics)!;
        var replay = ServiceReplay.Read(session.Module, trace, diagnostics)!;
        var chosen = replay.Run(policy);
        foreach (var reference in session.References().Skip(1))
        {
            // A tie only where the reference is the policy found: its mean is then the lowest found.
            var tie = reference.Placement.Select(p => p.ToString()).Order().SequenceEqual(policy.Caches.Select(c => $"{c.Handler}{{{string.Join(",", c.Nodes)}}}:{c.Bytes}B").Order());
            var referenceMean = replay.Run(session.ToPolicy(reference.Placement)).MeanMs;
            Assert.True(Math.Abs(referenceMean - reference.Result.MeanMs) < 1e-6, $"{reference.Name}: the replays disagree, {referenceMean} vs {reference.Result.MeanMs}");
            Assert.True(chosen.MeanMs < referenceMean || (tie && chosen.MeanMs == referenceMean), $"{reference.Name}: {referenceMean} vs {chosen.MeanMs}");
        }
    }

    [Fact]
    public void Running_the_workload_with_the_chosen_policy_matches_the_prediction_within_five_percent()
    {
        var (trace, budget) = Record("hot-zips", 4000);
        var policyPath = Path.Combine(_dir, "policy.json");
        Assert.Equal(0, Fluxo("optimize", Weather, "--trace", trace, "--budget", $"{budget}B", "-o", policyPath).Code);
        var (code, predicted, error) = Fluxo("simulate", Weather, "--trace", trace, "--policy", policyPath);
        Assert.True(code == 0, error);
        var (_, run, _) = Fluxo("run", Weather, "--bindings", Bindings, "--workload", Path.Combine(RepoPaths.Samples, "weather", "workload-hot-zips.json"),
            "--requests", "4000", "--policy", policyPath);
        var sim = PolicyRow().Match(predicted) is { Success: true } whole ? whole : CachesRow().Match(predicted);
        var real = RunRow().Match(run);
        Assert.True(sim.Success && real.Success, predicted + run);
        double Num(Match m, string g) => double.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture);
        Assert.InRange(Num(real, "mean"), Num(sim, "mean") * 0.95, Num(sim, "mean") * 1.05);
        Assert.InRange(Num(real, "p95"), Num(sim, "p95") * 0.95, Num(sim, "p95") * 1.05);
    }

    [Fact]
    public void Bad_inputs_give_located_diagnostics_and_exit_1()
    {
        var (trace, _) = Record("hot-zips", 200);
        var bad = Path.Combine(_dir, "bad.json");
        File.WriteAllText(bad, "{ \"format\": ");
        var overlapping = Path.Combine(_dir, "overlap.json");
        var hash = CandidateHash(trace);
        File.WriteAllText(overlapping, PolicyJson.Serialize(PolicyDocument.Empty("Weather", 100) with
        {
            Caches = [new CacheDecision("weather", hash, [1, 2], 50, "lru", 0, 0), new CacheDecision("weather", hash, [2], 50, "lru", 0, 0)],
        }));
        foreach (var (args, code) in new (string[], string)[]
        {
            (["optimize", Weather, "--trace", trace, "--budget", "lots"], "FLX2013"),
            (["optimize", Weather, "--trace", Path.Combine(_dir, "none.log"), "--budget", "1KB"], "FLX9001"),
            (["optimize", Weather, "--trace", trace, "--budget", "1KB", "--handler", "nope"], "FLX"),
            (["simulate", Weather, "--trace", trace, "--policy", bad], "FLX2001"),
            (["simulate", Weather, "--trace", trace, "--policy", overlapping], "FLX2009"),
        })
        {
            var (exit, _, error) = Fluxo(args);
            Assert.Equal(1, exit);
            Assert.Contains($"error {code}", error);
        }
    }

    private static string CandidateHash(string trace)
    {
        var session = OptimizeCommand.Load(Weather, trace, 100, null, Objective.Mean, new DiagnosticBag())!;
        return session.Parts[0].Graph.Hash;
    }

    // The whole trace under the whole policy (caches and parts run ahead), which is what the run measures.
    [GeneratedRegex(@"^whole trace \(\d+ requests, every handler\): policy mean (?<mean>[\d.]+) ms p50 (?<p50>[\d.]+) p95 (?<p95>[\d.]+)", RegexOptions.Multiline)]
    private static partial Regex PolicyRow();

    // A policy of caches alone: its table row.
    [GeneratedRegex(@"^policy\s+(?<p50>[\d.]+)\s+(?<p95>[\d.]+)\s+(?<p99>[\d.]+)\s+(?<mean>[\d.]+)", RegexOptions.Multiline)]
    private static partial Regex CachesRow();

    [GeneratedRegex(@"^weather\s+[\d,]+\s+\d+\s+(?<mean>[\d.]+)\s+(?<p50>[\d.]+)\s+(?<p95>[\d.]+)", RegexOptions.Multiline)]
    private static partial Regex RunRow();
}
