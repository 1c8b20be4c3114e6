using Fluxo.Ir;
using Fluxo.TestSupport;

namespace Fluxo.Core.Tests;

/// <summary>Names and labels reach generated source, logs and diagnostics: IR with a line break or control character in one is refused.</summary>
public class IrValidatorTextTests
{
    private static IrModule Weather() => IrJson.Deserialize(File.ReadAllText(Path.Combine(RepoPaths.Samples, "weather", "weather.ir.json")));

    [Fact]
    public void TheSampleIsValid() => Assert.Empty(IrValidator.Validate(Weather()));

    [Theory]
    [InlineData("\r")]
    [InlineData("\n")]
    [InlineData("\u2028")]
    [InlineData("\u0085")]
    [InlineData("\u0000")]
    public void ALabelWithALineBreakIsRefused(string bad)
    {
        var m = Weather();
        var g = m.Graphs[0];
        var nodes = g.Nodes.SetItem(1, g.Nodes[1] with { Label = "x" + bad + "File.Delete(\"y\");" });
        var problems = IrValidator.Validate(m with { Graphs = [g with { Nodes = nodes }] });
        Assert.Contains(problems, p => p.Path == "$.graphs[0].nodes[1].label");
    }

    [Fact]
    public void AServiceNameWithALineBreakIsRefused()
    {
        var m = Weather();
        var problems = IrValidator.Validate(m with { Service = "a\nb" });
        Assert.Contains(problems, p => p.Path == "$.service");
    }
}
