using System.Text.Json;
using Fluxo.Ir;

namespace Fluxo.Cli.Tests;

/// <summary>fluxo check, graph and compile on the samples and on broken input.</summary>
public class FrontEndCommandTests
{
    private const string Weather = "samples/weather/weather.flimp";

    [Fact]
    public void CheckOfWeatherIsClean()
    {
        var (exit, output, error) = CliRunner.Run("check", Weather);
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Contains("7 nodes", output);
    }

    [Fact]
    public void CheckOfABrokenProgramGivesALocatedErrorAndExit1()
    {
        var (exit, _, error) = CliRunner.Run("check", "samples/invalid/undeclared-name.flimp");
        Assert.Equal(1, exit);
        Assert.Equal("samples/invalid/undeclared-name.flimp(4,22): error FLX0020: 'nmae' is not declared\n", error.Replace("\r\n", "\n"));
    }

    [Fact]
    public void CheckOfAMissingFileIsADiagnostic()
    {
        var (exit, _, error) = CliRunner.Run("check", "samples/nope.flimp");
        Assert.Equal(1, exit);
        Assert.Contains("FLX9001", error);
    }

    [Fact]
    public void CheckOfAnUnknownExtensionIsADiagnostic()
    {
        var (exit, _, error) = CliRunner.Run("check", "README.md");
        Assert.Equal(1, exit);
        Assert.Contains("FLX9010", error);
    }

    [Fact]
    public void CheckReadsIrJson()
    {
        var (exit, _, error) = CliRunner.Run("check", "samples/weather/weather.ir.json");
        Assert.Equal(0, exit);
        Assert.Equal("", error);
    }

    [Fact]
    public void CheckOfMalformedIrJsonIsADiagnostic()
    {
        var path = Path.Combine(Path.GetTempPath(), $"fluxo-bad-{Guid.NewGuid():N}.ir.json");
        File.WriteAllText(path, "{ \"service\": 3, ");
        try
        {
            var (exit, _, error) = CliRunner.Run("check", path);
            Assert.Equal(1, exit);
            Assert.Contains("FLX9011", error);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void CompileEmitsTheIrBaseline()
    {
        var (exit, output, _) = CliRunner.Run("compile", Weather, "--emit", "ir");
        Assert.Equal(0, exit);
        Assert.Equal(File.ReadAllText(Path.Combine(TestSupport.RepoPaths.Root, "samples/weather/weather.ir.json")), output);
    }

    [Fact]
    public void CompileWritesToAFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"fluxo-{Guid.NewGuid():N}", "weather.ir.json");
        try
        {
            var (exit, output, _) = CliRunner.Run("compile", Weather, "--emit", "ir", "-o", path);
            Assert.Equal(0, exit);
            Assert.Equal("", output);
            Assert.Equal(7, IrJson.Deserialize(File.ReadAllText(path)).Graphs[0].Nodes.Length);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void CompileOfABrokenProgramFails()
    {
        var (exit, output, error) = CliRunner.Run("compile", "samples/invalid/recursion-direct.flimp", "--emit", "ir");
        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains("FLX0050", error);
    }

    [Fact]
    public void GraphJsonShowsTheSevenNodesAndTheirEdges()
    {
        var (exit, output, _) = CliRunner.Run("graph", Weather, "--format", "json");
        Assert.Equal(0, exit);
        var graph = JsonDocument.Parse(output).RootElement[0];
        Assert.Equal("weather", graph.GetProperty("handler").GetString());
        var kinds = graph.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("kind").GetString() ?? "").ToArray();
        Assert.Equal(["Source", "Extern", "Extern", "Extern", "If", "Fn", "Sink"], kinds);
        var edges = graph.GetProperty("edges").EnumerateArray().Select(e => (e.GetProperty("from").GetInt32(), e.GetProperty("to").GetInt32())).ToArray();
        Assert.Equal([(0, 1), (1, 2), (0, 3), (0, 4), (3, 4), (2, 4), (4, 5), (5, 6)], edges);
    }

    [Fact]
    public void GraphDotLabelsNodesWithProperties()
    {
        var (exit, output, _) = CliRunner.Run("graph", Weather, "--format", "dot");
        Assert.Equal(0, exit);
        Assert.StartsWith("digraph fluxo {", output);
        Assert.Contains("#1 Extern: ipToCity\\ndet pure input cacheable", output);
        Assert.Contains("\"weather_0\" -> \"weather_1\" [label=\"ip\"]", output);
    }

    [Fact]
    public void GraphMermaidFiltersByHandler()
    {
        var (exit, output, _) = CliRunner.Run("graph", "samples/tour/tour.flimp", "--format", "mermaid", "--handler", "removeMark");
        Assert.Equal(0, exit);
        Assert.StartsWith("flowchart TD", output);
        Assert.Contains("subgraph removeMark", output);
        Assert.DoesNotContain("subgraph addMark", output);
        Assert.Contains("writes Marks", output);
    }

    [Fact]
    public void GraphOfAnUnknownHandlerIsADiagnostic()
    {
        var (exit, _, error) = CliRunner.Run("graph", Weather, "--handler", "nope");
        Assert.Equal(1, exit);
        Assert.Contains("FLX9012", error);
    }

    [Theory]
    [InlineData("check")]
    [InlineData("graph")]
    [InlineData("compile")]
    public void HelpDescribesEveryCommand(string command)
    {
        var (exit, output, _) = CliRunner.Run(command, "--help");
        Assert.Equal(0, exit);
        Assert.Contains("Usage:", output);
        Assert.Contains(".flimp", output);
    }
}
