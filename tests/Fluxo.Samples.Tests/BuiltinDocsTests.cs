using Fluxo.Builtins;
using Fluxo.TestSupport;

namespace Fluxo.Samples.Tests;

/// <summary>docs/builtins.md is the catalog's own text, and every example in it holds when run.</summary>
public class BuiltinDocsTests
{
    [Fact]
    public void DocMatchesTheCatalog()
    {
        var path = Path.Combine(RepoPaths.Root, "docs", "builtins.md");
        var expected = BuiltinDocs.Markdown();
        if (Environment.GetEnvironmentVariable("FLUXO_UPDATE_BASELINES") == "1")
        {
            File.WriteAllText(path, expected);
        }

        Assert.True(File.Exists(path), "docs/builtins.md is missing; run bash scripts/gen-builtins-doc.sh");
        Assert.True(expected == File.ReadAllText(path), "docs/builtins.md is stale; run bash scripts/gen-builtins-doc.sh");
    }

    public static TheoryData<string> Builtins() => [.. BuiltinCatalog.All.Keys.Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Builtins))]
    public async Task ExampleHolds(string name)
    {
        var example = BuiltinCatalog.All[name].Example;
        using var s = new SampleService("example.flimp", $"service Example;\nhandler check() -> bool {{\n  return {example};\n}}\n");
        Assert.True((await s.Call("check", new { })).AsBool, example);
    }
}
