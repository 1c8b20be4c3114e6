using System.Buffers.Binary;

namespace Fluxo.Trace;

/// <summary>The compact form: LEB128 varints, times in microseconds, hashes as 8 raw bytes.</summary>
internal sealed class BinaryTraceWriter : TraceWriter
{
    public static ReadOnlySpan<byte> Magic => "FLXTRCB1"u8;
    public const byte RequestTag = (byte)'R';
    public const byte EndTag = (byte)'Z';

    private readonly byte[] _buf = new byte[1 << 16];
    private int _len;

    public BinaryTraceWriter(Stream output, TraceHeader header)
        : base(output, header)
    {
        Output.Write(Magic);
        var json = HeaderJson(header);
        Varint((ulong)json.Length);
        Flush();
        Output.Write(json);
    }

    protected override void WriteRequest(TraceRequest r)
    {
        Reserve(64);
        _buf[_len++] = RequestTag;
        Varint((ulong)r.Id);
        Varint((ulong)r.Client);
        Varint((ulong)r.Graph);
        Varint((ulong)ToMicros(r.ArrivalMs));
        Varint((ulong)ToMicros(r.LatencyMs));
        Varint((ulong)r.Nodes.Length);
        foreach (var n in r.Nodes)
        {
            Reserve(40);
            Varint((ulong)n.Node);
            Varint((ulong)ToMicros(n.StartMs));
            Varint((ulong)ToMicros(n.SelfMs));
            _buf[_len++] = (byte)n.Status;
        }

        Varint((ulong)r.Edges.Length);
        foreach (var e in r.Edges)
        {
            Reserve(40);
            Varint((ulong)e.From);
            Varint((ulong)e.To);
            BinaryPrimitives.WriteUInt64LittleEndian(_buf.AsSpan(_len), e.Hash);
            _len += 8;
            Varint((ulong)e.Bytes);
        }
    }

    protected override void WriteEnd(long count)
    {
        Reserve(16);
        _buf[_len++] = EndTag;
        Varint((ulong)count);
        Flush();
    }

    private void Reserve(int n)
    {
        if (_len + n > _buf.Length)
        {
            Flush();
        }
    }

    private void Flush()
    {
        Output.Write(_buf, 0, _len);
        _len = 0;
    }

    private void Varint(ulong v)
    {
        Reserve(10);
        while (v >= 0x80)
        {
            _buf[_len++] = (byte)(v | 0x80);
            v >>= 7;
        }

        _buf[_len++] = (byte)v;
    }
}
