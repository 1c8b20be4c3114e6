using System.Buffers.Binary;
using System.Runtime.CompilerServices;

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
        FlushBuffer();
        Output.Write(json);
    }

    // The per-request tracing path is compiled optimized at once, with its small helpers inlined: under tiering each
    // of its methods was compiled two or three times (and ran unoptimized until then), a fixed cost a short run pays.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void WriteRequest(in RequestHead r, ReadOnlySpan<NodeEvent> nodes, ReadOnlySpan<EdgeEvent> edges)
    {
        // Room for the largest encoding of this request, reserved once: the varints below then skip bounds checks.
        var need = 1 + (7 * 10) + (nodes.Length * 31) + (edges.Length * 38);
        if (need > _buf.Length - _len)
        {
            FlushBuffer();
            if (need > _buf.Length)
            {
                var big = new byte[need];
                var n = 0;
                Encode(r, nodes, edges, big, ref n);
                Output.Write(big, 0, n);
                return;
            }
        }

        Encode(r, nodes, edges, _buf, ref _len);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Encode(in RequestHead r, ReadOnlySpan<NodeEvent> nodes, ReadOnlySpan<EdgeEvent> edges, byte[] buf, ref int len)
    {
        buf[len++] = RequestTag;
        Varint(buf, ref len, (ulong)r.Id);
        Varint(buf, ref len, (ulong)r.Client);
        Varint(buf, ref len, (ulong)r.Graph);
        Varint(buf, ref len, (ulong)ToMicros(r.ArrivalMs));
        Varint(buf, ref len, (ulong)ToMicros(r.LatencyMs));
        Varint(buf, ref len, (ulong)nodes.Length);
        foreach (var n in nodes)
        {
            Varint(buf, ref len, (ulong)n.Node);
            Varint(buf, ref len, (ulong)ToMicros(n.StartMs));
            Varint(buf, ref len, (ulong)ToMicros(n.SelfMs));
            buf[len++] = (byte)n.Status;
        }

        Varint(buf, ref len, (ulong)edges.Length);
        foreach (var e in edges)
        {
            Varint(buf, ref len, (ulong)e.From);
            Varint(buf, ref len, (ulong)e.To);
            BinaryPrimitives.WriteUInt64LittleEndian(buf.AsSpan(len), e.Hash);
            len += 8;
            Varint(buf, ref len, (ulong)e.Bytes);
        }
    }

    protected override void WriteEnd(long count)
    {
        Reserve(16);
        _buf[_len++] = EndTag;
        Varint((ulong)count);
        FlushBuffer();
    }

    protected override void WriteChecksum(ulong checksum)
    {
        Reserve(8);
        BinaryPrimitives.WriteUInt64LittleEndian(_buf.AsSpan(_len), checksum);
        _len += 8;
        FlushBuffer();
    }

    private void Reserve(int n)
    {
        if (_len + n > _buf.Length)
        {
            FlushBuffer();
        }
    }

    protected override void FlushBuffer()
    {
        Output.Write(_buf, 0, _len);
        _len = 0;
    }

    private void Varint(ulong v)
    {
        Reserve(10);
        Varint(_buf, ref _len, v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Varint(byte[] buf, ref int len, ulong v)
    {
        while (v >= 0x80)
        {
            buf[len++] = (byte)(v | 0x80);
            v >>= 7;
        }

        buf[len++] = (byte)v;
    }
}
