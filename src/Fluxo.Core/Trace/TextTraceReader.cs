using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Fluxo.Diagnostics;

namespace Fluxo.Trace;

/// <summary>Reads the text form line by line into a sink, in reused event arrays; every refusal names the line where the trace went wrong.</summary>
internal sealed class TextTraceReader
{
    private readonly string _path;
    private readonly DiagnosticBag _diags;
    private readonly StreamReader _reader;
    private NodeEvent[] _nodes = new NodeEvent[64];
    private EdgeEvent[] _edges = new EdgeEvent[64];
    private readonly TraceOrder _order = new();
    private int _line;
    private string? _current;

    private TextTraceReader(string path, DiagnosticBag diags, StreamReader reader)
    {
        _path = path;
        _diags = diags;
        _reader = reader;
    }

    /// <summary>Streams the trace at <paramref name="path"/> into <paramref name="sink"/>; false after a diagnostic.</summary>
    public static bool Scan(string path, DiagnosticBag diags, ITraceSink sink)
    {
        using var reader = new StreamReader(path, System.Text.Encoding.UTF8, false, 1 << 16);
        var ok = new TextTraceReader(path, diags, reader).ReadAll(sink);
        if (ok && !EndsWithNewLine(path))
        {
            diags.Add(Diag.TraceTruncated(path, CountLines(path), "the last line is incomplete"));
            return false;
        }

        return ok;
    }

    private bool ReadAll(ITraceSink sink)
    {
        if (Next() != TextTraceWriter.Magic)
        {
            return Fail($"the first line must be '{TextTraceWriter.Magic}'");
        }

        var headerLine = Next();
        if (headerLine is null || !headerLine.StartsWith("H ", StringComparison.Ordinal))
        {
            return headerLine is null ? Truncated("the header is missing") : Fail("the second line must be the header 'H {...}'");
        }

        TraceHeader? header;
        try
        {
            header = JsonSerializer.Deserialize<TraceHeader>(headerLine.AsSpan(2), TraceJson.Options);
        }
        catch (JsonException e)
        {
            return Fail("the header is not valid JSON: " + e.Message);
        }

        if (header is null || header.Problem() is not null)
        {
            return Fail(header?.Problem() ?? $"the header must name format '{TraceHeader.CurrentFormat}' and its graphs");
        }

        if (!sink.Begin(header))
        {
            return false;
        }

        long requests = 0;
        while (true)
        {
            var line = Next();
            if (line is null)
            {
                return Truncated($"no 'end' line after {requests} requests");
            }

            if (line.StartsWith("end ", StringComparison.Ordinal))
            {
                if (!long.TryParse(line.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count != requests)
                {
                    return Fail($"the end line counts {line[4..]} requests but the trace holds {requests}");
                }

                return Next() is null || Fail("text after the end line");
            }

            if (ReadRequest(line, header, out var nodeCount, out var edgeCount) is not { } head)
            {
                return false;
            }

            requests++;
            if (!sink.Request(head, _nodes.AsSpan(0, nodeCount), _edges.AsSpan(0, edgeCount)))
            {
                return false;
            }
        }
    }

    private RequestHead? ReadRequest(string line, TraceHeader header, out int nodeCount, out int edgeCount)
    {
        nodeCount = edgeCount = 0;
        Span<Range> parts = stackalloc Range[9];
        var s = line.AsSpan();
        if (s.Split(parts, ' ') != 8 || s[parts[0]] is not "R"
            || !Long(s[parts[1]], out var id) || !Long(s[parts[2]], out var client) || !Long(s[parts[3]], out var graph)
            || !Ms(s[parts[4]], out var arrival) || !Ms(s[parts[5]], out var latency)
            || !Long(s[parts[6]], out var nodes) || !Long(s[parts[7]], out var edges) || nodes > 1 << 20 || edges > 1 << 20)
        {
            return Fail<RequestHead>("expected 'R id client graph arrivalMs latencyMs nodes edges'");
        }

        if (graph >= header.Graphs.Length)
        {
            return Fail<RequestHead>($"graph index {graph} is not in the header");
        }

        if (TraceHeader.EventsProblem(id, nodes) is { } empty)
        {
            return Fail<RequestHead>(empty);
        }

        if (_order.Next(new RequestHead(id, client, (int)graph, arrival, latency)) is { } disorder)
        {
            return Fail<RequestHead>(disorder);
        }

        var limit = header.Graphs[(int)graph].NodeCount;
        nodeCount = (int)nodes;
        edgeCount = (int)edges;
        if (nodeCount > _nodes.Length)
        {
            _nodes = new NodeEvent[Math.Max(nodeCount, _nodes.Length * 2)];
        }

        if (edgeCount > _edges.Length)
        {
            _edges = new EdgeEvent[Math.Max(edgeCount, _edges.Length * 2)];
        }

        for (var i = 0; i < nodeCount; i++)
        {
            var n = Next();
            if (n is null)
            {
                return Truncated<RequestHead>($"request {id} ends after {i} of its {nodeCount} node events");
            }

            var t = n.AsSpan();
            if (t.Split(parts, ' ') != 5 || t[parts[0]] is not "N" || !Long(t[parts[1]], out var node) || node >= limit
                || !Ms(t[parts[2]], out var start) || !Ms(t[parts[3]], out var self) || !Status(t[parts[4]], out var status))
            {
                return Fail<RequestHead>($"expected 'N node startMs selfMs ran|skipped|served' with a node id below {limit}");
            }

            _nodes[i] = new NodeEvent((int)node, start, self, status);
        }

        for (var i = 0; i < edgeCount; i++)
        {
            var e = Next();
            if (e is null)
            {
                return Truncated<RequestHead>($"request {id} ends after {i} of its {edgeCount} edge events");
            }

            var t = e.AsSpan();
            if (t.Split(parts, ' ') != 5 || t[parts[0]] is not "E" || !Long(t[parts[1]], out var from) || !Long(t[parts[2]], out var to)
                || from >= limit || to >= limit
                || !ulong.TryParse(t[parts[3]], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hash)
                || !Long(t[parts[4]], out var bytes))
            {
                return Fail<RequestHead>($"expected 'E from to hash bytes' with node ids below {limit}");
            }

            _edges[i] = new EdgeEvent((int)from, (int)to, hash, (int)bytes);
        }

        return new RequestHead(id, client, (int)graph, arrival, latency);
    }

    private static bool Long(ReadOnlySpan<char> s, out long v) =>
        long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out v);

    // "12.345": whole milliseconds and exactly three decimals, read as microseconds like the binary form.
    private static bool Ms(ReadOnlySpan<char> s, out double ms)
    {
        ms = 0;
        var dot = s.IndexOf('.');
        if (dot < 0 || s.Length - dot - 1 != 3 || !Long(s[..dot], out var whole) || !Long(s[(dot + 1)..], out var frac))
        {
            return false;
        }

        ms = ((whole * 1000) + frac) / 1000.0;
        return true;
    }

    private static bool Status(ReadOnlySpan<char> s, out NodeStatus status)
    {
        status = s switch { "ran" => NodeStatus.Ran, "skipped" => NodeStatus.Skipped, "served" => NodeStatus.Served, _ => (NodeStatus)255 };
        return (byte)status != 255;
    }

    private string? Next()
    {
        _current = _reader.ReadLine();
        _line++;
        return _current;
    }

    private bool Fail(string reason)
    {
        _diags.Add(Diag.TraceMalformed(_path, _line, reason));
        return false;
    }

    private T? Fail<T>(string reason)
        where T : struct
    {
        _diags.Add(Diag.TraceMalformed(_path, _line, reason));
        return null;
    }

    private bool Truncated(string reason)
    {
        _diags.Add(Diag.TraceTruncated(_path, _line, reason));
        return false;
    }

    private T? Truncated<T>(string reason)
        where T : struct
    {
        _diags.Add(Diag.TraceTruncated(_path, _line, reason));
        return null;
    }

    private static bool EndsWithNewLine(string path)
    {
        using var f = File.OpenRead(path);
        if (f.Length == 0)
        {
            return false;
        }

        f.Seek(-1, SeekOrigin.End);
        return f.ReadByte() == '\n';
    }

    private static int CountLines(string path)
    {
        var n = 0;
        foreach (var _ in File.ReadLines(path))
        {
            n++;
        }

        return n;
    }
}
