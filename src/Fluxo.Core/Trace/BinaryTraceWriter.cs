using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Fluxo.Trace;

/// <summary>The compact form: LEB128 varints, times in microseconds, hashes as 8 raw bytes.</summary>
internal sealed class BinaryTraceWriter : TraceWriter
{
    public static ReadOnlySpan<byte> Magic => "FLXTRCB1"u8;
    public const byte RequestTag = (byte)'R';
    public const byte EndTag = (byte)'Z';

    private readonly byte[] _buf;
    private int _len;

    public BinaryTraceWriter(Stream output, TraceHeader header, int bufferBytes = DefaultBufferBytes)
        : base(output, header)
    {
        _buf = new byte[Math.Max(bufferBytes, 1 << 10)];
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

    // The position is a local threaded through the varints (not a field updated by reference), so it stays in a register;
    // WriteRequest reserved room for the largest encoding, so the writes need no bounds checks.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Encode(in RequestHead r, ReadOnlySpan<NodeEvent> nodes, ReadOnlySpan<EdgeEvent> edges, byte[] buf, ref int len)
    {
        ref var b = ref MemoryMarshal.GetArrayDataReference(buf);
        var p = len;
        Unsafe.Add(ref b, p++) = RequestTag;
        p = Varint(ref b, p, (ulong)r.Id);
        p = Varint(ref b, p, (ulong)r.Client);
        p = Varint(ref b, p, (ulong)r.Graph);
        p = Varint(ref b, p, (ulong)ToMicros(r.ArrivalMs));
        p = Varint(ref b, p, (ulong)ToMicros(r.LatencyMs));
        p = Varint(ref b, p, (ulong)nodes.Length);
        foreach (var n in nodes)
        {
            p = Varint(ref b, p, (ulong)n.Node);
            p = Varint(ref b, p, (ulong)ToMicros(n.StartMs));
            p = Varint(ref b, p, (ulong)ToMicros(n.SelfMs));
            Unsafe.Add(ref b, p++) = (byte)n.Status;
        }

        p = Varint(ref b, p, (ulong)edges.Length);
        foreach (var e in edges)
        {
            p = Varint(ref b, p, (ulong)e.From);
            p = Varint(ref b, p, (ulong)e.To);
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref b, p), BitConverter.IsLittleEndian ? e.Hash : BinaryPrimitives.ReverseEndianness(e.Hash));
            p = Varint(ref b, p + 8, (ulong)e.Bytes);
        }

        len = p;
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
        _len = Varint(ref MemoryMarshal.GetArrayDataReference(_buf), _len, v);
    }

    /// <summary>Writes <paramref name="v"/> at <paramref name="p"/>, which has room for ten bytes; returns the position after it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Varint(ref byte b, int p, ulong v)
    {
        // Most of a trace's numbers (node ids, counts, small sizes) take one byte: that case is inlined, the rest is a call.
        if (v < 0x80)
        {
            Unsafe.Add(ref b, p) = (byte)v;
            return p + 1;
        }

        return LongVarint(ref b, p, v);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int LongVarint(ref byte b, int p, ulong v)
    {
        do
        {
            Unsafe.Add(ref b, p++) = (byte)(v | 0x80);
            v >>= 7;
        }
        while (v >= 0x80);

        Unsafe.Add(ref b, p++) = (byte)v;
        return p;
    }
}
