using Fluxo.Diagnostics;

namespace Fluxo.Cli.Shared;

/// <summary>`--warnaserror`: warnings fail the command, with one diagnostic saying so (the warnings themselves stay warnings).</summary>
internal static class WarningGate
{
    /// <summary>True when the command must fail: errors, or warnings while warnings count as errors.</summary>
    public static bool Fails(DiagnosticBag diagnostics, bool warningsAsErrors)
    {
        if (diagnostics.HasErrors)
        {
            return true;
        }

        var warnings = diagnostics.Items.Count(d => d.Severity == Severity.Warning);
        if (warningsAsErrors && warnings > 0)
        {
            diagnostics.Add(Diag.WarningsAsErrors(warnings));
            return true;
        }

        return false;
    }
}
