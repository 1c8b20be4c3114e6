using System.Globalization;
using Fluxo.Ir;
using Fluxo.Policy;
using Fluxo.TestSupport;

namespace Fluxo.Cli.Tests;

/// <summary>
/// run, simulate and compile check a policy the same way (PolicyCheck) before using it: a null entry, a node id out
/// of range, a non-convex cache or two caches that wait on each other is a located error and exit 1, never an
/// exception, a stack overflow or a service that never answers.
/// </summary>
public sealed class PolicyCheckTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-policycheck-").FullName;

    private static string Weather => Path.Combine(RepoPaths.Samples, "weather", "weather.flimp");

    private static string Workload => Path.Combine(RepoPaths.Samples, "weather", "workload-hot-ips.json");

    private static string Hash => IrJson.Deserialize(File.ReadAllText(Path.Combine(RepoPaths.Samples, "weather", "weather.ir.json"))).Graphs[0].Hash;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string json)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, json);
        return path;
    }

    private static string Cache(params int[] nodes) =>
        $$"""{ "handler": "weather", "graphHash": "{{Hash}}", "nodes": [{{string.Join(",", nodes)}}], "bytes": 1000, "eviction": "lru", "expectedHitRatio": 0, "latencySavedMs": 0 }""";

    private static string Policy(string caches, string precompute = "") =>
        $$"""{ "format": "fluxo-policy/1", "service": "Weather", "budgetBytes": 8192, "caches": [{{caches}}], "precompute": [{{precompute}}], "speculate": [] }""";

    public static TheoryData<string, string, string> Policies => new()
    {
        { "null-cache", Policy("null"), "FLX7002" },
        // ipToCity and buildHtml without the nodes between them: the path 1 -> 2 -> 4 -> 5 leaves the cache and comes back.
        { "non-convex", Policy(Cache(1, 5)), "FLX5005" },
        { "out-of-range", Policy(Cache(1, 99)), "FLX1030" },
        {
            "precompute-out-of-range",
            Policy("", $$"""{ "handler": "weather", "graphHash": "{{Hash}}", "nodes": [1000], "refreshSeconds": 60, "loadCostMs": 1, "computeCostMs": 1, "refreshCostMsPerHour": 1, "bytes": 10 }"""),
            "FLX1030"
        },
        { "negative-budget", Policy(Cache(1)).Replace("8192", "-1", StringComparison.Ordinal), "FLX7002" },
        {
            "result-field-without-result",
            Policy("").Replace("\"speculate\": []", $$""" "speculate": [ { "afterHandler": "weather", "handler": "weather", "graphHash": "{{Hash}}", "nodes": [1], "inputs": [ { "param": "ip", "fromParam": "ip", "fromResult": false, "resultField": "city" } ], "probability": 1, "expectedSavingMs": 0, "expectedWasteMs": 0 } ] """, StringComparison.Ordinal),
            "FLX7002"
        },
    };

    [Theory]
    [MemberData(nameof(Policies))]
    public void RunSimulateAndCompileRefuseTheSamePolicy(string name, string json, string code)
    {
        var policy = Write(name + ".json", json);
        var trace = Path.Combine(_dir, "w.trace");
        var (recorded, _, recordError) = CliRunner.Run("run", Weather, "-w", Workload, "-n", "200", "-t", trace);
        Assert.True(recorded == 0, recordError);
        foreach (var args in new[]
        {
            new[] { "run", Weather, "-w", Workload, "-n", "50", "--policy", policy },
            ["simulate", Weather, "--trace", trace, "--policy", policy],
            ["compile", Weather, "--policy", policy, "-o", Path.Combine(_dir, "out")],
        })
        {
            var (exit, _, error) = CliRunner.Run(args);
            Assert.True(exit == 1, $"{args[0]}: exit {exit}\n{error}");
            Assert.Contains($"error {code}", error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void CachesThatWaitOnEachOtherAreRefused()
    {
        // Caches {1,4} and {2,3} with 1 -> 3 and 2 -> 4: each cache is convex, but each needs the other's output for its key.
        var span = Fluxo.Diagnostics.SourceSpan.None("t");
        var props = new NodeProps(true, true, true, [], []);
        Node N(int id, NodeKind kind, params int[] inputs) =>
            new(id, kind, "n" + id.ToString(CultureInfo.InvariantCulture), null, [.. inputs.Select(i => new NodeInput(i))], null, null, "int", props, span);
        var graph = IrJson.WithHash(new Graph("h", [], "int",
            [N(0, NodeKind.Source), N(1, NodeKind.Compute, 0), N(2, NodeKind.Compute, 1), N(3, NodeKind.Compute, 0), N(4, NodeKind.Compute, 3), N(5, NodeKind.Sink, 2, 4)],
            0, 5, "", span));
        var module = new IrModule("S", "s.flimp", [], [], [], [], [graph]);
        CacheDecision C(params int[] nodes) => new("h", graph.Hash, [.. nodes], 10, "lru", 0, 0);
        var ok = new Fluxo.Diagnostics.DiagnosticBag();
        Assert.True(PolicyCheck.Validate(module, PolicyDocument.Empty("S", 100) with { Caches = [C(1, 2), C(3, 4)] }, "p.json", ok));
        var crossed = new Fluxo.Diagnostics.DiagnosticBag();
        var g2 = IrJson.WithHash(graph with
        {
            Nodes = [N(0, NodeKind.Source), N(1, NodeKind.Compute, 0), N(2, NodeKind.Compute, 0), N(3, NodeKind.Compute, 1), N(4, NodeKind.Compute, 2), N(5, NodeKind.Sink, 3, 4)],
        });
        var module2 = module with { Graphs = [g2] };
        CacheDecision D(params int[] nodes) => new("h", g2.Hash, [.. nodes], 10, "lru", 0, 0);
        Assert.False(PolicyCheck.Validate(module2, PolicyDocument.Empty("S", 100) with { Caches = [D(1, 4), D(2, 3)] }, "p.json", crossed));
        Assert.Equal("FLX2009", Assert.Single(crossed.Items).Code);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("3")]
    public void ABudgetOfAFewBytesIsNoException(string budget)
    {
        var trace = Path.Combine(_dir, "w.trace");
        Assert.Equal(0, CliRunner.Run("run", Weather, "-w", Workload, "-n", "200", "-t", trace).Exit);
        var (exit, output, error) = CliRunner.Run("optimize", Weather, "--trace", trace, "--budget", budget, "-o", Path.Combine(_dir, "p.json"));
        Assert.True(exit is 0 or 1, error);
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
    }
}

/// <summary>A program that passes check never overflows the stack: a chain of 4,000 fns compiles and its run stops at the call-depth limit with a located error.</summary>
public sealed class DeepProgramTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-deep-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void AChainOf4000FnsIsALocatedErrorNotAStackOverflow()
    {
        var lines = new List<string> { "service Chain;", "fn f0(x: int) -> int = x + 1;" };
        lines.AddRange(Enumerable.Range(1, 3999).Select(i => string.Create(CultureInfo.InvariantCulture, $"fn f{i}(x: int) -> int = f{i - 1}(x) + 1;")));
        lines.Add("handler go(x: int) -> int { return f3999(x); }");
        var path = Path.Combine(_dir, "chain.flimp");
        File.WriteAllLines(path, lines);
        Assert.Equal(0, CliRunner.Run("check", path).Exit);
        var (exit, output, error) = CliRunner.Run("run", path, "-H", "go", "-i", "x=1");
        Assert.Equal(1, exit);
        Assert.Contains("nest more than 200 deep", output + error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public void AChainWithinTheLimitRuns()
    {
        var lines = new List<string> { "service Chain;", "fn f0(x: int) -> int = x + 1;" };
        lines.AddRange(Enumerable.Range(1, 150).Select(i => string.Create(CultureInfo.InvariantCulture, $"fn f{i}(x: int) -> int = f{i - 1}(x) + 1;")));
        lines.Add("handler go(x: int) -> int { return f150(x); }");
        var path = Path.Combine(_dir, "short.flimp");
        File.WriteAllLines(path, lines);
        var (exit, output, error) = CliRunner.Run("run", path, "-H", "go", "-i", "x=1");
        Assert.True(exit == 0, error);
        Assert.Contains("152", output, StringComparison.Ordinal);
    }
}
