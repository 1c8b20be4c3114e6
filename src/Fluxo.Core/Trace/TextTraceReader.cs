using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Fluxo.Diagnostics;

namespace Fluxo.Trace;

/// <summary>
/// Reads the text form line by line into a sink, in reused event arrays, parsing each line's bytes where they lie in a
/// fixed buffer (no string per line), so a trace larger than memory streams through; every refusal names the line
/// where the trace went wrong. Lines end with LF, CRLF or CR, as a text reader would split them.
/// </summary>
internal sealed class TextTraceReader
{
    private readonly string _path;
    private readonly DiagnosticBag _diags;
    private readonly Stream _stream;
    private byte[] _buf = new byte[1 << 16];
    private int _pos;
    private int _len;
    private bool _eof;
    private NodeEvent[] _nodes = new NodeEvent[64];
    private EdgeEvent[] _edges = new EdgeEvent[64];
    private readonly TraceOrder _order = new();
    private int _line;

    // Every line above the checksum line goes through it, with LF ends, as the buffer lets it go; _hashedTo is how far
    // the buffer is in. Line ends count as LF and a byte order mark not at all, as the reader reads them.
    private readonly System.IO.Hashing.XxHash3 _checksum = TraceWriter.NewChecksum();
    private int _hashedTo;

    private TextTraceReader(string path, DiagnosticBag diags, Stream stream)
    {
        _path = path;
        _diags = diags;
        _stream = stream;
    }

    /// <summary>Streams the trace at <paramref name="path"/> into <paramref name="sink"/>; false after a diagnostic.</summary>
    public static bool Scan(string path, DiagnosticBag diags, ITraceSink sink)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var ok = new TextTraceReader(path, diags, stream).ReadAll(sink);
        if (ok && !EndsWithNewLine(path))
        {
            diags.Add(Diag.TraceTruncated(path, CountLines(path), "the last line is incomplete"));
            return false;
        }

        return ok;
    }

    private bool ReadAll(ITraceSink sink)
    {
        // A UTF-8 byte order mark is no part of the first line.
        Fill();
        if (_len >= 3 && _buf.AsSpan(0, 3).SequenceEqual("\uFEFF"u8))
        {
            _pos = _hashedTo = 3;
        }

        if (!Next(out var first) || !first.SequenceEqual(MagicBytes))
        {
            return Fail($"the first line must be '{TextTraceWriter.Magic}'");
        }

        var hasHeader = Next(out var headerLine);
        if (!hasHeader || !headerLine.StartsWith("H "u8))
        {
            return !hasHeader ? Truncated("the header is missing") : Fail("the second line must be the header 'H {...}'");
        }

        TraceHeader? header;
        try
        {
            header = JsonSerializer.Deserialize<TraceHeader>(headerLine[2..], TraceJson.Options);
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
            if (!Next(out var line))
            {
                return Truncated($"no 'end' line after {requests} requests");
            }

            if (line.StartsWith("end "u8))
            {
                if (!Long(line[4..], out var count) || count != requests)
                {
                    return Fail($"the end line counts {Encoding.UTF8.GetString(line[4..])} requests but the trace holds {requests}");
                }

                return Checked();
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

    private RequestHead? ReadRequest(ReadOnlySpan<byte> s, TraceHeader header, out int nodeCount, out int edgeCount)
    {
        nodeCount = edgeCount = 0;
        Span<Range> parts = stackalloc Range[9];
        if (Split(s, parts) != 8 || !s[parts[0]].SequenceEqual("R"u8)
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
            if (!Next(out var t))
            {
                return Truncated<RequestHead>($"request {id} ends after {i} of its {nodeCount} node events");
            }

            if (Split(t, parts) != 5 || !t[parts[0]].SequenceEqual("N"u8) || !Long(t[parts[1]], out var node) || node >= limit
                || !Ms(t[parts[2]], out var start) || !Ms(t[parts[3]], out var self) || !Status(t[parts[4]], out var status))
            {
                return Fail<RequestHead>($"expected 'N node startMs selfMs ran|skipped|served' with a node id below {limit}");
            }

            _nodes[i] = new NodeEvent((int)node, start, self, status);
        }

        for (var i = 0; i < edgeCount; i++)
        {
            if (!Next(out var t))
            {
                return Truncated<RequestHead>($"request {id} ends after {i} of its {edgeCount} edge events");
            }

            if (Split(t, parts) != 5 || !t[parts[0]].SequenceEqual("E"u8) || !Long(t[parts[1]], out var from) || !Long(t[parts[2]], out var to)
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

    /// <summary>
    /// After the end line: the checksum of every byte above its line, which must match. A trace written before traces
    /// carried one ends at the end line and is read unchecked.
    /// </summary>
    private bool Checked()
    {
        HashConsumed();
        _hashedTo = _pos;
        var expected = _checksum.GetCurrentHashAsUInt64();
        if (!Next(out var line))
        {
            return true;
        }

        var prefix = Encoding.ASCII.GetBytes(TextTraceWriter.ChecksumPrefix);
        var hex = line.StartsWith(prefix) ? line[prefix.Length..] : default;
        if (hex.Length != 16 || !ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var sum))
        {
            return Fail($"after the end line only '{TextTraceWriter.ChecksumPrefix}<16 hex digits>' may follow");
        }

        if (sum != expected)
        {
            _diags.Add(Diag.TraceChecksumMismatch(_path, _line));
            return false;
        }

        return !Next(out _) || Fail("text after the checksum line");
    }

    /// <summary>Adds the lines read since the last call to the checksum, each CR or CRLF as the LF the writer wrote.</summary>
    private void HashConsumed()
    {
        var s = _buf.AsSpan(_hashedTo, _pos - _hashedTo);
        for (var cr = s.IndexOf((byte)'\r'); cr >= 0; cr = s.IndexOf((byte)'\r'))
        {
            _checksum.Append(s[..cr]);
            _checksum.Append("\n"u8);
            s = s[(cr + (cr + 1 < s.Length && s[cr + 1] == '\n' ? 2 : 1))..];
        }

        _checksum.Append(s);
    }

    private static ReadOnlySpan<byte> MagicBytes => "fluxo-trace/1 text"u8;

    /// <summary>
    /// Splits <paramref name="s"/> at spaces into at most <paramref name="parts"/>.Length ranges, the last holding the
    /// rest (as <see cref="MemoryExtensions.Split(ReadOnlySpan{char}, Span{Range}, char, StringSplitOptions)"/> does); the number of ranges.
    /// </summary>
    private static int Split(ReadOnlySpan<byte> s, Span<Range> parts)
    {
        var start = 0;
        for (var k = 0; ; k++)
        {
            var space = k < parts.Length - 1 ? s[start..].IndexOf((byte)' ') : -1;
            if (space < 0)
            {
                parts[k] = start..s.Length;
                return k + 1;
            }

            parts[k] = start..(start + space);
            start += space + 1;
        }
    }

    private static bool Long(ReadOnlySpan<byte> s, out long v) =>
        long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out v);

    // "12.345": whole milliseconds and exactly three decimals, read as microseconds like the binary form.
    private static bool Ms(ReadOnlySpan<byte> s, out double ms)
    {
        ms = 0;
        var dot = s.IndexOf((byte)'.');
        if (dot < 0 || s.Length - dot - 1 != 3 || !Long(s[..dot], out var whole) || !Long(s[(dot + 1)..], out var frac))
        {
            return false;
        }

        ms = TraceWriter.FromMicros((whole * 1000) + frac);
        return true;
    }

    private static bool Status(ReadOnlySpan<byte> s, out NodeStatus status)
    {
        status = s.SequenceEqual("ran"u8) ? NodeStatus.Ran : s.SequenceEqual("skipped"u8) ? NodeStatus.Skipped : s.SequenceEqual("served"u8) ? NodeStatus.Served : (NodeStatus)255;
        return (byte)status != 255;
    }

    /// <summary>The next line's bytes, valid until the next call; false at the end of the file.</summary>
    private bool Next(out ReadOnlySpan<byte> line)
    {
        _line++;
        while (true)
        {
            var rest = _buf.AsSpan(_pos, _len - _pos);
            var end = rest.IndexOfAny((byte)'\n', (byte)'\r');

            // A CR as the buffer's last byte may be the first half of a CRLF: read on before deciding.
            if (end >= 0 && (rest[end] == '\n' || end + 1 < rest.Length || _eof))
            {
                line = rest[..end];
                _pos += end + 1;
                if (rest[end] == '\r' && end + 1 < rest.Length && rest[end + 1] == '\n')
                {
                    _pos++;
                }

                return true;
            }

            if (_eof)
            {
                line = rest;
                _pos = _len;
                return rest.Length > 0;
            }

            Fill();
        }
    }

    /// <summary>Moves the unread bytes to the front (growing the buffer for a line longer than it) and reads more after them.</summary>
    private void Fill()
    {
        var rest = _len - _pos;
        HashConsumed();
        _hashedTo = 0;
        if (rest == _buf.Length)
        {
            Array.Resize(ref _buf, _buf.Length * 2);
        }
        else if (_pos > 0)
        {
            _buf.AsSpan(_pos, rest).CopyTo(_buf);
        }

        _pos = 0;
        _len = rest;
        var read = _stream.Read(_buf, _len, _buf.Length - _len);
        _len += read;
        _eof = read == 0;
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
