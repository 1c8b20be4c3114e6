using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.TestSupport;

namespace Fluxo.Flimp.Tests;

/// <summary>The sample programs under samples/, named by their path from the repository root so baselines do not depend on the machine.</summary>
internal static class Samples
{
    public static IEnumerable<string> All() =>
        Directory.EnumerateFiles(RepoPaths.Samples, "*.flimp", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(RepoPaths.Root, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    public static bool IsInvalid(string relative) => relative.StartsWith("samples/invalid/", StringComparison.Ordinal);

    public static string Full(string relative) => Path.Combine(RepoPaths.Root, relative);

    public static (IrModule? Module, DiagnosticBag Diagnostics) Compile(string relative)
    {
        var diagnostics = new DiagnosticBag();
        var module = FlimpCompiler.Compile(relative, File.ReadAllText(Full(relative)), diagnostics);
        return (module, diagnostics);
    }

    public static (IrModule? Module, DiagnosticBag Diagnostics) CompileText(string text, string path = "test.flimp")
    {
        var diagnostics = new DiagnosticBag();
        return (FlimpCompiler.Compile(path, text, diagnostics), diagnostics);
    }

    public static bool UpdateBaselines => Environment.GetEnvironmentVariable("FLUXO_UPDATE_BASELINES") == "1";

    /// <summary>Compares with the baseline file, or rewrites it when FLUXO_UPDATE_BASELINES=1.</summary>
    public static void AssertBaseline(string baselineRelative, string actual)
    {
        var path = Full(baselineRelative);
        if (UpdateBaselines)
        {
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"missing baseline {baselineRelative}; run the tests with FLUXO_UPDATE_BASELINES=1 and review it");
        Assert.Equal(File.ReadAllText(path), actual);
    }
}
