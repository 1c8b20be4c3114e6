using System.Diagnostics;

namespace Fluxo.Runtime.Tracing;

/// <summary>
/// Under the real clock requests finish in any order, but a trace lists them by arrival (the order every reader
/// checks): each request takes its arrival time here when it starts, and a finished request is written once no
/// request that arrived before it is still running. Only requests finished out of order wait, so memory stays small.
/// </summary>
internal sealed class ArrivalOrderedTrace(RunTraceWriter trace, Stopwatch wall)
{
    private readonly object _gate = new();
    private readonly SortedSet<(double Arrival, long Id)> _running = [];
    private readonly PriorityQueue<RecordedTrace?, (double Arrival, long Id)> _finished = new();

    /// <summary>The arrival time of request <paramref name="id"/>, taken under the lock so arrivals are handed out in increasing order.</summary>
    public double Start(long id)
    {
        lock (_gate)
        {
            var arrival = wall.Elapsed.TotalMilliseconds;
            _running.Add((arrival, id));
            return arrival;
        }
    }

    /// <summary>Request <paramref name="id"/> is over (its trace is null when it recorded none, e.g. it was cancelled).</summary>
    public void Finish(double arrival, long id, RecordedTrace? request)
    {
        lock (_gate)
        {
            _running.Remove((arrival, id));
            _finished.Enqueue(request, (arrival, id));
            while (_finished.TryPeek(out var next, out var key) && (_running.Count == 0 || key.CompareTo(_running.Min) < 0))
            {
                _finished.Dequeue();
                if (next is not null)
                {
                    trace.Record(next);
                }
            }
        }
    }
}
