using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Fluxo.Diagnostics;

namespace Fluxo.Trace;

/// <summary>Reads the text form line by line; every refusal names the line where the trace went wrong.</summary>
internal sealed class TextTraceReader
{
    private readonly string _path;
    private readonly DiagnosticBag _diags;
    private readonly StreamReader _reader;
    private int _line;
    private string? _current;

    private TextTraceReader(string path, DiagnosticBag diags, StreamReader reader)
    {
        _path = path;
        _diags = diags;
        _reader = reader;
    }

    public static TraceData? Read(string path, DiagnosticBag diags)
    {
        using var reader = new StreamReader(path, System.Text.Encoding.UTF8, false, 1 << 16);
        var data = new TextTraceReader(path, diags, reader).ReadAll();
        if (data is not null && !EndsWithNewLine(path))
        {
            diags.Add(Diag.TraceTruncated(path, CountLines(path), "the last line is incomplete"));
            return null;
        }

        return data;
    }

    private TraceData? ReadAll()
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

        var requests = new List<TraceRequest>();
        while (true)
        {
            var line = Next();
            if (line is null)
            {
                return Truncated($"no 'end' line after {requests.Count} requests");
            }

            if (line.StartsWith("end ", StringComparison.Ordinal))
            {
                if (!long.TryParse(line.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count != requests.Count)
                {
                    return Fail($"the end line counts {line[4..]} requests but the trace holds {requests.Count}");
                }

                return Next() is null ? new TraceData(header, requests) : Fail("text after the end line");
            }

            var r = ReadRequest(line, header);
            if (r is null)
            {
                return null;
            }

            requests.Add(r);
        }
    }

    private TraceRequest? ReadRequest(string line, TraceHeader header)
    {
        Span<Range> parts = stackalloc Range[9];
        var s = line.AsSpan();
        if (s.Split(parts, ' ') != 8 || s[parts[0]] is not "R"
            || !Long(s[parts[1]], out var id) || !Long(s[parts[2]], out var client) || !Long(s[parts[3]], out var graph)
            || !Ms(s[parts[4]], out var arrival) || !Ms(s[parts[5]], out var latency)
            || !Long(s[parts[6]], out var nodeCount) || !Long(s[parts[7]], out var edgeCount))
        {
            return Fail<TraceRequest>("expected 'R id client graph arrivalMs latencyMs nodes edges'");
        }

        if (graph >= header.Graphs.Length)
        {
            return Fail<TraceRequest>($"graph index {graph} is not in the header");
        }

        var limit = header.Graphs[(int)graph].NodeCount;
        var nodes = new NodeEvent[nodeCount];
        for (var i = 0; i < nodeCount; i++)
        {
            var n = Next();
            if (n is null)
            {
                return Truncated<TraceRequest>($"request {id} ends after {i} of its {nodeCount} node events");
            }

            var t = n.AsSpan();
            if (t.Split(parts, ' ') != 5 || t[parts[0]] is not "N" || !Long(t[parts[1]], out var node) || node >= limit
                || !Ms(t[parts[2]], out var start) || !Ms(t[parts[3]], out var self) || !Status(t[parts[4]], out var status))
            {
                return Fail<TraceRequest>($"expected 'N node startMs selfMs ran|skipped|served' with a node id below {limit}");
            }

            nodes[i] = new NodeEvent((int)node, start, self, status);
        }

        var edges = new EdgeEvent[edgeCount];
        for (var i = 0; i < edgeCount; i++)
        {
            var e = Next();
            if (e is null)
            {
                return Truncated<TraceRequest>($"request {id} ends after {i} of its {edgeCount} edge events");
            }

            var t = e.AsSpan();
            if (t.Split(parts, ' ') != 5 || t[parts[0]] is not "E" || !Long(t[parts[1]], out var from) || !Long(t[parts[2]], out var to)
                || from >= limit || to >= limit
                || !ulong.TryParse(t[parts[3]], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hash)
                || !Long(t[parts[4]], out var bytes))
            {
                return Fail<TraceRequest>($"expected 'E from to hash bytes' with node ids below {limit}");
            }

            edges[i] = new EdgeEvent((int)from, (int)to, hash, (int)bytes);
        }

        return new TraceRequest(id, client, (int)graph, arrival, latency,
            ImmutableCollectionsMarshal.AsImmutableArray(nodes), ImmutableCollectionsMarshal.AsImmutableArray(edges));
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

    private TraceData? Fail(string reason)
    {
        _diags.Add(Diag.TraceMalformed(_path, _line, reason));
        return null;
    }

    private T? Fail<T>(string reason)
        where T : class
    {
        _diags.Add(Diag.TraceMalformed(_path, _line, reason));
        return null;
    }

    private TraceData? Truncated(string reason)
    {
        _diags.Add(Diag.TraceTruncated(_path, _line, reason));
        return null;
    }

    private T? Truncated<T>(string reason)
        where T : class
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
