using Fluxo.Ir;

namespace Fluxo.Flimp.Tests;

/// <summary>The paper's Weather service must lower to exactly the seven nodes of its figure.</summary>
public class WeatherGraphTests
{
    private static Graph Weather()
    {
        var (module, diagnostics) = Samples.Compile("samples/weather/weather.flimp");
        Assert.False(diagnostics.HasErrors);
        return Assert.Single(module!.Graphs);
    }

    [Fact]
    public void HasTheSevenNodesOfThePaper()
    {
        var g = Weather();
        Assert.Equal(
            [(NodeKind.Source, null), (NodeKind.Extern, "ipToCity"), (NodeKind.Extern, "cityToWeather"), (NodeKind.Extern, "zipToWeather"), (NodeKind.If, null), (NodeKind.Fn, "buildHtml"), (NodeKind.Sink, null)],
            g.Nodes.Select(n => (n.Kind, n.Target)).ToArray());
    }

    [Fact]
    public void HasTheRightEdges()
    {
        var g = Weather();
        Assert.Equal(
            [new Edge(0, 1, 0, "ip"), new Edge(1, 2, 0, null), new Edge(0, 3, 0, "zip"), new Edge(0, 4, 0, "zip"), new Edge(3, 4, 1, null), new Edge(2, 4, 2, null), new Edge(4, 5, 0, null), new Edge(5, 6, 0, null)],
            g.Edges().ToArray());
    }

    [Fact]
    public void TheJoinFusesTheZipTest()
    {
        var join = Weather().Nodes[4];
        var expected = new IfExpr(new BinaryExpr("!=", new InputExpr(0), new LitExpr(Values.Value.String(""))), new InputExpr(1), new InputExpr(2));
        Assert.Equal(IrJson.Serialize(Module(expected)), IrJson.Serialize(Module(join.Expr!)));

        static IrModule Module(Expr e) => new("x", "x", [], [], [new FnDecl("f", [], "string", e, Diagnostics.SourceSpan.None("x"))], [], []);
    }

    [Fact]
    public void EveryNodeIsCacheableAndDependsOnTheRequest()
    {
        var g = Weather();
        Assert.All(g.Nodes, n => Assert.True(n.Props.IsCacheable, $"node {n.Id}"));
        Assert.All(g.Nodes, n => Assert.True(n.Props.DependsOnInput, $"node {n.Id}"));
        Assert.Equal(40, Samples.Compile("samples/weather/weather.flimp").Module!.FindExtern("ipToCity")!.ExpectedLatencyMs);
    }

    [Fact]
    public void HashIsStableWhenTheHandlerMoves()
    {
        var text = File.ReadAllText(Samples.Full("samples/weather/weather.flimp"));
        var moved = text.Replace("handler weather", "\n\n// moved down\nhandler weather", StringComparison.Ordinal);
        var a = Samples.CompileText(text).Module!.Graphs[0];
        var b = Samples.CompileText(moved).Module!.Graphs[0];
        Assert.Equal(a.Hash, b.Hash);
        Assert.NotEqual(a.Nodes[1].Span.Line, b.Nodes[1].Span.Line);
    }
}
