using Fluxo.Backend.Azure;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Policy;

namespace Fluxo.Cli.Shared;

/// <summary>`fluxo compile --emit azure`: writes the generated Azure solution (made in memory by <see cref="AzureEmitter"/>) to a folder.</summary>
internal static class AzureCompile
{
    public static async Task<int> WriteSolutionAsync(IrModule module, PolicyDocument? policy, DirectoryInfo outDir, TextWriter output, TextWriter error, CancellationToken ct, bool warningsAsErrors = false)
    {
        var diagnostics = new DiagnosticBag();
        var files = AzureEmitter.Emit(module, policy, diagnostics);
        if (WarningGate.Fails(diagnostics, warningsAsErrors))
        {
            DiagnosticPrinter.Print(diagnostics, error);
            return 1;
        }

        var folder = GeneratedFolder.Claim(outDir.FullName, diagnostics);
        if (folder is null)
        {
            DiagnosticPrinter.Print(diagnostics, error);
            return 1;
        }

        try
        {
            await folder.WriteAsync(files, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            diagnostics.Add(Diag.OutputUnwritable(outDir.FullName, e.Message));
            DiagnosticPrinter.Print(diagnostics, error);
            return 1;
        }

        DiagnosticPrinter.Print(diagnostics, error);
        output.WriteLine($"wrote {files.Count} files to {outDir.FullName} (build with: dotnet build {outDir.FullName})");
        return 0;
    }
}
