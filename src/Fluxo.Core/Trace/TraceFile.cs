using System.Collections.Immutable;
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
            return IsBinary(path) ? BinaryTraceReader.Scan(path, diags, sink)
                : IsOtlpJson(path) ? ScanOtlp(path, diags, sink)
                : TextTraceReader.Scan(path, diags, sink);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diags.Add(Diag.FileUnreadable(path, e.Message));
            return false;
        }
    }

    /// <summary>
    /// Streams a binary trace from <paramref name="stream"/> (a pipe, a download), named <paramref name="name"/> in its
    /// diagnostics; false after one.
    /// </summary>
    public static bool ScanBinary(string name, Stream stream, DiagnosticBag diags, ITraceSink sink) => BinaryTraceReader.Scan(name, stream, diags, sink);

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

    /// <summary>A binary trace held in memory (a downloaded blob) that may be cut off: read to its last whole request, the rest counted in <paramref name="lostBytes"/>.</summary>
    public static TraceData? ReadCut(string name, byte[] data, DiagnosticBag diags, out long lostBytes) =>
        ReadCut(name, data, diags, out lostBytes, out _);

    /// <summary>As <see cref="ReadCut(string, byte[], DiagnosticBag, out long)"/>; <paramref name="ended"/> tells whether the writer closed the trace (its end record is there).</summary>
    public static TraceData? ReadCut(string name, byte[] data, DiagnosticBag diags, out long lostBytes, out bool ended)
    {
        lostBytes = 0;
        ended = false;
        if (data.Length < 8 || !data.AsSpan(0, 8).SequenceEqual(BinaryTraceWriter.Magic))
        {
            diags.Add(Diag.TraceBinaryMalformed(name, 0, "not a binary trace (no FLXTRCB1 magic)"));
            return null;
        }

        var collect = new Collect();
        return BinaryTraceReader.ScanCut(name, data, diags, collect, out lostBytes, out ended) ? new TraceData(collect.Header!, collect.Requests) : null;
    }

    /// <summary>
    /// Several traces of one program read as one: each path a trace file or a folder of them (read in name order).
    /// Each file's requests follow the previous file's, ids renumbered; all must match the program and share a sample rate.
    /// </summary>
    public static TraceData? Read(IReadOnlyList<string> paths, IrModule module, DiagnosticBag diags)
    {
        var files = new List<string>();
        foreach (var p in paths)
        {
            if (Directory.Exists(p))
            {
                var inside = Directory.GetFiles(p).Order(StringComparer.Ordinal).ToList();
                if (inside.Count == 0)
                {
                    diags.Add(Diag.TraceFolderEmpty(p));
                }

                files.AddRange(inside);
            }
            else
            {
                files.Add(p);
            }
        }

        if (files.Count == 1)
        {
            return Read(files[0], module, diags);
        }

        var parts = new List<(string Path, TraceData Data)>();
        foreach (var f in files)
        {
            if (Read(f, module, diags) is { } data)
            {
                parts.Add((f, data));
            }
        }

        if (diags.HasErrors || parts.Count == 0)
        {
            return null;
        }

        return Concat(parts, module, diags);
    }

    private static TraceData? Concat(List<(string Path, TraceData Data)> parts, IrModule module, DiagnosticBag diags)
    {
        var rate = parts[0].Data.Header.SampleRate;
        if (parts.FirstOrDefault(p => p.Data.Header.SampleRate != rate) is { Path: not null } other)
        {
            diags.Add(Diag.TraceSampleRatesDiffer(other.Path, other.Data.Header.SampleRate, parts[0].Path, rate));
            return null;
        }

        var graphs = module.Graphs.Select((g, i) => new TraceGraph(i, g.Name, g.Hash, g.Nodes.Length)).ToImmutableArray();
        var requests = new List<TraceRequest>();
        var offset = 0.0;
        foreach (var (_, data) in parts)
        {
            var index = data.Header.Graphs.ToDictionary(g => g.Index, g => module.Graphs.IndexOf(module.FindGraph(g.Name)!));
            var end = offset;
            foreach (var r in data.Requests)
            {
                requests.Add(r with { Id = requests.Count, Graph = index[r.Graph], ArrivalMs = r.ArrivalMs + offset });
                end = Math.Max(end, r.ArrivalMs + offset + r.LatencyMs);
            }

            offset = end;
        }

        var first = parts[0].Data.Header;
        return new TraceData(first with { Graphs = graphs, DroppedRequests = parts.Sum(p => p.Data.Header.DroppedRequests) }, requests);
    }

    /// <summary>The line of the text form that holds the header (the binary form reports it at line 1).</summary>
    public const int HeaderLine = 2;

    private static bool IsOtlpJson(string path)
    {
        Span<byte> first = stackalloc byte[64];
        using var f = File.OpenRead(path);
        var n = f.ReadAtLeast(first, first.Length, throwOnEndOfStream: false);
        return OtlpTraceReader.Looks(first[..n]);
    }

    /// <summary>An OTLP/JSON export is read whole (spans of one request may be anywhere in the file), then streamed like the other forms.</summary>
    private static bool ScanOtlp(string path, DiagnosticBag diags, ITraceSink sink)
    {
        if (OtlpTraceReader.Read(path, diags) is not { } data || !sink.Begin(data.Header))
        {
            return false;
        }

        var order = new TraceOrder();
        foreach (var r in data.Requests)
        {
            if (order.Next(new RequestHead(r.Id, r.Client, r.Graph, r.ArrivalMs, r.LatencyMs)) is { } disorder)
            {
                diags.Add(Diag.TraceMalformed(path, 1, disorder));
                return false;
            }

            if (!sink.Request(new RequestHead(r.Id, r.Client, r.Graph, r.ArrivalMs, r.LatencyMs), r.Nodes.AsSpan(), r.Edges.AsSpan()))
            {
                return false;
            }
        }

        return true;
    }
}
