using System.Buffers.Binary;
using System.Text.Json;
using Fluxo.Diagnostics;

namespace Fluxo.Trace;

/// <summary>
/// Reads the binary form straight from the file's bytes through a fixed buffer, handing each request to a
/// sink in reused event arrays: no object per request, and a trace larger than memory streams through.
/// Every refusal names the byte offset where the trace went wrong.
/// </summary>
internal sealed class BinaryTraceReader
{
    private const int BufferSize = 1 << 20;

    /// <summary>Requests read before the trace's length in requests is estimated from its length in bytes.</summary>
    private const int EstimateAfter = 4096;

    private readonly string _path;
    private readonly DiagnosticBag _diags;
    private readonly Stream _stream;
    private readonly byte[] _buf = new byte[BufferSize];
    private NodeEvent[] _nodes = new NodeEvent[64];
    private EdgeEvent[] _edges = new EdgeEvent[64];
    private long _base;
    private int _pos;
    private int _len;
    private bool _allowCut;

    // A deployed front end records a worker handler's request as an envelope with no node events; the worker's
    // part holds them, and DeployedTraces joins the two, so only the joined trace must have Source and Sink.
    private bool _allowEnvelopes;
    private long _lastWhole;
    private bool _ended;
    private readonly TraceOrder _order = new();

    // Every byte up to the checksum goes through it as the buffer lets it go; _hashedTo is how far the buffer is in.
    private readonly System.IO.Hashing.XxHash3 _checksum = TraceWriter.NewChecksum();
    private int _hashedTo;

    private BinaryTraceReader(string path, DiagnosticBag diags, Stream stream)
    {
        _path = path;
        _diags = diags;
        _stream = stream;
    }

    /// <summary>
    /// The count of a whole trace's end record, read from the file's last bytes (the end tag, the count, then the 8-byte
    /// checksum), so a sink can size its arrays exactly; null when the tail does not look like one. The stream's position is kept.
    /// </summary>
    private long? CountAtEnd()
    {
        const int most = 1 + 10 + 8;
        var length = _stream.Length;
        if (length < 1 + 1 + 8)
        {
            return null;
        }

        var at = _stream.Position;
        Span<byte> tail = stackalloc byte[most];
        var n = (int)Math.Min(most, length);
        tail = tail[..n];
        _stream.Position = length - n;
        _stream.ReadExactly(tail);
        _stream.Position = at;

        // The count's last byte has no continuation bit; the bytes before it back to the tag all have it.
        var last = n - 9;
        if ((tail[last] & 0x80) != 0)
        {
            return null;
        }

        var first = last;
        while (first > 0 && (tail[first - 1] & 0x80) != 0)
        {
            first--;
        }

        if (first == 0 || tail[first - 1] != BinaryTraceWriter.EndTag || last - first >= 9)
        {
            return null;
        }

        long count = 0;
        for (var i = last; i >= first; i--)
        {
            count = (count << 7) | (long)(tail[i] & 0x7F);
        }

        return count;
    }

    /// <summary>Streams the trace at <paramref name="path"/> into <paramref name="sink"/>; false after a diagnostic.</summary>
    public static bool Scan(string path, DiagnosticBag diags, ITraceSink sink)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        return new BinaryTraceReader(path, diags, stream).ReadAll(sink);
    }

    /// <summary>Streams a binary trace from <paramref name="stream"/>, named <paramref name="name"/> in diagnostics.</summary>
    public static bool Scan(string name, Stream stream, DiagnosticBag diags, ITraceSink sink) => new BinaryTraceReader(name, diags, stream).ReadAll(sink);

    /// <summary>
    /// Reads a trace that may have been cut off (an instance killed while writing) into <paramref name="sink"/>: the
    /// requests up to the last whole one, and how many bytes after it were lost. Damage other than a cut is still refused.
    /// </summary>
    public static bool ScanCut(string name, byte[] data, DiagnosticBag diags, ITraceSink sink, out long lostBytes, out bool ended)
    {
        var reader = new BinaryTraceReader(name, diags, new MemoryStream(data, writable: false)) { _allowCut = true, _allowEnvelopes = true };
        var ok = reader.ReadAll(sink);
        lostBytes = ok ? data.Length - reader._lastWhole : 0;
        ended = ok && reader._ended;
        return ok;
    }

    private sealed class CorruptException(long offset, string reason) : Exception(reason)
    {
        public long Offset { get; } = offset;
    }

    private long Offset => _base + _pos;

    private bool ReadAll(ITraceSink sink)
    {
        try
        {
            Need(BinaryTraceWriter.Magic.Length);
            _pos += BinaryTraceWriter.Magic.Length;
            var headerLength = (int)Varint(int.MaxValue);
            var headerAt = Offset;
            var json = new byte[headerLength];
            for (var copied = 0; copied < headerLength;)
            {
                Need(1);
                var n = Math.Min(headerLength - copied, _len - _pos);
                _buf.AsSpan(_pos, n).CopyTo(json.AsSpan(copied));
                _pos += n;
                copied += n;
            }

            TraceHeader? header;
            try
            {
                header = JsonSerializer.Deserialize<TraceHeader>(json, TraceJson.Options);
            }
            catch (JsonException e)
            {
                throw new CorruptException(headerAt, "the header is not valid JSON: " + e.Message);
            }

            if (header is null || header.Problem() is not null)
            {
                throw new CorruptException(headerAt, header?.Problem() ?? $"the header must name format '{TraceHeader.CurrentFormat}' and its graphs");
            }

            if (!sink.Begin(header))
            {
                return false;
            }

            long requests = 0;
            while (true)
            {
                _lastWhole = Offset;
                if (_allowCut && _pos == _len && Fill() == 0)
                {
                    return true;
                }

                Need(1);
                var tagAt = Offset;
                var tag = _buf[_pos++];
                if (tag == BinaryTraceWriter.EndTag)
                {
                    var count = Varint(long.MaxValue);
                    if (count != requests)
                    {
                        throw new CorruptException(tagAt, $"the end record counts {count} requests but the trace holds {requests}");
                    }

                    _lastWhole = Offset;
                    _ended = true;
                    return Checked();
                }

                if (tag != BinaryTraceWriter.RequestTag)
                {
                    throw new CorruptException(tagAt, $"expected a request or end record, found byte 0x{tag:x2}");
                }

                RequestHead head;
                int nodeCount, edgeCount;
                try
                {
                    head = ReadRequest(header, out nodeCount, out edgeCount);
                }
                catch (CorruptException e) when (_allowCut && e.Offset == _base + _len && Fill() == 0)
                {
                    return true;
                }

                requests++;
                if (requests == EstimateAfter && _stream.CanSeek)
                {
                    var estimate = (long)Math.Ceiling(requests * (double)_stream.Length / Math.Max(1, Offset - headerAt));
                    var counted = CountAtEnd();
                    // The end record is only a hint here (it is checked when reached): one far from the estimate is not believed.
                    var exact = counted is { } c && c >= requests && c <= 2 * estimate && c >= estimate / 2;
                    sink.Expect(exact ? counted!.Value : estimate, exact);
                }

                if (!sink.Request(head, _nodes.AsSpan(0, nodeCount), _edges.AsSpan(0, edgeCount)))
                {
                    return false;
                }
            }
        }
        catch (CorruptException e)
        {
            _diags.Add(Diag.TraceBinaryMalformed(_path, e.Offset, e.Message));
            return false;
        }
    }

    /// <summary>
    /// After the end record: the 8-byte checksum of every byte before it, which must match. A trace written before
    /// traces carried one ends at the end record and is read unchecked.
    /// </summary>
    private bool Checked()
    {
        _checksum.Append(_buf.AsSpan(_hashedTo, _pos - _hashedTo));
        _hashedTo = _pos;
        var expected = _checksum.GetCurrentHashAsUInt64();
        var at = Offset;
        while (_len - _pos < 9 && Fill() > 0)
        {
        }

        if (_len == _pos)
        {
            return true;
        }

        if (_len - _pos != 8)
        {
            throw new CorruptException(at, _len - _pos < 8 ? "the checksum after the end record is cut short" : "bytes after the end record's checksum");
        }

        if (BinaryPrimitives.ReadUInt64LittleEndian(_buf.AsSpan(_pos)) != expected)
        {
            _diags.Add(Diag.TraceChecksumMismatch(_path, 1, at));
            return false;
        }

        _pos += 8;
        _lastWhole = Offset;
        return true;
    }

    // The most bytes a number takes.
    private const int MaxNumber = 10;

    // Each section of a request (its head, its nodes, its edges) is parsed from a local position when the buffer surely
    // holds it, every number at its longest; near the buffer's end the same fields are read with a refill check before
    // each. Both read the same bytes in the same order and report the same problems at the same offsets.
    private RequestHead ReadRequest(TraceHeader header, out int nodeCount, out int edgeCount)
    {
        var idAt = Offset;
        long id, client, graph;
        double arrival, latency;
        if (_len - _pos >= 6 * MaxNumber)
        {
            var s = _buf.AsSpan(0, _len);
            var p = _pos;
            id = Number(s, ref p, long.MaxValue);
            client = Number(s, ref p, long.MaxValue);
            var graphAt = p;
            graph = Number(s, ref p, int.MaxValue);
            if (graph >= header.Graphs.Length)
            {
                throw new CorruptException(_base + graphAt, $"graph index {graph} is not in the header");
            }

            arrival = TraceWriter.FromMicros(Number(s, ref p, long.MaxValue));
            latency = TraceWriter.FromMicros(Number(s, ref p, long.MaxValue));
            _pos = p;
        }
        else
        {
            id = Varint(long.MaxValue);
            client = Varint(long.MaxValue);
            var graphAt = Offset;
            graph = Varint(int.MaxValue);
            if (graph >= header.Graphs.Length)
            {
                throw new CorruptException(graphAt, $"graph index {graph} is not in the header");
            }

            arrival = TraceWriter.FromMicros(Varint(long.MaxValue));
            latency = TraceWriter.FromMicros(Varint(long.MaxValue));
        }

        var limit = header.Graphs[(int)graph].NodeCount;
        if (!_allowEnvelopes && _order.Next(new RequestHead(id, client, (int)graph, arrival, latency)) is { } disorder)
        {
            throw new CorruptException(idAt, disorder);
        }

        var countAt = Offset;
        nodeCount = (int)Varint(1 << 20);
        if (!(_allowEnvelopes && nodeCount == 0) && TraceHeader.EventsProblem(id, nodeCount) is { } empty)
        {
            throw new CorruptException(countAt, empty);
        }

        if (nodeCount > _nodes.Length)
        {
            _nodes = new NodeEvent[Math.Max(nodeCount, _nodes.Length * 2)];
        }

        if (_len - _pos >= ((long)nodeCount * ((3 * MaxNumber) + 1)) + MaxNumber)
        {
            ReadNodes(_nodes.AsSpan(0, nodeCount), limit);
        }
        else
        {
            for (var i = 0; i < nodeCount; i++)
            {
                var node = (int)Varint(limit - 1);
                var start = TraceWriter.FromMicros(Varint(long.MaxValue));
                var self = TraceWriter.FromMicros(Varint(long.MaxValue));
                Need(1);
                var status = _buf[_pos];
                if (status > (byte)NodeStatus.Served)
                {
                    throw new CorruptException(Offset, $"node status {status} is unknown");
                }

                _pos++;
                _nodes[i] = new NodeEvent(node, start, self, (NodeStatus)status);
            }
        }

        edgeCount = (int)Varint(1 << 20);
        if (edgeCount > _edges.Length)
        {
            _edges = new EdgeEvent[Math.Max(edgeCount, _edges.Length * 2)];
        }

        if (_len - _pos >= (long)edgeCount * ((3 * MaxNumber) + 8))
        {
            ReadEdges(_edges.AsSpan(0, edgeCount), limit);
        }
        else
        {
            for (var i = 0; i < edgeCount; i++)
            {
                var from = (int)Varint(limit - 1);
                var to = (int)Varint(limit - 1);
                Need(8);
                var hash = BinaryPrimitives.ReadUInt64LittleEndian(_buf.AsSpan(_pos));
                _pos += 8;
                _edges[i] = new EdgeEvent(from, to, hash, (int)Varint(int.MaxValue));
            }
        }

        return new RequestHead(id, client, (int)graph, arrival, latency);
    }

    // A request's node events, known to be in the buffer.
    private void ReadNodes(Span<NodeEvent> nodes, int limit)
    {
        var s = _buf.AsSpan(0, _len);
        var p = _pos;
        for (var i = 0; i < nodes.Length; i++)
        {
            var node = (int)Number(s, ref p, limit - 1);
            var start = TraceWriter.FromMicros(Number(s, ref p, long.MaxValue));
            var self = TraceWriter.FromMicros(Number(s, ref p, long.MaxValue));
            var status = s[p];
            if (status > (byte)NodeStatus.Served)
            {
                throw new CorruptException(_base + p, $"node status {status} is unknown");
            }

            p++;
            nodes[i] = new NodeEvent(node, start, self, (NodeStatus)status);
        }

        _pos = p;
    }

    // A request's edge events, known to be in the buffer.
    private void ReadEdges(Span<EdgeEvent> edges, int limit)
    {
        var s = _buf.AsSpan(0, _len);
        var p = _pos;
        for (var i = 0; i < edges.Length; i++)
        {
            var from = (int)Number(s, ref p, limit - 1);
            var to = (int)Number(s, ref p, limit - 1);
            var hash = BinaryPrimitives.ReadUInt64LittleEndian(s[p..]);
            p += 8;
            edges[i] = new EdgeEvent(from, to, hash, (int)Number(s, ref p, int.MaxValue));
        }

        _pos = p;
    }

    /// <summary><see cref="Varint"/> at a local position <paramref name="p"/>, with at least ten bytes of <paramref name="s"/> after it.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private long Number(ReadOnlySpan<byte> s, ref int p, long max)
    {
        uint b = s[p];
        if (b < 0x80)
        {
            if (b <= max)
            {
                p++;
                return b;
            }
        }
        else if (s[p + 1] is var next and < 0x80 && ((b & 0x7f) | ((uint)next << 7)) is var two && two <= max)
        {
            // Two bytes: most latencies in microseconds below 16 ms, most sizes.
            p += 2;
            return two;
        }

        // The length comes back apart from the position, so that the position is never address-taken and stays in a register.
        var value = LongNumber(s, p, max, out var length);
        p += length;
        return value;
    }

    private long LongNumber(ReadOnlySpan<byte> s, int p, long max, out int length)
    {
        ulong value = 0;
        for (var i = 0; i < MaxNumber; i++)
        {
            var b = s[p + i];
            value |= (ulong)(b & 0x7f) << (7 * i);
            if (b < 0x80)
            {
                if (value > (ulong)max)
                {
                    throw new CorruptException(_base + p, $"value {value} is out of range (at most {max})");
                }

                length = i + 1;
                return (long)value;
            }
        }

        throw new CorruptException(_base + p, "a number is longer than ten bytes");
    }

    /// <summary>Makes <paramref name="n"/> bytes (at most a few) available at the read position, or reports a truncated trace.</summary>
    private void Need(int n)
    {
        if (_pos + n <= _len)
        {
            return;
        }

        while (_len - _pos < n)
        {
            if (Fill() == 0)
            {
                throw new CorruptException(_base + _len, "the trace ends in the middle of a record (truncated)");
            }
        }
    }

    /// <summary>Moves the unread bytes to the front and reads more after them; the number of bytes read.</summary>
    private int Fill()
    {
        var rest = _len - _pos;
        if (_pos > 0)
        {
            _checksum.Append(_buf.AsSpan(_hashedTo, _pos - _hashedTo));
            _hashedTo = 0;
            _buf.AsSpan(_pos, rest).CopyTo(_buf);
            _base += _pos;
            _pos = 0;
            _len = rest;
        }

        var read = _stream.Read(_buf, _len, _buf.Length - _len);
        _len += read;
        return read;
    }

    // Most numbers are one byte (node and edge indexes, small sizes): that case is inlined at every call site.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private long Varint(long max)
    {
        var pos = _pos;
        if (pos < _len)
        {
            var b = _buf[pos];
            if (b < 0x80 && b <= max)
            {
                _pos = pos + 1;
                return b;
            }
        }

        return LongVarint(max);
    }

    private long LongVarint(long max)
    {
        if (_len - _pos >= MaxNumber)
        {
            // The whole number is in the buffer: no refill to check for between its bytes.
            var value = LongNumber(_buf.AsSpan(0, _len), _pos, max, out var length);
            _pos += length;
            return value;
        }

        var at = Offset;
        ulong v = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_pos >= _len)
            {
                Need(1);
            }

            var b = _buf[_pos++];
            v |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                if (v > (ulong)max)
                {
                    throw new CorruptException(at, $"value {v} is out of range (at most {max})");
                }

                return (long)v;
            }
        }

        throw new CorruptException(at, "a number is longer than ten bytes");
    }
}
