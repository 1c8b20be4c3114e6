using Fluxo.Diagnostics;

namespace Fluxo.Cli.Shared;

/// <summary>Writes diagnostics one per line, in source order.</summary>
internal static class DiagnosticPrinter
{
    public static void Print(DiagnosticBag diagnostics, TextWriter error)
    {
        foreach (var d in diagnostics.Sorted())
        {
            error.WriteLine(d.Format());
        }
    }
}
