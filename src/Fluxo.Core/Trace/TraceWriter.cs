using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text;

namespace Fluxo.Trace;

/// <summary>
/// Writes a trace as requests complete (format in docs/trace-format.md). Times are kept to the
/// microsecond in both forms, so a text and a binary trace of one run read back identically.
/// Not thread-safe: one writer per trace, fed in order.
/// </summary>
public abstract class TraceWriter : IDisposable
{
    private readonly ChecksumStream _checksum;
    private bool _disposed;

    protected TraceWriter(Stream output, TraceHeader header)
    {
        _checksum = new ChecksumStream(output);
        Output = _checksum;
        Header = header;
    }

    protected Stream Output { get; }

    public TraceHeader Header { get; }

    public long RequestCount { get; private set; }

    /// <summary>A binary trace (the default, whatever the file's name) or, when <paramref name="binary"/> is false, the text form.</summary>
    public static TraceWriter Create(string path, TraceHeader header, bool binary = true)
    {
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        return Create(stream, header, binary);
    }

    public static TraceWriter Create(Stream output, TraceHeader header, bool binary) => Create(output, header, binary, DefaultBufferBytes);

    /// <summary>
    /// As <see cref="Create(Stream, TraceHeader, bool)"/>, handing <paramref name="output"/> the binary form in writes of
    /// up to <paramref name="bufferBytes"/> (the text form keeps its own size).
    /// </summary>
    public static TraceWriter Create(Stream output, TraceHeader header, bool binary, int bufferBytes) =>
        binary ? new BinaryTraceWriter(output, header, bufferBytes) : new TextTraceWriter(output, header);

    /// <summary>How much a binary writer encodes before it hands the bytes to its stream.</summary>
    public const int DefaultBufferBytes = 1 << 16;

    public void Write(TraceRequest request) =>
        Write(new RequestHead(request.Id, request.Client, request.Graph, request.ArrivalMs, request.LatencyMs), request.Nodes.AsSpan(), request.Edges.AsSpan());

    /// <summary>One request from its parts, in trace order: what a reader hands its sink, and what the runtime records into reused arrays.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Write(in RequestHead head, ReadOnlySpan<NodeEvent> nodes, ReadOnlySpan<EdgeEvent> edges)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        WriteRequest(head, nodes, edges);
        RequestCount++;
    }

    protected abstract void WriteRequest(in RequestHead head, ReadOnlySpan<NodeEvent> nodes, ReadOnlySpan<EdgeEvent> edges);

    protected abstract void WriteEnd(long count);

    /// <summary>Writes the checksum that closes the trace, after the end record, and flushes it.</summary>
    protected abstract void WriteChecksum(ulong checksum);

    /// <summary>
    /// The checksum that closes a trace: XXH3 (64 bits) of every byte before it, so an edit anywhere (an edge's hash,
    /// a time, a node id) is refused when the trace is read instead of replayed as if it had been recorded.
    /// </summary>
    public static ulong Checksum(ReadOnlySpan<byte> bytes) => XxHash3.HashToUInt64(bytes);

    /// <summary>The same checksum computed a block at a time, as readers stream.</summary>
    internal static XxHash3 NewChecksum() => new();

    /// <summary>
    /// Hands every request written so far to the stream, so a sink that appends blocks (a blob) holds whole
    /// requests only; a reader of a trace cut off after a flush loses nothing written before it.
    /// </summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        FlushBuffer();
        Output.Flush();
    }

    protected abstract void FlushBuffer();

    protected static byte[] HeaderJson(TraceHeader header) =>
        Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header, TraceJson.Options));

    /// <summary>Microseconds, the resolution traces keep.</summary>
    // Inlined into the binary writer's loop over a request's events, where the JIT otherwise called it for every time.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long ToMicros(double ms) => ms <= 0 ? 0 : (long)((ms * 1000.0) + 0.5);

    /// <summary>
    /// Milliseconds of <paramref name="micros"/>: exactly <c>micros / 1000.0</c>, without the division, which costs more
    /// than the rest of a number's parse (a trace reader makes four per node). With <c>y</c> the double nearest 1/1000
    /// and <c>q = x·y</c> within an ulp of the quotient, <c>q + (x − q·1000)·y</c> in fused operations rounds to the
    /// correctly rounded quotient (Markstein's theorem); checked for every value below 2^32 and for random ones up to
    /// 2^53 (<c>TraceTimeTests</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double FromMicros(long micros)
    {
        const double inverse = 1.0 / 1000.0;
        double x = micros;
        var q = x * inverse;
        return Math.FusedMultiplyAdd(Math.FusedMultiplyAdd(-q, 1000.0, x), inverse, q);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        WriteEnd(RequestCount);
        FlushBuffer();
        WriteChecksum(_checksum.Hash.GetCurrentHashAsUInt64());
        Output.Flush();
        Output.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Passes every byte written on to the file and into the checksum.</summary>
    private sealed class ChecksumStream(Stream inner) : Stream
    {
        public XxHash3 Hash { get; } = new();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Hash.Append(buffer);
            inner.Write(buffer);
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
