using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using Fluxo.Reporting.Graphs;

namespace Fluxo.Tool.Tests;

/// <summary>`fluxo report` and `fluxo graph --policy`: the files are there, parse, and hold the optimizer's own numbers.</summary>
public sealed class ReportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-report-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Weather => Cli.Sample("weather", "weather.flimp");

    private static string Messaging => Cli.Sample("messaging", "messaging.flimp");

    [Fact]
    public void The_reports_numbers_are_those_of_optimize_json_on_the_same_inputs()
    {
        var trace = Record(Weather, Cli.Sample("weather", "workload-hot-ips.json"), 1500);
        var (exit, optimize, err) = Cli.Json("optimize", Weather, "--trace", trace, "--budget", "8KB", "-o", Path.Combine(_dir, "policy.json"), "--format", "json");
        Assert.True(exit == 0, err);
        var folder = Path.Combine(_dir, "report");
        (exit, var stdout, err) = Cli.Run("report", Weather, "--trace", trace, "--budget", "8KB", "-o", folder);
        Assert.True(exit == 0, err);
        Assert.Equal("", stdout);

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "report.json")));
        var report = doc.RootElement;
        var expected = optimize.GetProperty("policies").EnumerateArray().ToList();
        var policies = report.GetProperty("policies").EnumerateArray().ToList();
        Assert.Equal(expected.Select(p => p.GetProperty("name").GetString()), policies.Select(p => p.GetProperty("name").GetString()));
        Assert.Equal(["chosen (mrc)", "no cache", "Random", "Uniform", "All-encompassing"], policies.Select(p => p.GetProperty("name").GetString()));
        for (var i = 0; i < expected.Count; i++)
        {
            foreach (var figure in new[] { "meanMs", "p50Ms", "p95Ms", "p99Ms" })
            {
                Assert.Equal(expected[i].GetProperty(figure).GetDouble(), policies[i].GetProperty(figure).GetDouble());
            }

            // The CDF is drawn from quantiles taken by the replay's own percentile rule.
            var q = policies[i].GetProperty("quantiles").EnumerateArray().Select(x => x.GetDouble()).ToList();
            Assert.Equal(1001, q.Count);
            Assert.Equal(policies[i].GetProperty("p50Ms").GetDouble(), q[500]);
            Assert.Equal(policies[i].GetProperty("p95Ms").GetDouble(), q[950]);
            Assert.Equal(policies[i].GetProperty("p99Ms").GetDouble(), q[990]);
            Assert.True(q.Zip(q.Skip(1)).All(p => p.First <= p.Second), "quantiles ascend");
        }

        var caches = report.GetProperty("caches").EnumerateArray().ToList();
        var expectedCaches = optimize.GetProperty("caches").EnumerateArray().ToList();
        Assert.NotEmpty(caches);
        Assert.Equal(expectedCaches.Count, caches.Count);
        for (var i = 0; i < caches.Count; i++)
        {
            Assert.Equal(expectedCaches[i].GetProperty("name").GetString(), caches[i].GetProperty("name").GetString());
            Assert.Equal(expectedCaches[i].GetProperty("bytes").GetInt64(), caches[i].GetProperty("bytes").GetInt64());
            Assert.Equal(expectedCaches[i].GetProperty("hitRatio").GetDouble(), caches[i].GetProperty("hitRatio").GetDouble());
            Assert.InRange(caches[i].GetProperty("curveHitRatio").GetDouble(), 0, 1);
        }

        // Every cache chosen has its curve among the candidates, marked with its size; the others are drawn unmarked.
        var candidates = report.GetProperty("candidates").EnumerateArray().ToList();
        Assert.Equal(caches.Count, candidates.Count(c => c.GetProperty("chosenBytes").ValueKind == JsonValueKind.Number));
        Assert.Contains(candidates, c => c.GetProperty("chosenBytes").ValueKind == JsonValueKind.Null);

        var sweep = report.GetProperty("sweep").EnumerateArray().ToList();
        Assert.Equal([0.125, 0.25, 0.5, 1, 2, 4, 8], sweep.Select(p => p.GetProperty("factor").GetDouble()));
        Assert.Equal(8192, sweep[3].GetProperty("budgetBytes").GetInt64());
        Assert.Equal(optimize.GetProperty("cacheBudgetBytes").GetInt64(), sweep[3].GetProperty("cacheBudgetBytes").GetInt64());
        var atB = sweep[3].GetProperty("policies").EnumerateArray().ToList();
        Assert.Equal(expected[0].GetProperty("meanMs").GetDouble(), atB[0].GetProperty("meanMs").GetDouble());
        var chosenMeans = sweep.Select(p => p.GetProperty("policies")[0].GetProperty("meanMs").GetDouble()).ToList();
        Assert.True(chosenMeans[^1] < chosenMeans[0], "eight times the budget beats an eighth of it");

        // The page: every figure inline and as its own file, each SVG well-formed, the policies' figures as printed.
        var html = File.ReadAllText(Path.Combine(folder, "index.html"));
        foreach (var svg in new[] { "latency-cdf.svg", "hit-ratio.svg", "budget.svg", "graph-weather.svg" })
        {
            var root = XDocument.Load(Path.Combine(folder, svg)).Root!;
            Assert.Equal("svg", root.Name.LocalName);
            Assert.Contains($"href=\"{svg}\"", html, StringComparison.Ordinal);
        }

        Assert.Equal(4, html.Split("<svg", StringSplitOptions.None).Length - 1);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        foreach (var p in policies)
        {
            Assert.Contains(p.GetProperty("meanMs").GetDouble().ToString("F2", CultureInfo.InvariantCulture), html, StringComparison.Ordinal);
        }

        // The graph colours each chosen cache's nodes.
        var graph = File.ReadAllText(Path.Combine(folder, "graph-weather.svg"));
        for (var i = 0; i < caches.Count; i++)
        {
            Assert.Contains($"fill=\"{PolicyMarks.CacheColor(i)}\"", graph, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Speculated_parts_are_marked_in_the_report_graph_and_in_graph_policy()
    {
        var trace = Record(Messaging, Cli.Sample("messaging", "workload-sessions.json"), 3000);
        var folder = Path.Combine(_dir, "mail");
        var (exit, _, err) = Cli.Run("report", Messaging, "--trace", trace, "--budget", "64KB", "-o", folder);
        Assert.True(exit == 0, err);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "report.json")));
        var policyJson = doc.RootElement.GetProperty("policy");
        var speculated = policyJson.GetProperty("speculate").EnumerateArray().ToList();
        Assert.NotEmpty(speculated);
        var handler = speculated[0].GetProperty("handler").GetString()!;
        Assert.Contains($"stroke=\"{PolicyMarks.SpeculateColor}\"", File.ReadAllText(Path.Combine(folder, $"graph-{handler}.svg")), StringComparison.Ordinal);
        Assert.Contains(doc.RootElement.GetProperty("decisions").EnumerateArray(), d => d.GetProperty("name").GetString() == "all" && d.GetProperty("quantiles").GetArrayLength() == 1001);

        var policy = Path.Combine(_dir, "mail-policy.json");
        File.WriteAllText(policy, policyJson.GetRawText());
        (exit, var json, err) = Cli.Json("graph", Messaging, "--policy", policy, "-H", handler, "--format", "json");
        Assert.True(exit == 0, err);
        var nodes = json[0].GetProperty("nodes").EnumerateArray().Where(n => n.GetProperty("speculated").GetBoolean()).Select(n => n.GetProperty("id").GetInt32());
        Assert.Equal(speculated[0].GetProperty("nodes").EnumerateArray().Select(n => n.GetInt32()).Order(), nodes.Order());

        (exit, var dot, err) = Cli.Run("graph", Messaging, "--policy", policy, "-H", handler);
        Assert.True(exit == 0, err);
        Assert.Contains($"color=\"{PolicyMarks.SpeculateColor}\"", dot, StringComparison.Ordinal);
        Assert.Contains("speculated", dot, StringComparison.Ordinal);
    }

    [Fact]
    public void Graph_policy_fills_cached_nodes_and_refuses_a_policy_of_another_program()
    {
        var policy = Cli.Sample("weather", "policy-ip-subgraph.json");
        var (exit, json, err) = Cli.Json("graph", Weather, "--policy", policy, "--format", "json");
        Assert.True(exit == 0, err);
        using var written = JsonDocument.Parse(File.ReadAllText(policy));
        var cached = written.RootElement.GetProperty("caches")[0].GetProperty("nodes").EnumerateArray().Select(n => n.GetInt32()).Order().ToList();
        var nodes = json[0].GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(cached, nodes.Where(n => n.GetProperty("cache").ValueKind == JsonValueKind.Number).Select(n => n.GetProperty("id").GetInt32()).Order());
        (exit, var plain, _) = Cli.Json("graph", Weather, "--format", "json");
        Assert.Equal(0, exit);
        Assert.False(plain[0].GetProperty("nodes")[0].TryGetProperty("cache", out _), "without --policy the JSON keeps its shape");

        (exit, var mermaid, err) = Cli.Run("graph", Weather, "--policy", policy, "--format", "mermaid");
        Assert.True(exit == 0, err);
        Assert.Contains($"fill:{PolicyMarks.CacheColor(0)}", mermaid, StringComparison.Ordinal);

        (exit, var output, err) = Cli.Run("graph", Messaging, "--policy", policy);
        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains("FLX4100", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_refuses_standard_output_and_a_budget_without_a_unit()
    {
        var trace = Record(Weather, Cli.Sample("weather", "workload-hot-ips.json"), 300);
        var (exit, _, err) = Cli.Run("report", Weather, "--trace", trace, "--budget", "8KB", "-o", "-");
        Assert.Equal(1, exit);
        Assert.Contains("FLX9201", err, StringComparison.Ordinal);
        (exit, _, err) = Cli.Run("report", Weather, "--trace", trace, "--budget", "64", "-o", Path.Combine(_dir, "r"));
        Assert.Equal(1, exit);
        Assert.Contains("FLX2013", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir, "r")), "a failed report writes nothing");
    }

    private string Record(string service, string workload, int requests)
    {
        var trace = Path.Combine(_dir, $"{Path.GetFileNameWithoutExtension(service)}-{requests}.log");
        var (exit, _, err) = Cli.Run("run", service, "-w", workload, "-n", requests.ToString(CultureInfo.InvariantCulture), "--trace", trace);
        Assert.True(exit == 0, err);
        return trace;
    }
}
