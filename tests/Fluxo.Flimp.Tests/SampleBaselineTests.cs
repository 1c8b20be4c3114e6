using Fluxo.Diagnostics;
using Fluxo.Ir;

namespace Fluxo.Flimp.Tests;

/// <summary>Every sample is a test: valid ones must compile cleanly to their IR baseline, invalid ones must give exactly their expected diagnostics.</summary>
public class SampleBaselineTests
{
    public static TheoryData<string> AllSamples() => [.. Samples.All()];

    [Fact]
    public void SamplesExist()
    {
        Assert.Contains("samples/weather/weather.flimp", Samples.All());
        Assert.True(Samples.All().Count(Samples.IsInvalid) >= 10);
    }

    [Theory]
    [MemberData(nameof(AllSamples))]
    public void SampleMatchesBaseline(string sample)
    {
        var (module, diagnostics) = Samples.Compile(sample);
        var stem = sample[..^".flimp".Length];
        if (Samples.IsInvalid(sample))
        {
            Assert.True(diagnostics.HasErrors, $"{sample} is in samples/invalid but compiled without errors");
            Assert.Null(module);
            var text = string.Concat(diagnostics.Sorted().Select(d => d.Format() + "\n"));
            Samples.AssertBaseline(stem + ".diagnostics.txt", text);
        }
        else
        {
            Assert.Empty(diagnostics.Items.Select(d => d.Format()));
            Assert.NotNull(module);
            Samples.AssertBaseline(stem + ".ir.json", IrJson.Serialize(module));
        }
    }

    [Theory]
    [MemberData(nameof(AllSamples))]
    public void IrJsonRoundTripIsLossless(string sample)
    {
        var (module, _) = Samples.Compile(sample);
        if (module is null)
        {
            return;
        }

        var first = IrJson.Serialize(module);
        var again = IrJson.Deserialize(first);
        Assert.Equal(first, IrJson.Serialize(again));
        foreach (var g in again.Graphs)
        {
            Assert.Equal(IrJson.ComputeHash(g), g.Hash);
        }
    }

    [Theory]
    [MemberData(nameof(AllSamples))]
    public void GraphsKeepTheConventions(string sample)
    {
        var (module, _) = Samples.Compile(sample);
        if (module is null)
        {
            return;
        }

        foreach (var g in module.Graphs)
        {
            Assert.Equal(0, g.SourceId);
            Assert.Equal(g.Nodes.Length - 1, g.SinkId);
            Assert.Equal(NodeKind.Source, g.Nodes[0].Kind);
            Assert.Equal(NodeKind.Sink, g.Nodes[^1].Kind);
            for (var i = 0; i < g.Nodes.Length; i++)
            {
                var n = g.Nodes[i];
                Assert.Equal(i, n.Id);
                Assert.All(n.Inputs, input => Assert.True(input.From < i, $"{g.Name} node {i} reads a later node"));
                Assert.All(n.Inputs, input => Assert.True(input.From != 0 || input.Field is not null, "the request is read one field per edge"));
                var sideEffect = n.Kind is NodeKind.TablePut or NodeKind.TableDelete or NodeKind.Enqueue;
                Assert.Equal(sideEffect, !n.Props.SideEffectFree && n.Kind != NodeKind.Extern && n.Kind != NodeKind.Compute && n.Kind != NodeKind.Fn);
                if (sideEffect)
                {
                    Assert.Contains(g.Nodes[^1].Inputs.Skip(1), input => input.From == i);
                }
            }
        }
    }

    [Fact]
    public void RecompilingGivesIdenticalIr()
    {
        foreach (var sample in Samples.All().Where(s => !Samples.IsInvalid(s)))
        {
            Assert.Equal(IrJson.Serialize(Samples.Compile(sample).Module!), IrJson.Serialize(Samples.Compile(sample).Module!));
        }
    }

    [Fact]
    public void DiagnosticsAreFormattedWithLocation()
    {
        var (_, diagnostics) = Samples.CompileText("service S;\nhandler h() -> int { return x; }\n", "broken.flimp");
        var d = Assert.Single(diagnostics.Items);
        Assert.Equal("broken.flimp(2,29): error FLX0020: 'x' is not declared", d.Format());
        Assert.Equal(Severity.Error, d.Severity);
    }
}
