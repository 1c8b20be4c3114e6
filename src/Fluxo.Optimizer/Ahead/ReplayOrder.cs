using Fluxo.Optimizer.Replay;

namespace Fluxo.Optimizer.Ahead;

/// <summary>
/// The requests in replay order, each with its part, its row in that part's flat trace and its client. While every
/// request is in one part at the row of its position (a trace of one handler, the usual case), only the clients are
/// held: 8 bytes per request rather than 16, which for a long trace is megabytes of fresh memory less to read it into.
/// </summary>
internal sealed class ReplayOrder
{
    private long[] _clients = [];

    // Null while request i is in part _onlyPart at row i.
    private (int Part, int Row)[]? _places;
    private int _onlyPart = -1;

    public int Count { get; private set; }

    /// <summary>True while every request is in one part at the row of its position.</summary>
    public bool InRowOrder => _places is null;

    /// <summary>Requests it has room for before it grows.</summary>
    public int Capacity => _clients.Length;

    public static ReplayOrder From(IEnumerable<(int Part, int Row, long Client)> requests)
    {
        var order = new ReplayOrder();
        foreach (var (part, row, client) in requests)
        {
            order.Add(part, row, client);
        }

        return order;
    }

    public (int Part, int Row, long Client) this[int i]
    {
        get
        {
            if (_places is { } places)
            {
                var (part, row) = places[i];
                return (part, row, _clients[i]);
            }

            return (_onlyPart, i, _clients[i]);
        }
    }

    /// <summary>Makes room for <paramref name="requests"/> in all (entries are written as they are added, not cleared first).</summary>
    public void Reserve(int requests)
    {
        if (requests <= _clients.Length)
        {
            return;
        }

        LargeArrays.Grow(ref _clients, requests);
        if (_places is not null)
        {
            LargeArrays.Grow(ref _places, requests);
        }
    }

    public void Add(int part, int row, long client)
    {
        if (Count == _clients.Length)
        {
            Reserve(Math.Max(1024, _clients.Length * 2));
        }

        if (_places is null && (Count == 0 ? row != 0 : part != _onlyPart || row != Count))
        {
            if (Count == 0)
            {
                _places = LargeArrays.Uninitialized<(int, int)>(_clients.Length);
            }
            else
            {
                // The first request elsewhere: the places so far, written out.
                _places = LargeArrays.Uninitialized<(int, int)>(_clients.Length);
                for (var i = 0; i < Count; i++)
                {
                    _places[i] = (_onlyPart, i);
                }
            }
        }

        if (Count == 0)
        {
            _onlyPart = part;
        }

        _clients[Count] = client;
        if (_places is not null)
        {
            _places[Count] = (part, row);
        }

        Count++;
    }

    /// <summary>Renumbers the parts: part p becomes <paramref name="partOf"/>[p].</summary>
    public void Renumber(int[] partOf)
    {
        _onlyPart = _onlyPart < 0 ? _onlyPart : partOf[_onlyPart];
        if (_places is { } places)
        {
            for (var i = 0; i < Count; i++)
            {
                places[i].Part = partOf[places[i].Part];
            }
        }
    }
}
