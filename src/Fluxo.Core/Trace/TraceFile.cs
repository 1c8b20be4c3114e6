using Fluxo.Diagnostics;
using Fluxo.Ir;

namespace Fluxo.Trace;

/// <summary>Reads traces in either form (told apart by their first bytes) and checks them against a service.</summary>
public static class TraceFile
{
    /// <summary>The whole trace, or null after a located diagnostic when it is corrupt or truncated.</summary>
    public static TraceData? Read(string path, DiagnosticBag diags)
    {
        var collect = new Collect();
        return Scan(path, diags, collect) ? new TraceData(collect.Header!, collect.Requests) : null;
    }

    /// <summary>
    /// Streams the trace at <paramref name="path"/> (either form) into <paramref name="sink"/>, one request at a
    /// time; false after a located diagnostic (a sink that stops reports its own).
    /// </summary>
    public static bool Scan(string path, DiagnosticBag diags, ITraceSink sink)
    {
        if (!File.Exists(path))
        {
            diags.Add(Diag.FileNotFound(path));
            return false;
        }

        try
        {
            return IsBinary(path) ? BinaryTraceReader.Scan(path, diags, sink) : TextTraceReader.Scan(path, diags, sink);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diags.Add(Diag.FileUnreadable(path, e.Message));
            return false;
        }
    }

    /// <summary>True when the file starts with the binary form's magic bytes (the form is never told by the name).</summary>
    public static bool IsBinary(string path)
    {
        Span<byte> first = stackalloc byte[8];
        using var f = File.OpenRead(path);
        var n = f.ReadAtLeast(first, 8, throwOnEndOfStream: false);
        return n == 8 && first.SequenceEqual(BinaryTraceWriter.Magic);
    }

    private sealed class Collect : ITraceSink
    {
        public TraceHeader? Header { get; private set; }

        public List<TraceRequest> Requests { get; } = [];

        public bool Begin(TraceHeader header)
        {
            Header = header;
            return true;
        }

        public bool Request(in RequestHead head, ReadOnlySpan<NodeEvent> nodes, ReadOnlySpan<EdgeEvent> edges)
        {
            Requests.Add(new TraceRequest(head.Id, head.Client, head.Graph, head.ArrivalMs, head.LatencyMs, [.. nodes], [.. edges]));
            return true;
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
}
