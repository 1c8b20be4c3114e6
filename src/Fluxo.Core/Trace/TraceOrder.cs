namespace Fluxo.Trace;

/// <summary>
/// The order every trace keeps, checked by every reader: requests by arrival (ties in any order), each id once. The
/// simulator replays requests in file order, so a reordered or repeated request would change every figure silently.
/// Parts of a deployed trace (<c>fluxo traces pull</c> joins and sorts them) are exempt.
/// </summary>
internal sealed class TraceOrder
{
    private readonly IdRanges _ids = new();
    private double _lastArrival = double.NegativeInfinity;

    /// <summary>Why <paramref name="head"/> cannot follow the requests before it, or null.</summary>
    public string? Next(in RequestHead head)
    {
        if (!double.IsFinite(head.ArrivalMs) || !double.IsFinite(head.LatencyMs))
        {
            return $"request {head.Id} has a time that is not a finite number";
        }

        if (head.ArrivalMs < _lastArrival)
        {
            return $"request {head.Id} arrives at {head.ArrivalMs:0.000} ms, before the request above it ({_lastArrival:0.000} ms): requests must be in arrival order";
        }

        if (!_ids.Add(head.Id))
        {
            return $"request id {head.Id} appears twice";
        }

        _lastArrival = head.ArrivalMs;
        return null;
    }
}
