using Fluxo.Diagnostics;

namespace Fluxo.Flimp.Tests;

[CollectionDefinition(nameof(NestedTypeCostTests), DisableParallelization = true)]
public sealed class AloneCollection;

/// <summary>
/// Issue 18, defect 13: checking deeply nested types is linear in their depth (33,000 nested lists took 27 s). Cost
/// is counted as bytes allocated, which the machine's load does not change: 8 times the depth must cost well under
/// 8 x 8 times the bytes (each level of the old type text copied every level inside it again).
/// </summary>
[Collection(nameof(NestedTypeCostTests))]
public sealed class NestedTypeCostTests
{
    private static string Source(int depth) =>
        $"service S;\nhandler h(x: {string.Concat(Enumerable.Repeat("list<", depth))}int{new string('>', depth)}) -> int {{\n  return 1;\n}}\n";

    private static long AllocatedToCompile(int depth)
    {
        var source = Source(depth);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var diags = new DiagnosticBag();
        var module = FlimpCompiler.Compile("nested.flimp", source, diags);
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.True(module is not null, string.Join("\n", diags.Items.Select(d => d.Format())));
        return bytes;
    }

    [Fact]
    public void EightTimesTheDepthCostsAboutEightTimesTheWork()
    {
        AllocatedToCompile(500);
        var small = AllocatedToCompile(2_000);
        var large = AllocatedToCompile(16_000);
        var ratio = (double)large / small;
        Assert.True(ratio < 20, $"16,000 nested lists allocated {large:N0} B, {ratio:F1} x what 2,000 did ({small:N0} B); linear is about 8");
    }
}
