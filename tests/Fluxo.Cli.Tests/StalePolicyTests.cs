using System.CommandLine;
using Fluxo.Ir;
using Fluxo.Policy;
using Fluxo.TestSupport;

namespace Fluxo.Cli.Tests;

/// <summary>A policy made for another version of the program is an error in compile and run, unless --allow-stale-policy drops (and lists) its stale decisions.</summary>
public sealed class StalePolicyTests : IDisposable
{
    private const string OldHash = "0123456789abcdef";
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-stale-").FullName;
    private static readonly string Weather = Path.Combine(RepoPaths.Samples, "weather", "weather.flimp");

    private static (int Code, string Output, string Error) Invoke(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = Program.BuildRoot().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Two caches: the first made for the current graph, the second for an old one.</summary>
    private string WritePolicy()
    {
        var hash = IrJson.Deserialize(File.ReadAllText(Path.Combine(RepoPaths.Samples, "weather", "weather.ir.json"))).Graphs[0].Hash;
        var policy = PolicyDocument.Empty("Weather", 2000) with
        {
            Caches = [new CacheDecision("weather", hash, [1, 2], 1000, "lru", 0.5, 10), new CacheDecision("weather", OldHash, [3], 1000, "lru", 0.5, 10)],
        };
        var path = Path.Combine(_dir, "policy.json");
        File.WriteAllText(path, PolicyJson.Serialize(policy));
        return path;
    }

    private int LineOf(string path, string text) => Array.FindIndex(File.ReadAllLines(path), l => l.Contains(text, StringComparison.Ordinal)) + 1;

    [Fact]
    public void CompileRefusesAStalePolicyNamingBothHashesAtTheDecision()
    {
        var policy = WritePolicy();
        var (code, _, error) = Invoke("compile", Weather, "--policy", policy, "-o", Path.Combine(_dir, "out"));
        Assert.Equal(1, code);
        var current = IrJson.Deserialize(File.ReadAllText(Path.Combine(RepoPaths.Samples, "weather", "weather.ir.json"))).Graphs[0].Hash;
        Assert.Contains($"{policy}({LineOf(policy, OldHash)},", error, StringComparison.Ordinal);
        Assert.Contains("error FLX4100", error, StringComparison.Ordinal);
        Assert.Contains(OldHash, error, StringComparison.Ordinal);
        Assert.Contains(current, error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir, "out")));
    }

    [Fact]
    public void CompileWithAllowStalePolicyListsTheDroppedDecisionAndBuildsTheRest()
    {
        var policy = WritePolicy();
        var (code, _, error) = Invoke("compile", Weather, "--policy", policy, "--allow-stale-policy", "-o", Path.Combine(_dir, "out"));
        Assert.True(code == 0, error);
        Assert.Contains("warning FLX4101", error, StringComparison.Ordinal);
        Assert.Contains("$.caches[1]", error, StringComparison.Ordinal);
        Assert.DoesNotContain("$.caches[0]", error, StringComparison.Ordinal);
        var model = File.ReadAllText(Path.Combine(_dir, "out", "src", "Weather.Handlers", "ServiceDefinition.g.cs"));
        Assert.Single(model.Split("new CacheSpec(").Skip(1));
    }

    [Fact]
    public void RunRefusesAStalePolicyUnlessAllowed()
    {
        var policy = WritePolicy();
        var workload = Path.Combine(RepoPaths.Samples, "weather", "workload-hot-ips.json");
        var (code, _, error) = Invoke("run", Weather, "--workload", workload, "-n", "50", "--policy", policy);
        Assert.Equal(1, code);
        Assert.Contains("error FLX4100", error, StringComparison.Ordinal);
        var (allowed, _, warnings) = Invoke("run", Weather, "--workload", workload, "-n", "50", "--policy", policy, "--allow-stale-policy");
        Assert.True(allowed == 0, warnings);
        Assert.Contains("warning FLX4101", warnings, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
