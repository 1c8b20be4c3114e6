namespace Fluxo.Trace;

/// <summary>The fields of one request record, without its events.</summary>
public readonly record struct RequestHead(long Id, long Client, int Graph, double ArrivalMs, double LatencyMs);

/// <summary>
/// Receives a trace as a reader parses it, one request at a time, so a trace need never be held whole:
/// the event spans are the reader's own buffers, valid only during the call.
/// </summary>
public interface ITraceSink
{
    /// <summary>The header, before any request; false stops reading (the sink has reported why).</summary>
    bool Begin(TraceHeader header);

    /// <summary>One request in trace order; false stops reading (the sink has reported why).</summary>
    bool Request(in RequestHead head, ReadOnlySpan<NodeEvent> nodes, ReadOnlySpan<EdgeEvent> edges);
}
