using System.Text.RegularExpressions;
using Fluxo.TestSupport;

namespace Fluxo.Tool.Tests;

/// <summary>The composite GitHub Action's body (scripts/action.sh), run as the action runs it, with the built tool on PATH.</summary>
public sealed partial class ActionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-action-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    [Fact]
    public void The_action_checks_optimizes_writes_a_summary_and_fails_with_3_on_a_regressed_baseline()
    {
        var (exit, summary) = RunAction(("FLUXO_POLICY", Path.Combine(_dir, "first.json")), ("FLUXO_BUDGET", "8KB"));
        Assert.True(exit == 0, summary);
        Assert.Contains("**check**: passed", summary, StringComparison.Ordinal);
        Assert.Contains("**optimize** `weather`", summary, StringComparison.Ordinal);
        Assert.Matches(@"\| \*\*chosen \(mrc\)\*\* \| [0-9.]+ \|", summary);
        Assert.Matches(@"\| \{[a-zA-Z]", summary);
        Assert.True(File.Exists(Path.Combine(_dir, "first.json")));

        // Its own policy as baseline passes; one chosen for a tiny budget is a regression, reported and exit 3.
        (exit, summary) = RunAction(("FLUXO_POLICY", Path.Combine(_dir, "second.json")), ("FLUXO_BUDGET", "8KB"), ("FLUXO_BASELINE", Path.Combine(_dir, "first.json")));
        Assert.True(exit == 0, summary);
        Assert.Contains("): ok", summary, StringComparison.Ordinal);
        (exit, _) = RunAction(("FLUXO_POLICY", Path.Combine(_dir, "tiny.json")), ("FLUXO_BUDGET", "128B"));
        Assert.Equal(0, exit);
        (exit, summary) = RunAction(("FLUXO_POLICY", Path.Combine(_dir, "third.json")), ("FLUXO_BUDGET", "8KB"), ("FLUXO_BASELINE", Path.Combine(_dir, "tiny.json")));
        Assert.Equal(3, exit);
        Assert.Contains("**regression**", summary, StringComparison.Ordinal);
        Assert.Contains("FLX9203", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void A_service_with_errors_fails_the_action_with_its_diagnostics_in_the_summary()
    {
        var (exit, summary) = RunAction(("FLUXO_SERVICE", Path.Combine(RepoPaths.Samples, "invalid", "duplicate-let.flimp")));
        Assert.Equal(1, exit);
        Assert.Contains("**check**: failed", summary, StringComparison.Ordinal);
        Assert.Contains("| error | FLX0040 |", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("**optimize**", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_input_of_action_yml_reaches_the_script()
    {
        var yml = File.ReadAllText(Path.Combine(RepoPaths.Root, "action.yml"));
        var script = File.ReadAllText(Path.Combine(RepoPaths.Root, "scripts", "action.sh"));
        var passed = EnvName().Matches(yml).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(passed);
        Assert.All(passed, name => Assert.Contains("${" + name, script, StringComparison.Ordinal));
        Assert.Contains("using: composite", yml, StringComparison.Ordinal);
        Assert.Contains("GITHUB_STEP_SUMMARY", script, StringComparison.Ordinal);
        var workflow = File.ReadAllText(Path.Combine(RepoPaths.Root, ".github", "workflows", "ci.yml"));
        Assert.Contains("uses: ./", workflow, StringComparison.Ordinal);
    }

    private (int Exit, string Summary) RunAction(params (string Name, string Value)[] inputs)
    {
        // The tool as the action puts it on PATH, here the build this test runs against.
        var bin = Directory.CreateDirectory(Path.Combine(_dir, "bin")).FullName;
        var dll = Path.Combine(RepoPaths.Root, "src", "Fluxo.Cli", "bin", Configuration, "net10.0", "fluxo.dll");
        Assert.True(File.Exists(dll), dll);
        var shim = Path.Combine(bin, "fluxo");
        File.WriteAllText(shim, $"#!/usr/bin/env bash\nexec dotnet \"{dll}\" \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(shim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var summary = Path.Combine(_dir, "summary.md");
        File.WriteAllText(summary, "");
        var env = new Dictionary<string, string>
        {
            ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH"),
            ["GITHUB_STEP_SUMMARY"] = summary,
            ["RUNNER_TEMP"] = Directory.CreateTempSubdirectory("runner-").FullName,
            ["FLUXO_SERVICE"] = Path.Combine(RepoPaths.Samples, "weather", "weather.flimp"),
            ["FLUXO_WORKLOAD"] = Path.Combine(RepoPaths.Samples, "weather", "workload-hot-ips.json"),
            ["FLUXO_REQUESTS"] = "1500",
        };
        foreach (var (name, value) in inputs)
        {
            env[name] = value;
        }

        var (exit, output, error) = Processes.Run("bash", [Path.Combine(RepoPaths.Root, "scripts", "action.sh")], RepoPaths.Root, TimeSpan.FromMinutes(5), env);
        var text = File.ReadAllText(summary);
        Directory.Delete(env["RUNNER_TEMP"], recursive: true);
        return (exit, text + "\n--- stdout\n" + output + "\n--- stderr\n" + error);
    }

    [GeneratedRegex(@"^\s+(FLUXO_[A-Z_]+):", RegexOptions.Multiline)]
    private static partial Regex EnvName();
}
