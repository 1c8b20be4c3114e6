using System.Globalization;
using System.Text.RegularExpressions;
using Fluxo.Diagnostics;
using Fluxo.Policy;
using Fluxo.TestSupport;

namespace Fluxo.Cli.Tests;

/// <summary>
/// Pre-computation of the hottest keys of request-dependent parts (issue 13 item 6) on the messaging sample, whose
/// mailbox reads are table reads keyed by the user: with <c>--staleness 5s</c> the optimizer turns caches into parts
/// that store the trace's hottest users (by default), <c>fluxo run --policy</c> serves and refreshes them as the replay
/// predicts, the report and the <c>--baseline</c> gate show the policy as written, and a malformed hot key is a located error.
/// </summary>
public sealed class HotKeyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-hotkeys-").FullName;

    private static string Messaging => Path.Combine(RepoPaths.Samples, "messaging", "messaging.flimp");

    private static string Workload => Path.Combine(RepoPaths.Samples, "messaging", "workload-sessions.json");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static double Number(string text, string pattern)
    {
        var m = Regex.Match(text, pattern, RegexOptions.Multiline);
        Assert.True(m.Success, $"/{pattern}/ not in:\n{text}");
        return double.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
    }

    [Fact]
    public void Hot_keys_of_table_reads_are_chosen_served_and_refreshed_as_the_replay_predicts()
    {
        var trace = Path.Combine(_dir, "m.log");
        var policyPath = Path.Combine(_dir, "policy.json");
        var (code, _, error) = CliRunner.Run("run", Messaging, "-w", Workload, "-n", "3000", "-t", trace);
        Assert.True(code == 0, error);
        (code, var optimized, error) = CliRunner.Run("optimize", Messaging, "--trace", trace, "--budget", "16KB", "--staleness", "5s", "-o", policyPath);
        Assert.True(code == 0, error);
        var policy = PolicyJson.Read(policyPath, new DiagnosticBag())!;
        var hot = policy.Precompute.Where(p => p.KeyedByRequest).ToList();
        Assert.NotEmpty(hot);
        Assert.All(hot, p => Assert.Equal(5, p.RefreshSeconds));
        Assert.Contains("hottest keys", optimized, StringComparison.Ordinal);

        // The cache table lists the caches written, not those a part replaced; the policy as its own baseline is no regression.
        Assert.Equal(policy.Caches.Length, optimized.Split('\n').Count(l => l.StartsWith("  cache ", StringComparison.Ordinal)));
        (code, var gated, error) = CliRunner.Run(
            "optimize", Messaging, "--trace", trace, "--budget", "16KB", "--staleness", "5s", "-o", Path.Combine(_dir, "again.json"), "--baseline", policyPath, "--max-regression", "0%");
        Assert.True(code == 0, error + gated);
        Assert.Contains("(0.0% for the baseline, 0% allowed): ok", gated, StringComparison.Ordinal);

        // --hot-keys false keeps every cache an LRU.
        (code, _, error) = CliRunner.Run("optimize", Messaging, "--trace", trace, "--budget", "16KB", "--staleness", "5s", "--hot-keys", "false", "-o", Path.Combine(_dir, "lru.json"));
        Assert.True(code == 0, error);
        Assert.DoesNotContain(PolicyJson.Read(Path.Combine(_dir, "lru.json"), new DiagnosticBag())!.Precompute, p => p.KeyedByRequest);

        // The hot-key parts alone: the run's mean and refreshes are the replay's, and lower than without them.
        File.WriteAllText(policyPath, PolicyJson.Serialize(policy with { Caches = [], Precompute = [.. hot], Speculate = [] }));
        (code, var ran, error) = CliRunner.Run("run", Messaging, "-w", Workload, "-n", "3000", "--policy", policyPath);
        Assert.True(code == 0, error);
        (code, var simulated, error) = CliRunner.Run("simulate", Messaging, "--trace", trace, "--policy", policyPath);
        Assert.True(code == 0, error);
        (code, var plain, error) = CliRunner.Run("run", Messaging, "-w", Workload, "-n", "3000");
        Assert.True(code == 0, error);
        var runMean = Number(ran, @"^all\s+\S+\s+\S+\s+(?<n>[0-9.]+)");
        var plainMean = Number(plain, @"^all\s+\S+\s+\S+\s+(?<n>[0-9.]+)");
        var predicted = Number(simulated, @"^whole trace \(\d+ requests, every handler\): policy mean (?<n>[0-9.]+)");
        Assert.True(Math.Abs(runMean - predicted) < predicted * 0.05, $"run mean {runMean}, predicted {predicted}\n{ran}\n{simulated}");
        Assert.True(runMean < plainMean * 0.97, $"with hot keys {runMean} ms, without {plainMean} ms");
        var runRefreshes = Number(ran, @"precompute: (?<n>\d+) refreshes");
        var simRefreshes = Number(simulated, @"precompute: (?<n>\d+) refreshes");
        Assert.True(runRefreshes > 0 && Math.Abs(runRefreshes - simRefreshes) <= simRefreshes * 0.1, $"refreshes: run {runRefreshes}, replay {simRefreshes}");

        // A hot key that is not 16 hex digits is refused where it is.
        File.WriteAllText(policyPath, PolicyJson.Serialize(policy with { Caches = [], Precompute = [hot[0] with { HotKeys = ["not-a-key"] }], Speculate = [] }));
        (code, var output, error) = CliRunner.Run("run", Messaging, "-w", Workload, "-n", "10", "--policy", policyPath);
        Assert.Equal(1, code);
        Assert.Contains("error FLX5106", output + error, StringComparison.Ordinal);
        Assert.Contains("$.precompute[0].hotKeys", output + error, StringComparison.Ordinal);
    }
}
