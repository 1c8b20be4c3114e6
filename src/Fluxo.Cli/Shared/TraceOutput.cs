using System.CommandLine;
using System.Globalization;
using Azure.Storage.Blobs;
using Azure;
using Fluxo.Diagnostics;
using Fluxo.Frontends;
using Fluxo.Trace;

namespace Fluxo.Cli.Shared;

/// <summary>Writes a whole trace to a file, binary unless the name says text.</summary>
internal static class TraceOutput
{
    public static bool TryWrite(string path, TraceData trace, DiagnosticBag diags)
    {
        try
        {
            var binary = !(path.EndsWith(".log", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".txt", StringComparison.OrdinalIgnoreCase));
            using var writer = TraceWriter.Create(path, trace.Header, binary);
            foreach (var r in trace.Requests)
            {
                writer.Write(r);
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diags.Add(Diag.OutputUnwritable(path, e.Message));
            return false;
        }
    }
}
