using System.Text;
using System.Text.Json;

namespace Fluxo.Trace;

/// <summary>
/// Writes a trace as requests complete (format in docs/trace-format.md). Times are kept to the
/// microsecond in both forms, so a text and a binary trace of one run read back identically.
/// Not thread-safe: one writer per trace, fed in order.
/// </summary>
public abstract class TraceWriter : IDisposable
{
    private bool _disposed;

    protected TraceWriter(Stream output, TraceHeader header)
    {
        Output = output;
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

    public static TraceWriter Create(Stream output, TraceHeader header, bool binary) =>
        binary ? new BinaryTraceWriter(output, header) : new TextTraceWriter(output, header);

    public void Write(TraceRequest request) =>
        Write(new RequestHead(request.Id, request.Client, request.Graph, request.ArrivalMs, request.LatencyMs), request.Nodes.AsSpan(), request.Edges.AsSpan());

    /// <summary>One request from its parts, in trace order: what a reader hands its sink, and what the runtime records into reused arrays.</summary>
    public void Write(in RequestHead head, ReadOnlySpan<NodeEvent> nodes, ReadOnlySpan<EdgeEvent> edges)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        WriteRequest(head, nodes, edges);
        RequestCount++;
    }

    protected abstract void WriteRequest(in RequestHead head, ReadOnlySpan<NodeEvent> nodes, ReadOnlySpan<EdgeEvent> edges);

    protected abstract void WriteEnd(long count);

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
    public static long ToMicros(double ms) => ms <= 0 ? 0 : (long)((ms * 1000.0) + 0.5);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        WriteEnd(RequestCount);
        Output.Flush();
        Output.Dispose();
        GC.SuppressFinalize(this);
    }
}
