using System.Globalization;
using System.Text.Json;
using Fluxo.TestSupport;

namespace Fluxo.Tool.Tests;

/// <summary>The commands as scripts and CI use them: JSON and SARIF parsed, '-o -', exit codes, usage messages.</summary>
public sealed class ScriptingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-script-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Weather => Cli.Sample("weather", "weather.flimp");

    private static string Invalid => Cli.Sample("invalid", "duplicate-let.flimp");

    [Fact]
    public void Check_json_lists_handlers_and_every_diagnostic()
    {
        var (exit, json, _) = Cli.Json("check", Weather, "--format", "json");
        Assert.Equal(0, exit);
        Assert.Equal("check", json.GetProperty("command").GetString());
        Assert.True(json.GetProperty("ok").GetBoolean());
        Assert.Equal("weather", json.GetProperty("handlers")[0].GetProperty("name").GetString());
        Assert.Equal(0, json.GetProperty("diagnostics").GetArrayLength());

        (exit, json, var err) = Cli.Json("check", Invalid, "--format", "json");
        Assert.Equal(1, exit);
        Assert.False(json.GetProperty("ok").GetBoolean());
        var expected = File.ReadAllLines(Path.ChangeExtension(Invalid, ".diagnostics.txt"));
        var diagnostics = json.GetProperty("diagnostics").EnumerateArray().ToList();
        Assert.Equal(expected.Length, diagnostics.Count);
        Assert.Equal(["FLX0045", "FLX0040"], diagnostics.Select(d => d.GetProperty("code").GetString()));
        Assert.Equal(4, diagnostics[0].GetProperty("line").GetInt32());
        Assert.Equal("warning", diagnostics[0].GetProperty("severity").GetString());
        Assert.Contains("error FLX0040", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_sarif_is_version_2_1_0_with_a_located_result_per_diagnostic()
    {
        var (exit, sarif, _) = Cli.Json("check", Invalid, "--format", "sarif");
        Assert.Equal(1, exit);
        Assert.Equal("2.1.0", sarif.GetProperty("version").GetString());
        var run = Assert.Single(sarif.GetProperty("runs").EnumerateArray());
        Assert.Equal("fluxo", run.GetProperty("tool").GetProperty("driver").GetProperty("name").GetString());
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        var results = run.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(2, results.Count);
        foreach (var r in results)
        {
            Assert.Equal(rules[r.GetProperty("ruleIndex").GetInt32()], r.GetProperty("ruleId").GetString());
            var location = r.GetProperty("locations")[0].GetProperty("physicalLocation");
            Assert.Equal("samples/invalid/duplicate-let.flimp", location.GetProperty("artifactLocation").GetProperty("uri").GetString());
            Assert.InRange(location.GetProperty("region").GetProperty("startLine").GetInt32(), 4, 5);
        }

        Assert.Equal(["warning", "error"], results.Select(r => r.GetProperty("level").GetString()));
    }

    [Fact]
    public void Warnaserror_turns_a_warning_into_a_failing_exit_on_check_and_compile()
    {
        var service = Path.Combine(_dir, "warn.flimp");
        File.WriteAllText(service, File.ReadAllText(Weather).Replace("  let byZip", "  let unused = ipToCity(zip);\n  let byZip", StringComparison.Ordinal));
        var (exit, _, err) = Cli.Run("check", service);
        Assert.True(exit == 0, err);
        Assert.Contains("warning FLX0045", err, StringComparison.Ordinal);
        (exit, _, err) = Cli.Run("check", service, "--warnaserror");
        Assert.Equal(1, exit);
        Assert.Contains("error FLX9202", err, StringComparison.Ordinal);
        (exit, _, _) = Cli.Run("compile", service, "--emit", "ir", "-o", Path.Combine(_dir, "ir.json"));
        Assert.Equal(0, exit);
        (exit, _, err) = Cli.Run("compile", service, "--emit", "ir", "-o", Path.Combine(_dir, "ir2.json"), "--warnaserror");
        Assert.Equal(1, exit);
        Assert.False(File.Exists(Path.Combine(_dir, "ir2.json")), "a failed compile writes nothing");
        Assert.Contains("error FLX9202", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("graph", "xml", "dot, mermaid, json")]
    [InlineData("check", "yaml", "text, json, sarif")]
    [InlineData("run", "csv", "text, json")]
    public void A_bad_format_names_the_allowed_values_and_exits_2(string command, string format, string allowed)
    {
        var (exit, output, err) = Cli.Run(command, Weather, "--format", format);
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains(allowed, err, StringComparison.Ordinal);
        Assert.DoesNotContain("Fluxo.Cli", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_without_a_mode_says_what_it_needs_and_exits_2()
    {
        var (exit, _, err) = Cli.Run("run", Weather);
        Assert.Equal(2, exit);
        Assert.Contains("needs --handler", err, StringComparison.Ordinal);
        Assert.Contains("neither was given", err, StringComparison.Ordinal);
        Assert.DoesNotContain("not both", err, StringComparison.Ordinal);
    }

    [Fact]
    public void A_budget_without_a_unit_is_refused()
    {
        var trace = Record(500);
        var (exit, _, err) = Cli.Run("optimize", Weather, "--trace", trace, "--budget", "64", "-o", Path.Combine(_dir, "p.json"));
        Assert.Equal(1, exit);
        Assert.Contains("FLX2013", err, StringComparison.Ordinal);
        Assert.Contains("unit", err, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "p.json")));
    }

    [Fact]
    public void Run_json_has_the_one_request_result_and_the_workload_percentiles()
    {
        var (exit, json, err) = Cli.Json("run", Weather, "-H", "weather", "-i", "ip=131.107.0.1", "-i", "zip=98052", "--format", "json");
        Assert.True(exit == 0, err);
        Assert.StartsWith("<p>", json.GetProperty("result").GetString(), StringComparison.Ordinal);

        var trace = Path.Combine(_dir, "t.log");
        (exit, json, err) = Cli.Json("run", Weather, "-w", Cli.Sample("weather", "workload-hot-ips.json"), "-n", "400", "--trace", trace, "--format", "json");
        Assert.True(exit == 0, err);
        Assert.Equal(400, json.GetProperty("requests").GetInt64());
        var all = json.GetProperty("handlers").EnumerateArray().Single(h => h.GetProperty("handler").GetString() == "all");
        Assert.True(all.GetProperty("p50Ms").GetDouble() > 0);
        Assert.True(File.Exists(trace));
    }

    [Fact]
    public void Optimize_json_numbers_are_the_policy_files_and_dash_writes_the_policy_to_stdout()
    {
        var trace = Record(1500);
        var policyPath = Path.Combine(_dir, "policy.json");
        var (exit, json, err) = Cli.Json("optimize", Weather, "--trace", trace, "--budget", "8KB", "-o", policyPath, "--format", "json", "--progress");
        Assert.True(exit == 0, err);
        using var policy = JsonDocument.Parse(File.ReadAllText(policyPath));
        var caches = json.GetProperty("caches").EnumerateArray().ToList();
        var written = policy.RootElement.GetProperty("caches").EnumerateArray().ToList();
        Assert.Equal(written.Count, caches.Count);
        for (var i = 0; i < caches.Count; i++)
        {
            Assert.Equal(written[i].GetProperty("bytes").GetInt64(), caches[i].GetProperty("bytes").GetInt64());
            Assert.Equal(written[i].GetProperty("expectedHitRatio").GetDouble(), caches[i].GetProperty("hitRatio").GetDouble(), 3);
            Assert.StartsWith("{", caches[i].GetProperty("name").GetString(), StringComparison.Ordinal);
            Assert.DoesNotMatch(@"^\{[0-9,]+\}$", caches[i].GetProperty("name").GetString()!);
        }

        var chosen = json.GetProperty("policies").EnumerateArray().Single(p => p.GetProperty("chosen").GetBoolean());
        Assert.True(chosen.GetProperty("p50Ms").GetDouble() >= 0);

        var (code, stdout, stderr) = Cli.Run("optimize", Weather, "--trace", trace, "--budget", "8KB", "-o", "-");
        Assert.True(code == 0, stderr);
        using var fromStdout = JsonDocument.Parse(stdout);
        Assert.Equal(policy.RootElement.GetProperty("caches").GetRawText(), fromStdout.RootElement.GetProperty("caches").GetRawText());
        Assert.Contains("chosen (mrc)", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(RepoPaths.Root, "-")), "'-' is standard output, never a file named '-'");
    }

    [Fact]
    public void Compile_ir_to_dash_and_simulate_json()
    {
        var (exit, ir, err) = Cli.Json("compile", Weather, "--emit", "ir", "-o", "-");
        Assert.True(exit == 0, err);
        Assert.Equal("Weather", ir.GetProperty("service").GetString());

        var trace = Record(800);
        var policy = Cli.Sample("weather", "policy-ip-subgraph.json");
        (exit, var json, err) = Cli.Json("simulate", Weather, "--trace", trace, "--policy", policy, "--format", "json");
        Assert.True(exit == 0, err);
        Assert.Equal("weather", json.GetProperty("handler").GetString());
        var names = json.GetProperty("policies").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Equal(["policy", "no cache"], names);
        Assert.NotEqual(0, json.GetProperty("caches").GetArrayLength());
    }

    [Fact]
    public void Simulate_json_carries_the_pre_compute_and_speculation_results_the_text_shows()
    {
        var messaging = Cli.Sample("messaging", "messaging.flimp");
        var trace = Path.Combine(_dir, "mail.log");
        var policy = Path.Combine(_dir, "mail-policy.json");
        Assert.Equal(0, Cli.Run("run", messaging, "-w", Cli.Sample("messaging", "workload-sessions.json"), "-n", "1000", "--trace", trace).Exit);
        var (exit, _, err) = Cli.Run("optimize", messaging, "--trace", trace, "--budget", "64KB", "-o", policy);
        Assert.True(exit == 0, err);
        using (var written = JsonDocument.Parse(File.ReadAllText(policy)))
        {
            Assert.NotEqual(0, written.RootElement.GetProperty("speculate").GetArrayLength());
        }

        (exit, var json, err) = Cli.Json("simulate", messaging, "--trace", trace, "--policy", policy, "--format", "json");
        Assert.True(exit == 0, err);
        var ahead = json.GetProperty("ahead");
        (exit, var text, err) = Cli.Run("simulate", messaging, "--trace", trace, "--policy", policy);
        Assert.True(exit == 0, err);
        var with = ahead.GetProperty("policy");
        var none = ahead.GetProperty("none");
        Assert.Contains(
            string.Create(CultureInfo.InvariantCulture, $"policy mean {with.GetProperty("meanMs").GetDouble():F2} ms p50 {with.GetProperty("p50Ms").GetDouble():F2} p95 {with.GetProperty("p95Ms").GetDouble():F2} p99 {with.GetProperty("p99Ms").GetDouble():F2}; none mean {none.GetProperty("meanMs").GetDouble():F2} ms"),
            text,
            StringComparison.Ordinal);
        Assert.Contains(
            string.Create(CultureInfo.InvariantCulture, $"speculation: {ahead.GetProperty("speculationsUsed").GetInt64()} used of {ahead.GetProperty("speculations").GetInt64()} started, {ahead.GetProperty("speculationsWasted").GetInt64()} wasted"),
            text,
            StringComparison.Ordinal);
        Assert.True(ahead.GetProperty("speculations").GetInt64() > 0);
        Assert.NotEqual(0, ahead.GetProperty("handlers").GetArrayLength());
        Assert.Equal(json.GetProperty("requests").GetInt32(), ahead.GetProperty("requests").GetInt32());
    }

    [Fact]
    public void Pipes_report_json_covers_every_pipe_of_the_corpus()
    {
        var corpus = Path.Combine(RepoPaths.Pipes, "corpus");
        var (exit, json, err) = Cli.Json("pipes-report", corpus, "--fixtures", Path.Combine(RepoPaths.Pipes, "fixtures"), "--format", "json");
        Assert.True(exit == 0, err);
        var pipes = json.GetProperty("pipes").EnumerateArray().ToList();
        Assert.Equal(Directory.GetFiles(corpus, "*.json").Length, pipes.Count);
        Assert.Equal(pipes.Count, json.GetProperty("totals").GetProperty("imported").GetInt32());
        Assert.Contains(pipes, p => p.TryGetProperty("ran", out var ran) && ran.GetBoolean());

        (exit, json, _) = Cli.Json("pipes-report", Path.Combine(_dir, "missing"), "--format", "json");
        Assert.Equal(1, exit);
        Assert.Equal("FLX9001", json.GetProperty("diagnostics")[0].GetProperty("code").GetString());
    }

    [Fact]
    public void The_baseline_gate_exits_3_only_when_the_old_policy_regresses_past_the_threshold()
    {
        var trace = Record(1500);
        var good = Path.Combine(_dir, "good.json");
        var poor = Path.Combine(_dir, "poor.json");
        Assert.Equal(0, Cli.Run("optimize", Weather, "--trace", trace, "--budget", "8KB", "-o", good).Exit);
        Assert.Equal(0, Cli.Run("optimize", Weather, "--trace", trace, "--budget", "256B", "-o", poor).Exit);

        // The same policy as baseline: no regression.
        var (exit, json, err) = Cli.Json("optimize", Weather, "--trace", trace, "--budget", "8KB", "-o", Path.Combine(_dir, "n1.json"), "--baseline", good, "--max-regression", "5%", "--format", "json");
        Assert.True(exit == 0, err);
        Assert.False(json.GetProperty("baseline").GetProperty("regressed").GetBoolean());
        Assert.InRange(json.GetProperty("baseline").GetProperty("regressionPercent").GetDouble(), -5, 5);

        // A policy chosen for a much smaller budget is far worse on the new budget's trace: exit 3, and the figures say why.
        (exit, json, err) = Cli.Json("optimize", Weather, "--trace", trace, "--budget", "8KB", "-o", Path.Combine(_dir, "n2.json"), "--baseline", poor, "--max-regression", "5%", "--format", "json");
        Assert.Equal(3, exit);
        var gate = json.GetProperty("baseline");
        Assert.True(gate.GetProperty("regressed").GetBoolean());
        var percent = (gate.GetProperty("baselineMs").GetDouble() - gate.GetProperty("chosenMs").GetDouble()) / gate.GetProperty("chosenMs").GetDouble() * 100;
        Assert.Equal(percent, gate.GetProperty("regressionPercent").GetDouble(), 6);
        Assert.Contains("error FLX9203", err, StringComparison.Ordinal);

        // A threshold above the regression lets it pass.
        var allowed = Math.Ceiling(percent + 1).ToString(CultureInfo.InvariantCulture) + "%";
        (exit, _, err) = Cli.Run("optimize", Weather, "--trace", trace, "--budget", "8KB", "-o", Path.Combine(_dir, "n3.json"), "--baseline", poor, "--max-regression", allowed);
        Assert.True(exit == 0, err);

        // A baseline that is not a policy is an error (1), not a regression.
        File.WriteAllText(Path.Combine(_dir, "bad.json"), "{ \"format\": 3 }");
        (exit, _, _) = Cli.Run("optimize", Weather, "--trace", trace, "--budget", "8KB", "-o", Path.Combine(_dir, "n4.json"), "--baseline", Path.Combine(_dir, "bad.json"));
        Assert.Equal(1, exit);
    }

    private string Record(int requests)
    {
        var trace = Path.Combine(_dir, $"trace-{requests}.log");
        if (!File.Exists(trace))
        {
            var (exit, _, err) = Cli.Run("run", Weather, "-w", Cli.Sample("weather", "workload-hot-ips.json"), "-n", requests.ToString(CultureInfo.InvariantCulture), "--trace", trace);
            Assert.True(exit == 0, err);
        }

        return trace;
    }
}
