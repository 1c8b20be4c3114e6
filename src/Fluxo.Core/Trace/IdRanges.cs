namespace Fluxo.Trace;

/// <summary>
/// The request ids seen so far, as sorted disjoint ranges: a trace's ids mostly come in runs (one counter per instance),
/// so a stream of any length is checked for repeats in memory that grows with the gaps between runs, not with the
/// requests (a set of ids took ~40 bytes per request, gigabytes for a trace too big to replay whole).
/// </summary>
internal sealed class IdRanges
{
    // Starts and ends (inclusive) of the ranges, ascending; ranges never touch (they would have been merged).
    private readonly List<long> _starts = [];
    private readonly List<long> _ends = [];

    /// <summary>Adds <paramref name="id"/>; false when it was already there.</summary>
    public bool Add(long id)
    {
        var n = _starts.Count;

        // The usual case: the next id of the last run, or a new run after it.
        if (n == 0 || id > _ends[n - 1])
        {
            if (n > 0 && id == _ends[n - 1] + 1)
            {
                _ends[n - 1] = id;
            }
            else
            {
                _starts.Add(id);
                _ends.Add(id);
            }

            return true;
        }

        // The last range starting at or before id.
        var i = _starts.BinarySearch(id);
        if (i >= 0)
        {
            return false;
        }

        i = ~i - 1;
        if (i >= 0 && id <= _ends[i])
        {
            return false;
        }

        var joinsLeft = i >= 0 && _ends[i] == id - 1;
        var joinsRight = i + 1 < n && _starts[i + 1] == id + 1;
        if (joinsLeft && joinsRight)
        {
            _ends[i] = _ends[i + 1];
            _starts.RemoveAt(i + 1);
            _ends.RemoveAt(i + 1);
        }
        else if (joinsLeft)
        {
            _ends[i] = id;
        }
        else if (joinsRight)
        {
            _starts[i + 1] = id;
        }
        else
        {
            _starts.Insert(i + 1, id);
            _ends.Insert(i + 1, id);
        }

        return true;
    }
}
