using Fluxo.Diagnostics;
using Fluxo.Ir;

namespace Fluxo.Trace;

/// <summary>Reads traces in either form (told apart by their first bytes) and checks them against a service.</summary>
public static class TraceFile
{
    /// <summary>The whole trace, or null after a located diagnostic when it is corrupt or truncated.</summary>
    public static TraceData? Read(string path, DiagnosticBag diags)
    {
        if (!File.Exists(path))
        {
            diags.Add(Diag.FileNotFound(path));
            return null;
        }

        try
        {
            return IsBinary(path) ? BinaryTraceReader.Read(path, diags)
                : IsOtlpJson(path) ? OtlpTraceReader.Read(path, diags)
                : TextTraceReader.Read(path, diags);
        }
        catch (IOException e)
        {
            diags.Add(Diag.FileUnreadable(path, e.Message));
            return null;
        }
    }

    /// <summary>Reads a trace and refuses it when a graph it names is missing from <paramref name="module"/> or has another hash.</summary>
    public static TraceData? Read(string path, IrModule module, DiagnosticBag diags)
    {
        var data = Read(path, diags);
        return data is not null && Matches(path, data, module, diags) ? data : null;
    }

    public static bool Matches(string path, TraceData data, IrModule module, DiagnosticBag diags)
    {
        var ok = true;
        foreach (var g in data.Header.Graphs)
        {
            var graph = module.FindGraph(g.Name);
            if (graph is null)
            {
                diags.Add(Diag.TraceUnknownGraph(path, HeaderLine, g.Name));
                ok = false;
            }
            else if (graph.Hash != g.Hash)
            {
                diags.Add(Diag.TraceGraphMismatch(path, HeaderLine, g.Name, g.Hash, graph.Hash));
                ok = false;
            }
        }

        return ok;
    }

    /// <summary>The line of the text form that holds the header (the binary form reports it at line 1).</summary>
    public const int HeaderLine = 2;

    private static bool IsBinary(string path)
    {
        Span<byte> first = stackalloc byte[8];
        using var f = File.OpenRead(path);
        var n = f.ReadAtLeast(first, 8, throwOnEndOfStream: false);
        return n == 8 && first.SequenceEqual(BinaryTraceWriter.Magic);
    }

    private static bool IsOtlpJson(string path)
    {
        Span<byte> first = stackalloc byte[64];
        using var f = File.OpenRead(path);
        var n = f.ReadAtLeast(first, first.Length, throwOnEndOfStream: false);
        return OtlpTraceReader.Looks(first[..n]);
    }
}
