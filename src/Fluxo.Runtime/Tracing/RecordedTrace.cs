using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Fluxo.Trace;

namespace Fluxo.Runtime.Tracing;

/// <summary>
/// One request's trace as the engine recorded it, in arrays reused from request to request: written to a trace
/// without a copy per event. The record itself is reused too (it is the <see cref="RequestTrace"/> that recorded it):
/// once written it serves a later request, so a traced request allocates nothing for its trace.
/// </summary>
public abstract class RecordedTrace
{
    private protected RecordedTrace()
    {
    }

    private protected NodeEvent[] Nodes { get; set; } = new NodeEvent[16];

    private protected EdgeEvent[] Edges { get; set; } = new EdgeEvent[16];

    /// <summary>When each edge's value was ready, the order of <see cref="Edges"/> in the trace.</summary>
    private protected double[] Times { get; set; } = new double[16];

    private protected int NodeCount { get; set; }

    private protected int EdgeCount { get; set; }

    private protected bool IsWritten { get; set; }

    public RequestHead Head { get; private protected set; }

    /// <summary>Which of the requests this record served is the one it holds: a holder from an earlier one is refused.</summary>
    internal long Generation { get; private protected set; }

    /// <summary>A copy of the record as a <see cref="TraceRequest"/>; only before it has been written.</summary>
    public TraceRequest ToRequest() => ToRequest(Generation);

    /// <summary>
    /// <see cref="ToRequest()"/> for a holder that took the record as <paramref name="generation"/>: once written, the
    /// record may serve a later request, and the earlier holder must not read that request as its own.
    /// </summary>
    internal TraceRequest ToRequest(long generation)
    {
        if (IsWritten || generation != Generation)
        {
            Written();
        }

        return new TraceRequest(Head.Id, Head.Client, Head.Graph, Head.ArrivalMs, Head.LatencyMs,
            [.. Nodes.AsSpan(0, NodeCount)], [.. Edges.AsSpan(0, EdgeCount)]);
    }

    /// <summary>Writes the record to <paramref name="writer"/> and hands it on to a later request: it can be written once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void WriteTo(TraceWriter writer)
    {
        // Checked here rather than in a helper: a method that throws is not inlined, and compiling it through the tiers
        // was a fixed cost of every traced run.
        if (IsWritten)
        {
            Written();
        }

        writer.Write(Head, Nodes.AsSpan(0, NodeCount), Edges.AsSpan(0, EdgeCount));
        IsWritten = true;
        Release();
    }

    private protected abstract void Release();

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void Written() => throw new InvalidOperationException($"request {Head.Id}'s trace was written; its events are gone");
}

/// <summary>
/// The records kept for reuse. Plain arrays of the event structs rather than a generic pool over them: every generic
/// instantiation over a struct is compiled afresh in each process, which a short run pays for.
/// </summary>
internal static class TracePool
{
    /// <summary>Records kept for reuse: more than the requests a real-clock run has in flight at once is garbage.</summary>
    private const int Kept = 1024;

    private static readonly ConcurrentQueue<RequestTrace> Pool = new();
    private static int Pooled;

    // Under virtual time one request is in flight at a time: its record comes back before the next takes one, so one
    // slot serves nearly every request without the queue.
    private static RequestTrace? Spare;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static RequestTrace? Take()
    {
        var t = Interlocked.Exchange(ref Spare, null);
        if (t is null && Pool.TryDequeue(out t))
        {
            Interlocked.Decrement(ref Pooled);
        }

        return t;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Give(RequestTrace t)
    {
        if (Interlocked.CompareExchange(ref Spare, t, null) is null)
        {
            return;
        }

        if (Interlocked.Increment(ref Pooled) <= Kept)
        {
            Pool.Enqueue(t);
        }
        else
        {
            Interlocked.Decrement(ref Pooled);
        }
    }
}
