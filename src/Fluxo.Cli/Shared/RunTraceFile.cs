using Fluxo.Diagnostics;
using Fluxo.Runtime.Tracing;
using Fluxo.Trace;

namespace Fluxo.Cli.Shared;

/// <summary>
/// Opening and closing a run's trace file for a command: a path that cannot be opened, or a disk that refuses part of
/// the trace (full, gone), is a diagnostic at the trace's path, never an exception.
/// </summary>
internal static class RunTraceFile
{
    /// <summary>
    /// The trace at <paramref name="path"/> when one was asked for (null when <paramref name="path"/> is null); false
    /// after a diagnostic.
    /// </summary>
    public static bool TryOpen(string? path, TraceHeader header, bool binary, DiagnosticBag diags, out RunTraceWriter? trace)
    {
        trace = null;
        if (path is null)
        {
            return true;
        }

        try
        {
            trace = RunTraceWriter.Open(path, header, binary);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            diags.Add(Diag.OutputUnwritable(path, e.Message));
            return false;
        }
    }

    /// <summary>Closes <paramref name="trace"/>; false after a diagnostic. The requests written before a failed write stay in the file.</summary>
    public static bool Close(RunTraceWriter? trace, string? path, DiagnosticBag diags)
    {
        try
        {
            trace?.Dispose();
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diags.Add(Diag.OutputUnwritable(path ?? "", e.Message));
            return false;
        }
    }
}
