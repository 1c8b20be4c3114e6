namespace Fluxo.Trace;

/// <summary>
/// The order every trace keeps, checked by every reader: requests by arrival (ties in any order), each id once. The
/// simulator replays requests in file order, so a reordered or repeated request would change every figure silently.
/// Parts of a deployed trace (<c>fluxo traces pull</c> joins and sorts them) are exempt.
/// </summary>
internal sealed class TraceOrder
{
    // While ids only increase (as recorded traces' do), they are kept as runs of consecutive ids, first and last: a million
    // ids take one run instead of a set of a million entries. The first id that does not increase turns the runs into the set.
    private readonly List<(long First, long Last)> _runs = [];
    private HashSet<long>? _ids;
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

        if (!Add(head.Id))
        {
            return $"request id {head.Id} appears twice";
        }

        _lastArrival = head.ArrivalMs;
        return null;
    }

    /// <summary>Records <paramref name="id"/>; false when it was seen before.</summary>
    private bool Add(long id)
    {
        if (_ids is null)
        {
            if (_runs.Count == 0 || id > _runs[^1].Last)
            {
                if (_runs.Count > 0 && id == _runs[^1].Last + 1)
                {
                    _runs[^1] = (_runs[^1].First, id);
                }
                else
                {
                    _runs.Add((id, id));
                }

                return true;
            }

            _ids = [];
            foreach (var (first, last) in _runs)
            {
                for (var i = first; ; i++)
                {
                    _ids.Add(i);
                    if (i == last)
                    {
                        break;
                    }
                }
            }

            _runs.Clear();
        }

        return _ids.Add(id);
    }
}
