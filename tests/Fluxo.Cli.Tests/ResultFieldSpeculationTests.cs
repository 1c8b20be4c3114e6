using System.Globalization;
using System.Text.RegularExpressions;
using Fluxo.Diagnostics;
using Fluxo.Policy;
using Fluxo.TestSupport;

namespace Fluxo.Cli.Tests;

/// <summary>
/// Speculation bound to a field of the previous result (issue 13 item 7): on the shortener, a client that shortens a
/// link next previews it by the code the answer carried, so the optimizer binds preview's code to shorten.result.code
/// and the run uses the speculations the replay predicts.
/// </summary>
public sealed class ResultFieldSpeculationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-specfield-").FullName;

    private static string Shortener => Path.Combine(RepoPaths.Samples, "shortener", "shortener.flimp");

    private static string Workload => Path.Combine(RepoPaths.Samples, "shortener", "workload-sessions.json");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (long Used, long Started) Speculations(string text)
    {
        var m = Regex.Match(text, @"speculation: (?<used>[0-9,]+) used of (?<started>[0-9,]+) started");
        Assert.True(m.Success, text);
        return (long.Parse(m.Groups["used"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture),
            long.Parse(m.Groups["started"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Preview_is_speculated_with_the_code_shorten_answered_and_the_run_agrees_with_the_replay()
    {
        var trace = Path.Combine(_dir, "s.log");
        var policyPath = Path.Combine(_dir, "policy.json");
        var (code, _, error) = CliRunner.Run("run", Shortener, "-w", Workload, "-n", "3000", "-t", trace);
        Assert.True(code == 0, error);
        (code, var optimized, error) = CliRunner.Run("optimize", Shortener, "--trace", trace, "--budget", "16KB", "-o", policyPath);
        Assert.True(code == 0, error);
        Assert.Contains("(code=shorten.result.code)", optimized, StringComparison.Ordinal);
        var policy = PolicyJson.Read(policyPath, new DiagnosticBag())!;
        var spec = Assert.Single(policy.Speculate, s => s.AfterHandler == "shorten");
        Assert.Equal("preview", spec.Handler);
        Assert.Equal(new InputBinding("code", "", FromResult: true, ResultField: "code"), Assert.Single(spec.Inputs));
        Assert.Contains("\"resultField\": \"code\"", File.ReadAllText(policyPath), StringComparison.Ordinal);

        File.WriteAllText(policyPath, PolicyJson.Serialize(policy with { Caches = [], Precompute = [], Speculate = [spec] }));
        (code, var ran, error) = CliRunner.Run("run", Shortener, "-w", Workload, "-n", "3000", "--policy", policyPath);
        Assert.True(code == 0, error);
        (code, var simulated, error) = CliRunner.Run("simulate", Shortener, "--trace", trace, "--policy", policyPath);
        Assert.True(code == 0, error);
        var (used, started) = Speculations(ran);
        var (predictedUsed, predictedStarted) = Speculations(simulated);
        Assert.True(used > started / 3, ran);
        Assert.True(Math.Abs(used - predictedUsed) <= Math.Max(5, predictedUsed / 20), $"used: run {used}, replay {predictedUsed}");
        Assert.True(Math.Abs(started - predictedStarted) <= Math.Max(5, predictedStarted / 20), $"started: run {started}, replay {predictedStarted}");
    }
}
