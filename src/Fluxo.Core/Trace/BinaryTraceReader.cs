using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text.Json;
using Fluxo.Diagnostics;

namespace Fluxo.Trace;

/// <summary>Reads the binary form; every refusal names the byte offset where the trace went wrong.</summary>
internal sealed class BinaryTraceReader
{
    private readonly string _path;
    private readonly DiagnosticBag _diags;
    private readonly byte[] _data;
    private int _pos;
    private bool _allowCut;
    private int _lastWhole;

    private BinaryTraceReader(string path, DiagnosticBag diags, byte[] data)
    {
        _path = path;
        _diags = diags;
        _data = data;
    }

    public static TraceData? Read(string path, DiagnosticBag diags) =>
        new BinaryTraceReader(path, diags, File.ReadAllBytes(path)).ReadAll();

    /// <summary>
    /// Reads a trace that may have been cut off (an instance killed while writing): the requests up to the last
    /// whole one, and how many bytes after it were lost. Damage other than a cut is still refused.
    /// </summary>
    public static TraceData? ReadCut(string name, byte[] data, DiagnosticBag diags, out long lostBytes)
    {
        var reader = new BinaryTraceReader(name, diags, data) { _allowCut = true };
        var trace = reader.ReadAll();
        lostBytes = trace is null ? 0 : data.Length - reader._lastWhole;
        return trace;
    }

    private sealed class CorruptException(long offset, string reason) : Exception(reason)
    {
        public long Offset { get; } = offset;
    }

    private TraceData? ReadAll()
    {
        try
        {
            _pos = BinaryTraceWriter.Magic.Length;
            var headerLength = (int)Varint(int.MaxValue);
            var headerAt = _pos;
            Need(headerLength);
            TraceHeader? header;
            try
            {
                header = JsonSerializer.Deserialize<TraceHeader>(_data.AsSpan(_pos, headerLength), TraceJson.Options);
            }
            catch (JsonException e)
            {
                throw new CorruptException(headerAt, "the header is not valid JSON: " + e.Message);
            }

            if (header is null || header.Problem() is not null)
            {
                throw new CorruptException(headerAt, header?.Problem() ?? $"the header must name format '{TraceHeader.CurrentFormat}' and its graphs");
            }

            _pos += headerLength;
            var requests = new List<TraceRequest>();
            while (true)
            {
                _lastWhole = _pos;
                if (_allowCut && _pos == _data.Length)
                {
                    return new TraceData(header, requests);
                }

                Need(1);
                var tagAt = _pos;
                var tag = _data[_pos++];
                if (tag == BinaryTraceWriter.EndTag)
                {
                    var count = Varint(long.MaxValue);
                    if (count != requests.Count)
                    {
                        throw new CorruptException(tagAt, $"the end record counts {count} requests but the trace holds {requests.Count}");
                    }

                    if (_pos != _data.Length)
                    {
                        throw new CorruptException(_pos, "bytes after the end record");
                    }

                    _lastWhole = _pos;

                    return new TraceData(header, requests);
                }

                if (tag != BinaryTraceWriter.RequestTag)
                {
                    throw new CorruptException(tagAt, $"expected a request or end record, found byte 0x{tag:x2}");
                }

                try
                {
                    requests.Add(ReadRequest(header));
                }
                catch (CorruptException e) when (_allowCut && e.Offset == _data.Length)
                {
                    return new TraceData(header, requests);
                }
            }
        }
        catch (CorruptException e)
        {
            _diags.Add(Diag.TraceBinaryMalformed(_path, e.Offset, e.Message));
            return null;
        }
    }

    private TraceRequest ReadRequest(TraceHeader header)
    {
        var id = Varint(long.MaxValue);
        var client = Varint(long.MaxValue);
        var graphAt = _pos;
        var graph = Varint(int.MaxValue);
        if (graph >= header.Graphs.Length)
        {
            throw new CorruptException(graphAt, $"graph index {graph} is not in the header");
        }

        var limit = header.Graphs[(int)graph].NodeCount;
        var arrival = Varint(long.MaxValue) / 1000.0;
        var latency = Varint(long.MaxValue) / 1000.0;
        var nodes = new NodeEvent[Varint(1 << 20)];
        for (var i = 0; i < nodes.Length; i++)
        {
            var node = (int)Varint(limit - 1);
            var start = Varint(long.MaxValue) / 1000.0;
            var self = Varint(long.MaxValue) / 1000.0;
            Need(1);
            var status = _data[_pos];
            if (status > (byte)NodeStatus.Served)
            {
                throw new CorruptException(_pos, $"node status {status} is unknown");
            }

            _pos++;
            nodes[i] = new NodeEvent(node, start, self, (NodeStatus)status);
        }

        var edges = new EdgeEvent[Varint(1 << 20)];
        for (var i = 0; i < edges.Length; i++)
        {
            var from = (int)Varint(limit - 1);
            var to = (int)Varint(limit - 1);
            Need(8);
            var hash = BinaryPrimitives.ReadUInt64LittleEndian(_data.AsSpan(_pos));
            _pos += 8;
            edges[i] = new EdgeEvent(from, to, hash, (int)Varint(int.MaxValue));
        }

        return new TraceRequest(id, client, (int)graph, arrival, latency,
            ImmutableCollectionsMarshal.AsImmutableArray(nodes), ImmutableCollectionsMarshal.AsImmutableArray(edges));
    }

    private void Need(int n)
    {
        if (_pos + n > _data.Length)
        {
            throw new CorruptException(_data.Length, "the trace ends in the middle of a record (truncated)");
        }
    }

    private long Varint(long max)
    {
        var at = _pos;
        ulong v = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            Need(1);
            var b = _data[_pos++];
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
