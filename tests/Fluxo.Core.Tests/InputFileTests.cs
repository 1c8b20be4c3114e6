using Fluxo.Diagnostics;

namespace Fluxo.Core.Tests;

public sealed class InputFileTests
{
    [Fact]
    public void MissingFileIsADiagnosticNamingIt()
    {
        var diags = new DiagnosticBag();
        Assert.Null(InputFile.ReadText("/nonexistent/policy.json", diags));
        var d = Assert.Single(diags.Items);
        Assert.Equal("FLX9001", d.Code);
        Assert.Contains("/nonexistent/policy.json", d.Format());
    }

    [Fact]
    public void ExistingFileIsReadWhole()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, "service S;\n");
        var diags = new DiagnosticBag();
        Assert.Equal("service S;\n", InputFile.ReadText(path, diags));
        Assert.Empty(diags.Items);
        File.Delete(path);
    }
}
