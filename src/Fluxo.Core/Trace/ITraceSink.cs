namespace Fluxo.Trace;

/// <summary>
/// Receives a trace as a reader parses it, one request at a time, so a trace need never be held whole:
/// the event spans are the reader's own buffers, valid only during the call.
/// </summary>
public interface ITraceSink
{
    /// <summary>The header, before any request; false stops reading (the sink has reported why).</summary>
    bool Begin(TraceHeader header);

    /// <summary>
    /// Once, early, when the reader can tell: how many requests the whole trace holds, <paramref name="exact"/> when read
    /// from its end record, else estimated from the bytes read so far and the file's length, so a sink can size its arrays
    /// once instead of growing them.
    /// </summary>
    void Expect(long requests, bool exact)
    {
    }

    /// <summary>One request in trace order; false stops reading (the sink has reported why).</summary>
    bool Request(in RequestHead head, ReadOnlySpan<NodeEvent> nodes, ReadOnlySpan<EdgeEvent> edges);
}
