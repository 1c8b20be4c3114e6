using System.Text.Json;
using Fluxo.TestSupport;
using Json.Schema;

namespace Fluxo.Tool.Tests;

/// <summary>docs/schemas: every sample names its schema with `$schema` and is valid against it; so is what the optimizer writes.</summary>
public sealed class SchemaTests
{
    private static readonly string[] Kinds = ["workload", "bindings", "policy"];

    private static string SchemaPath(string kind) => Path.Combine(RepoPaths.Root, "docs", "schemas", kind + ".schema.json");

    // Schemas refer to each other by relative file name; building one registers it under its file URI, so the
    // shared latency schema is built first and each schema once.
    private static readonly Lazy<Dictionary<string, JsonSchema>> Schemas = new(() =>
    {
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        var built = new Dictionary<string, JsonSchema>(StringComparer.Ordinal);
        foreach (var kind in (string[])["latency", .. Kinds])
        {
            built[kind] = JsonSchema.FromFile(SchemaPath(kind), options);
        }

        return built;
    });

    private static JsonSchema Load(string kind) => Schemas.Value[kind];

    private static EvaluationResults Evaluate(string kind, string json)
    {
        using var doc = JsonDocument.Parse(json);
        return Load(kind).Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    private static string Errors(EvaluationResults results) =>
        string.Join("\n", (results.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}")));

    public static TheoryData<string> SampleFiles() => [.. Samples()];

    private static List<string> Samples() =>
        [.. Directory.GetFiles(RepoPaths.Samples, "*.json", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".ir.json", StringComparison.Ordinal) && Kinds.Any(k => File.ReadAllText(f).Contains($"\"fluxo-{k}/1\"", StringComparison.Ordinal)))
            .Select(f => Path.GetRelativePath(RepoPaths.Samples, f))
            .Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Each_sample_names_its_schema_and_is_valid_against_it(string sample)
    {
        var path = Path.Combine(RepoPaths.Samples, sample);
        var text = File.ReadAllText(path);
        using var doc = JsonDocument.Parse(text);
        var kind = doc.RootElement.GetProperty("format").GetString()!["fluxo-".Length..^"/1".Length];
        Assert.True(doc.RootElement.TryGetProperty("$schema", out var named), $"{sample} has no $schema");
        Assert.Equal(Path.GetFullPath(SchemaPath(kind)), Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, named.GetString()!)));
        var results = Evaluate(kind, text);
        Assert.True(results.IsValid, Errors(results));
    }

    [Fact]
    public void There_are_samples_of_every_kind()
    {
        var files = Samples();
        Assert.Contains(files, f => f.Contains("workload", StringComparison.Ordinal));
        Assert.Contains(files, f => f.Contains("bindings", StringComparison.Ordinal));
        Assert.Contains(files, f => f.Contains("policy", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("workload", """{ "format": "fluxo-workload/1", "arrival": "sometimes", "mix": [] }""")]
    [InlineData("workload", """{ "format": "fluxo-workload/1", "mix": [ { "handler": "h", "weight": 1, "inputs": { "x": { "zipf": { "s": 1 } } } } ] }""")]
    [InlineData("bindings", """{ "format": "fluxo-bindings/1", "externs": { "f": { "standIn": { "response": { "template": "x" }, "latency": { "fixed": -1 } } } } }""")]
    [InlineData("policy", """{ "format": "fluxo-policy/1", "service": "S", "budgetBytes": 10, "caches": [ { "handler": "h", "graphHash": "xyz", "nodes": [1], "bytes": 5 } ] }""")]
    [InlineData("policy", """{ "format": "fluxo-policy/2", "service": "S", "budgetBytes": 10, "caches": [] }""")]
    public void The_schemas_reject_what_the_readers_reject(string kind, string json) =>
        Assert.False(Evaluate(kind, json).IsValid);

    [Fact]
    public void The_policy_the_optimizer_writes_is_valid()
    {
        var dir = Directory.CreateTempSubdirectory("fluxo-schema-").FullName;
        try
        {
            var trace = Path.Combine(dir, "t.log");
            var weather = Path.Combine(RepoPaths.Samples, "weather", "weather.flimp");
            Assert.Equal(0, Cli.Run("run", weather, "-w", Path.Combine(RepoPaths.Samples, "weather", "workload-cold-tail.json"), "-n", "800", "--trace", trace).Exit);
            var (exit, policy, err) = Cli.Run("optimize", weather, "--trace", trace, "--budget", "8KB", "-o", "-");
            Assert.True(exit == 0, err);
            var results = Evaluate("policy", policy);
            Assert.True(results.IsValid, Errors(results));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
