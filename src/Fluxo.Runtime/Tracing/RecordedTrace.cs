using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Fluxo.Trace;

namespace Fluxo.Runtime.Tracing;

/// <summary>
/// One request's trace as the engine recorded it, in arrays reused from request to request: written to a trace
/// without a copy per event, after which its arrays serve another request.
/// </summary>
public sealed class RecordedTrace
{
    private TraceBuffers? _buffers;

    internal RecordedTrace(RequestHead head, TraceBuffers buffers)
    {
        Head = head;
        _buffers = buffers;
    }

    public RequestHead Head { get; }

    /// <summary>A copy of the record as a <see cref="TraceRequest"/>; only before it has been written.</summary>
    public TraceRequest ToRequest()
    {
        var b = Buffers();
        return new TraceRequest(Head.Id, Head.Client, Head.Graph, Head.ArrivalMs, Head.LatencyMs, [.. b.NodeSpan], [.. b.EdgeSpan]);
    }

    /// <summary>Writes the record to <paramref name="writer"/> and hands its arrays on: it can be written once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void WriteTo(TraceWriter writer)
    {
        // Checked here rather than in a helper: a method that throws is not inlined, and compiling it through the tiers
        // was a fixed cost of every traced run.
        var b = _buffers;
        if (b is null)
        {
            Written();
        }

        writer.Write(Head, b.NodeSpan, b.EdgeSpan);
        _buffers = null;
        TraceBuffers.Return(b);
    }

    private TraceBuffers Buffers()
    {
        if (_buffers is null)
        {
            Written();
        }

        return _buffers;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void Written() => throw new InvalidOperationException($"request {Head.Id}'s trace was written; its events are gone");
}

/// <summary>
/// The arrays one traced request fills, taken from a pool and given back once the request is written. Plain arrays of
/// the event structs rather than a generic pool over them: every generic instantiation over a struct is compiled
/// afresh in each process, which a short run pays for.
/// </summary>
internal sealed class TraceBuffers
{
    /// <summary>Buffers kept for reuse: more than the requests a real-clock run has in flight at once is garbage.</summary>
    private const int Kept = 1024;

    private static readonly ConcurrentQueue<TraceBuffers> Pool = new();
    private static int Pooled;

    // Under virtual time one request is in flight at a time: its buffers come back before the next takes them, so one
    // slot serves nearly every request without the queue.
    private static TraceBuffers? Spare;

    public NodeEvent[] Nodes { get; private set; } = new NodeEvent[16];

    public EdgeEvent[] Edges { get; private set; } = new EdgeEvent[16];

    public double[] Times { get; private set; } = new double[16];

    public int NodeCount { get; set; }

    public int EdgeCount { get; set; }

    public ReadOnlySpan<NodeEvent> NodeSpan => Nodes.AsSpan(0, NodeCount);

    public ReadOnlySpan<EdgeEvent> EdgeSpan => Edges.AsSpan(0, EdgeCount);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static TraceBuffers Rent(int nodes)
    {
        var b = Interlocked.Exchange(ref Spare, null);
        if (b is null && Pool.TryDequeue(out b))
        {
            Interlocked.Decrement(ref Pooled);
        }

        b ??= new TraceBuffers();
        b.NodeCount = 0;
        b.EdgeCount = 0;
        if (b.Nodes.Length < nodes)
        {
            b.Nodes = new NodeEvent[nodes];
        }

        return b;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Return(TraceBuffers b)
    {
        if (Interlocked.CompareExchange(ref Spare, b, null) is null)
        {
            return;
        }

        if (Interlocked.Increment(ref Pooled) <= Kept)
        {
            Pool.Enqueue(b);
        }
        else
        {
            Interlocked.Decrement(ref Pooled);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddEdge(double at, EdgeEvent e)
    {
        if (EdgeCount == Edges.Length)
        {
            var edges = new EdgeEvent[EdgeCount * 2];
            var times = new double[EdgeCount * 2];
            Edges.AsSpan(0, EdgeCount).CopyTo(edges);
            Times.AsSpan(0, EdgeCount).CopyTo(times);
            (Edges, Times) = (edges, times);
        }

        Edges[EdgeCount] = e;
        Times[EdgeCount++] = at;
    }
}
