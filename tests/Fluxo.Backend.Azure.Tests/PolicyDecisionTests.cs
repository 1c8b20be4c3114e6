using Fluxo.Diagnostics;
using Fluxo.Policy;

namespace Fluxo.Backend.Azure.Tests;

/// <summary>Which policy decisions the emitter builds in, and the warnings for those it cannot.</summary>
public class PolicyDecisionTests
{
    private static (IReadOnlyList<GeneratedFile> Files, DiagnosticBag Diagnostics) Emit(PolicyDocument policy)
    {
        var diagnostics = new DiagnosticBag();
        return (AzureEmitter.Emit(Samples.Weather(), policy, diagnostics), diagnostics);
    }

    private static string Handler(IReadOnlyList<GeneratedFile> files) => files.Single(f => f.Path.EndsWith("Handler_weather.g.cs", StringComparison.Ordinal)).Text;

    [Fact]
    public void ACacheDecisionForAnOldGraphIsRefused()
    {
        var policy = PolicyDocument.Empty("Weather", 1000) with { Caches = [new CacheDecision("weather", "0000000000000000", [1, 2], 1000, "lru", 0.5, 10)] };
        var (files, diagnostics) = Emit(policy);
        var d = Assert.Single(diagnostics.Items);
        Assert.Equal("FLX4100", d.Code);
        Assert.Contains("0000000000000000", d.Message, StringComparison.Ordinal);
        Assert.Contains(Samples.Weather().Graphs[0].Hash, d.Message, StringComparison.Ordinal);
        Assert.Empty(files);
    }

    [Fact]
    public void ACacheKeyspaceIsTiedToTheGraphAndTheNodesNotToThePolicyOrder()
    {
        var hash = Samples.Weather().Graphs[0].Hash;
        CacheDecision byIp = new("weather", hash, [1, 2], 1000, "lru", 0.5, 10), byZip = new("weather", hash, [3], 1000, "lru", 0.5, 10);
        static string Model(IReadOnlyList<GeneratedFile> files) => files.Single(f => f.Path.EndsWith("ServiceDefinition.g.cs", StringComparison.Ordinal)).Text;
        var one = Model(Emit(PolicyDocument.Empty("Weather", 2000) with { Caches = [byIp, byZip] }).Files);
        var other = Model(Emit(PolicyDocument.Empty("Weather", 2000) with { Caches = [byZip, byIp] }).Files);
        var byIpSpace = CacheKey.Keyspace(CacheGroup.KeyScheme, "weather", hash, [1, 2]);
        var byZipSpace = CacheKey.Keyspace(CacheGroup.KeyScheme, "weather", hash, [3]);
        Assert.Contains($"new CacheSpec(\"weather.0\", \"{byIpSpace}\"", one, StringComparison.Ordinal);
        Assert.Contains($"new CacheSpec(\"weather.0\", \"{byZipSpace}\"", other, StringComparison.Ordinal);
        Assert.NotEqual(byIpSpace, CacheKey.Keyspace(CacheGroup.KeyScheme, "weather", "feedfeedfeedfeed", [1, 2]));
        Assert.NotEqual(byIpSpace, CacheKey.Keyspace("azure-xxh128-encodings/2", "weather", hash, [1, 2]));
    }

    [Fact]
    public void ASecondCacheOnANodeAlreadyCachedIsSkippedWithAWarning()
    {
        // Node 1 is in the first cache, so the second one (including node 1, which is the graph's first node after the
        // request) is dropped; the first stays.
        var hash = Samples.Weather().Graphs[0].Hash;
        var policy = PolicyDocument.Empty("Weather", 2000) with { Caches = [new CacheDecision("weather", hash, [1, 2], 1000, "lru", 0.5, 10), new CacheDecision("weather", hash, [1], 1000, "lru", 0.5, 10)] };
        var (files, diagnostics) = Emit(policy);
        var d = Assert.Single(diagnostics.Items);
        Assert.Contains("node 1 is already in another cache", d.Message, StringComparison.Ordinal);
        Assert.Contains("scope.Cached(\"weather.0\"", Handler(files), StringComparison.Ordinal);
        Assert.DoesNotContain("scope.Cached(\"weather.1\"", Handler(files), StringComparison.Ordinal);
    }

    [Fact]
    public void ACacheOverTheSinkIsSkippedWithAWarning()
    {
        var module = Samples.Weather();
        var policy = PolicyDocument.Empty("Weather", 1000) with { Caches = [new CacheDecision("weather", module.Graphs[0].Hash, [5, 6], 1000, "lru", 0.5, 10)] };
        var (files, diagnostics) = Emit(policy);
        Assert.Equal(["FLX5003"], diagnostics.Items.Select(d => d.Code));
        Assert.DoesNotContain("scope.Cached", Handler(files), StringComparison.Ordinal);
    }

    [Fact]
    public void ACacheKeyIsEveryEdgeEnteringTheSubgraph()
    {
        var module = Samples.Weather();
        var policy = PolicyDocument.Empty("Weather", 1000) with { Caches = [new CacheDecision("weather", module.Graphs[0].Hash, [1, 2, 3, 4, 5], 1000, "lru", 0.5, 10)] };
        var (files, diagnostics) = Emit(policy);
        Assert.Empty(diagnostics.Items);
        var handler = Handler(files);
        // Entering edges in (to-node, input) order: ip into 1, zip into 3, zip into 4.
        Assert.Contains("Value[] key = [Flx.Field(request, \"ip\"), Flx.Field(request, \"zip\"), Flx.Field(request, \"zip\")];", handler, StringComparison.Ordinal);
        Assert.Contains("scope.Cached(\"weather.0\"", handler, StringComparison.Ordinal);
    }

    [Fact]
    public void ACacheWhoseKeyNeedsABranchOnlyInputIsSkippedLikeEverywhereElse()
    {
        // Node 4 reads node 2 only when zip is none: keying on it would run ipToCity on every request.
        var module = Samples.Weather();
        var policy = PolicyDocument.Empty("Weather", 1000) with { Caches = [new CacheDecision("weather", module.Graphs[0].Hash, [3, 4, 5], 1000, "lru", 0.5, 10)] };
        var (files, diagnostics) = Emit(policy);
        Assert.Equal(["FLX5006"], diagnostics.Items.Select(d => d.Code));
        Assert.DoesNotContain("scope.Cached", Handler(files), StringComparison.Ordinal);
    }

    [Fact]
    public void PrecomputeAndSpeculateDecisionsAreBuiltIn()
    {
        var module = Samples.News();
        var diagnostics = new DiagnosticBag();
        var files = AzureEmitter.Emit(module, BuiltSolutions.NewsPolicy(module), diagnostics);
        Assert.Empty(diagnostics.Items);
        string File(string suffix) => files.Single(f => f.Path.EndsWith(suffix, StringComparison.Ordinal)).Text;
        var inbox = File("Handler_inbox.g.cs");
        Assert.Contains("return await scope.Ahead(\"inbox.0\", key, P0, [1], []);", inbox, StringComparison.Ordinal);
        Assert.Contains("return await scope.Ahead(\"inbox.1\", key, P1, [2, 3, 4, 5], [(0, 2, 0)]);", inbox, StringComparison.Ordinal);
        Assert.Contains("public static Task<Value[]> RunPartAsync(RequestScope scope, Value request, int part)", inbox, StringComparison.Ordinal);

        // The parts sit where Core's rules put them, under a keyspace of the graph and node set, speculation keyed on user.
        var hash = module.FindGraph("inbox")!.Hash;
        var model = File("ServiceDefinition.g.cs");
        Assert.Contains($"new AheadPart(\"inbox.0\", \"inbox\", 0, \"{CacheKey.Keyspace(CacheGroup.KeyScheme, "inbox", hash, [1])}\", false, [0], [], [], []),", model, StringComparison.Ordinal);
        Assert.Contains($"new AheadPart(\"inbox.1\", \"inbox\", 1, \"{CacheKey.Keyspace(CacheGroup.KeyScheme, "inbox", hash, [2, 3, 4, 5])}\", true, [0], [\"user\"], [\"Posts\"], []),", model, StringComparison.Ordinal);
        Assert.Contains("new Fluxo.Policy.SpeculateDecision(\"login\", \"inbox\"", model, StringComparison.Ordinal);
        Assert.Contains("RunPart = Handler_inbox.RunPartAsync", model, StringComparison.Ordinal);

        // The worker tier refreshes the pre-computed part; the front end does not.
        Assert.Contains("AddHostedService<AheadRefresher>()", File("News.Worker/Program.cs"), StringComparison.Ordinal);
        Assert.DoesNotContain("AheadRefresher", File("News.FrontEnd/Program.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void APartThatMayNotRunAheadIsSkippedWithAWarning()
    {
        // Node 1 (ipToCity) reads the request's ip: it cannot be computed before the request.
        var module = Samples.Weather();
        var policy = PolicyDocument.Empty("Weather", 1000) with { Precompute = [new PrecomputeDecision("weather", module.Graphs[0].Hash, [1], 60, 1, 2, 3, 100)] };
        var (files, diagnostics) = Emit(policy);
        var d = Assert.Single(diagnostics.Items);
        Assert.Equal("FLX4003", d.Code);
        Assert.Contains("may not run ahead of its request", d.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("scope.Ahead", Handler(files), StringComparison.Ordinal);
    }
}
