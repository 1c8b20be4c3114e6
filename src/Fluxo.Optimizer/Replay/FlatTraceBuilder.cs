using Fluxo.Diagnostics;
using Fluxo.Optimizer.Candidates;
using Fluxo.Optimizer.Sampling;
using Fluxo.Trace;

namespace Fluxo.Optimizer.Replay;

/// <summary>
/// Appends one handler's requests, one at a time, straight into a <see cref="FlatTrace"/>'s arrays, so a
/// reader never builds an object per request. With a sample rate below 1, a request is kept only when it is in the
/// sample of some cache key (<see cref="KeySample"/>).
/// </summary>
internal sealed class FlatTraceBuilder
{
    private readonly GraphFacts _facts;
    private readonly int _n;
    private readonly int _edgeCount;
    private readonly string _path;
    private readonly DiagnosticBag _diagnostics;
    private readonly KeySample? _sample;
    private readonly ulong[] _producerHash;
    private ulong[] _masks = [];
    private long[] _streamedAt = [];
    private readonly int[] _stamp;
    // Per node, its inputs in order as (producing node, edge), flattened: _inputFrom/_inputEdge[_inputStart[v].._inputStart[v + 1]].
    private readonly int[] _inputStart;
    private readonly int[] _inputFrom;
    private readonly int[] _inputEdge;
    private readonly bool _small;
    private readonly Dictionary<(ulong, ulong), int> _smallShapes = [];
    private readonly (ulong Ran, ulong Edges, int Shape)[] _recent = new (ulong, ulong, int)[8];
    private int _recentCount;
    private readonly Dictionary<string, int> _shapes = [];
    private readonly List<RequestShape> _shapeList = [];
    private readonly char[] _key;
    private readonly bool[] _ran;
    // Null while each row's id is the first row's plus its row, as a one-handler trace's usually are (8 bytes per request).
    private long[]? _ids;
    private long _firstId;
    private double[] _arrivals = [];
    private double[] _self = [];
    private ulong[] _edgeHash = [];
    private int[] _edgeBytes = [];
    private int[] _shapeOf = [];
    private int _capacity;

    private int _request = 1;
    private long _nodeEvents;

    // Rows whose node events outnumber the nodes their shape ran (a node reported twice): enough to count any prefix's events.
    private readonly List<(int Row, int Extra)> _extraEvents = [];
    private bool _served;

    /// <param name="traceRate">The sample rate the trace was recorded at.</param>
    /// <param name="rate">The share of it to keep (1 keeps every request).</param>
    /// <param name="salt">The sample's salt (<see cref="KeySample"/>); 0 by default.</param>
    public FlatTraceBuilder(GraphFacts facts, double traceRate, double rate, string path, DiagnosticBag diagnostics, ulong salt = 0)
    {
        _facts = facts;
        _n = facts.NodeCount;
        _edgeCount = facts.Edges.Count;
        _path = path;
        _diagnostics = diagnostics;
        SampleRate = traceRate * rate;
        _sample = rate < 1 ? new KeySample(facts, rate, salt) : null;
        _producerHash = new ulong[_sample?.ProducerCount ?? 0];
        _stamp = new int[_edgeCount];
        _inputStart = new int[_n + 1];
        for (var v = 0; v < _n; v++)
        {
            _inputStart[v + 1] = _inputStart[v] + facts.Graph.Nodes[v].Inputs.Length;
        }

        _inputFrom = new int[_inputStart[_n]];
        _inputEdge = new int[_inputStart[_n]];
        for (var v = 0; v < _n; v++)
        {
            var inputs = facts.Graph.Nodes[v].Inputs;
            for (var i = 0; i < inputs.Length; i++)
            {
                _inputFrom[_inputStart[v] + i] = inputs[i].From;
                _inputEdge[_inputStart[v] + i] = facts.EdgeIndex[v][i];
            }
        }
        _small = _n <= 64 && _edgeCount <= 64;
        _key = new char[_n + _edgeCount];
        _ran = new bool[_n];
    }

    public double SampleRate { get; }

    public int Count { get; private set; }

    /// <summary>Makes room for <paramref name="requests"/> rows in all, so the arrays grow once when the count is known or well estimated.</summary>
    public void Reserve(long requests)
    {
        var want = (int)Math.Min(requests, Array.MaxLength / Math.Max(1, Math.Max(_n, _edgeCount)));
        if (want <= _capacity)
        {
            return;
        }

        if (_ids is not null)
        {
            LargeArrays.Resize(ref _ids, want);
        }

        // Add writes every cell of a row (Build clears the rows never added), so these are not cleared first: each page is
        // first touched by the request that fills it.
        LargeArrays.Grow(ref _arrivals, want);
        LargeArrays.Grow(ref _self, want * _n);
        LargeArrays.Grow(ref _edgeHash, want * _edgeCount);
        LargeArrays.Grow(ref _edgeBytes, want * _edgeCount);
        LargeArrays.Grow(ref _shapeOf, want);
        if (_sample is not null)
        {
            LargeArrays.Grow(ref _masks, want);
            LargeArrays.Grow(ref _streamedAt, want);
        }

        _capacity = want;
    }

    /// <summary>Adds one request: true when kept, false when the sample leaves it out, null after a diagnostic.</summary>
    public bool? Add(long id, ReadOnlySpan<NodeEvent> nodes, ReadOnlySpan<EdgeEvent> edges, double arrivalMs = 0)
    {
        if (Count == _capacity)
        {
            Reserve(Math.Max(1024, (long)_capacity * 2));
        }

        var r = Count;
        var n = _n;
        var edgeCount = _edgeCount;

        // The row may hold anything: a request the sample left out, or memory never cleared (Reserve). Rows are a handful
        // of cells: cleared by a loop rather than a call.
        var selfRow = _self.AsSpan(r * n, n);
        for (var v = 0; v < selfRow.Length; v++)
        {
            selfRow[v] = 0;
        }

        if (!_small)
        {
            Array.Clear(_ran);
        }
        ulong ranBits = 0;
        long events = 0;
        var served = false;
        foreach (var ev in nodes)
        {
            if ((uint)ev.Node >= (uint)selfRow.Length)
            {
                _diagnostics.Add(Diag.TraceUnknownNode(_path, id, ev.Node));
                return null;
            }

            if (ev.Status == NodeStatus.Skipped)
            {
                continue;
            }

            served |= ev.Status == NodeStatus.Served;
            if (!_small)
            {
                _ran[ev.Node] = true;
            }

            ranBits |= 1UL << (ev.Node & 63);
            selfRow[ev.Node] = ev.SelfMs;
            events++;
        }

        var hashRow = _edgeHash.AsSpan(r * edgeCount, edgeCount);
        var bytesRow = _edgeBytes.AsSpan(r * edgeCount, edgeCount);
        for (var e = 0; e < hashRow.Length; e++)
        {
            hashRow[e] = 0;
            bytesRow[e] = -1;
        }

        _request++;
        ulong edgeBits = 0;
        foreach (var ev in edges)
        {
            var e = ev.To >= 0 && ev.To < n ? NextEdge(ev.From, ev.To) : -1;
            if (e < 0)
            {
                _diagnostics.Add(Diag.TraceUnknownEdge(_path, id, ev.From, ev.To));
                return null;
            }

            hashRow[e] = ev.Hash;
            bytesRow[e] = ev.Bytes;
            edgeBits |= 1UL << (e & 63);
        }

        _sample?.Count(_small ? default : _ran, ranBits);
        if (_sample is not null && (_masks[r] = _sample.Mask(_small ? default : _ran, ranBits, hashRow, bytesRow, _producerHash)) == 0)
        {
            return false;
        }

        if (_sample is not null)
        {
            _streamedAt[r] = _sample.Streamed;
        }

        _served |= served;
        _nodeEvents += events;
        if (_ids is null && r > 0 && id != _firstId + r)
        {
            _ids = LargeArrays.Zeroed<long>(_capacity);
            for (var i = 0; i < r; i++)
            {
                _ids[i] = _firstId + i;
            }
        }

        if (_ids is not null)
        {
            _ids[r] = id;
        }
        else if (r == 0)
        {
            _firstId = id;
        }
        _arrivals[r] = arrivalMs;
        _shapeOf[r] = ShapeOf(r, ranBits, edgeBits);
        var ran = _shapeList[_shapeOf[r]].RanCount;
        if (events != ran)
        {
            _extraEvents.Add((r, (int)(events - ran)));
        }

        Count++;
        return true;
    }

    public FlatTrace Build()
    {
        // Rows past the last request were never written (Reserve does not clear): zero, as the arrays' readers have always seen them.
        _arrivals.AsSpan(Count).Clear();
        _self.AsSpan(Count * _n).Clear();
        _edgeHash.AsSpan(Count * _edgeCount).Clear();
        _edgeBytes.AsSpan(Count * _edgeCount).Clear();
        _shapeOf.AsSpan(Count).Clear();
        _masks.AsSpan(Math.Min(Count, _masks.Length)).Clear();
        _streamedAt.AsSpan(Math.Min(Count, _streamedAt.Length)).Clear();
        if (_served)
        {
            _diagnostics.Add(Diag.TraceServedNodes(_path));
        }

        return new FlatTrace(_facts, Count, _ids, _firstId, _self, _edgeHash, _edgeBytes, _shapeOf, _shapeList, _nodeEvents, SampleRate) { ExtraEvents = _extraEvents, Arrivals = _arrivals, KeySample = _sample, KeyMasks = _sample is null ? null : _masks, StreamedAt = _streamedAt, Streamed = _sample?.Streamed ?? Count };
    }

    // Most graphs fit two 64-bit masks; larger ones pay for a string key per request.
    private int ShapeOf(int r, ulong ranBits, ulong edgeBits)
    {
        if (_small)
        {
            // A trace has a handful of shapes: a scan of them beats hashing the pair for every request.
            for (var i = 0; i < _recentCount; i++)
            {
                if (_recent[i].Ran == ranBits && _recent[i].Edges == edgeBits)
                {
                    return _recent[i].Shape;
                }
            }

            if (_smallShapes.TryGetValue((ranBits, edgeBits), out var small))
            {
                return small;
            }
        }

        for (var v = 0; v < _n; v++)
        {
            _key[v] = (_small ? ((ranBits >> v) & 1) != 0 : _ran[v]) ? '1' : '0';
        }

        for (var e = 0; e < _edgeCount; e++)
        {
            _key[_n + e] = _edgeBytes[(r * _edgeCount) + e] >= 0 ? '1' : '0';
        }

        var text = _small ? null : new string(_key);
        if (text is not null && _shapes.TryGetValue(text, out var known))
        {
            return known;
        }

        var shape = _shapeList.Count;
        if (_small)
        {
            _smallShapes.Add((ranBits, edgeBits), shape);
            if (_recentCount < _recent.Length)
            {
                _recent[_recentCount++] = (ranBits, edgeBits, shape);
            }
        }
        else
        {
            _shapes.Add(text!, shape);
        }

        _shapeList.Add(new RequestShape([.. _key.AsSpan(0, _n).ToArray().Select(c => c == '1')], [.. _key.AsSpan(_n).ToArray().Select(c => c == '1')]));
        return shape;
    }

    /// <summary>
    /// The first input of <paramref name="to"/> from <paramref name="from"/> not yet given a value in this
    /// request. Several inputs may come from one node (two request fields; their values arrive in input
    /// order), while values from different nodes arrive in time order, not input order.
    /// </summary>
    private int NextEdge(int from, int to)
    {
        for (var i = _inputStart[to]; i < _inputStart[to + 1]; i++)
        {
            if (_inputFrom[i] == from && _stamp[_inputEdge[i]] != _request)
            {
                _stamp[_inputEdge[i]] = _request;
                return _inputEdge[i];
            }
        }

        return -1;
    }
}
