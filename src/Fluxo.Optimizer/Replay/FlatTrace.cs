using Fluxo.Diagnostics;
using Fluxo.Optimizer.Candidates;
using Fluxo.Trace;

namespace Fluxo.Optimizer.Replay;

/// <summary>
/// One handler's requests from a trace, flattened once into arrays so that every replay is a tight
/// loop: per (request, node) the self latency and whether it ran, per (request, edge) the value's hash
/// and bytes. Requests with the same pattern of run nodes and present edges share a shape. The arrays
/// may be longer than <see cref="Requests"/> rows.
/// </summary>
public sealed class FlatTrace
{
    internal FlatTrace(GraphFacts facts, int requests, long[]? ids, long firstId, double[] self, ulong[] edgeHash, int[] edgeBytes, int[] shapeOf,
        List<RequestShape> shapes, long nodeEvents, double sampleRate)
    {
        Facts = facts;
        Requests = requests;
        _ids = ids;
        _firstId = firstId;
        Self = self;
        EdgeHash = edgeHash;
        EdgeBytes = edgeBytes;
        ShapeOf = shapeOf;
        Shapes = shapes;
        NodeEvents = nodeEvents;
        SampleRate = sampleRate;
    }

    public GraphFacts Facts { get; }

    public int Requests { get; }

    // Null when row r's id is _firstId + r.
    private readonly long[]? _ids;
    private readonly long _firstId;

    /// <summary>The id of row <paramref name="r"/>'s request.</summary>
    public long IdOf(int r) => _ids is null ? _firstId + r : _ids[r];

    /// <summary>Self latency of node v in request r at [r * NodeCount + v]; 0 for skipped nodes.</summary>
    public double[] Self { get; }

    public ulong[] EdgeHash { get; }

    /// <summary>Bytes of the value on edge e in request r at [r * EdgeCount + e]; -1 when no value crossed it.</summary>
    public int[] EdgeBytes { get; }

    public int[] ShapeOf { get; }

    public List<RequestShape> Shapes { get; }

    /// <summary>Node events replayed per request; the unit of the simulator's speed.</summary>
    public long NodeEvents { get; }

    /// <summary>The fraction of the key space the trace kept (<see cref="SpatialSampling"/>); 1 for a whole trace.</summary>
    public double SampleRate { get; }

    /// <summary>
    /// The capacity that behaves on this sample as <paramref name="bytes"/> does on the whole trace, for entries of
    /// about <paramref name="entryBytes"/>: an entry hits when the other entries used since its last use, scaled up
    /// by 1 / rate, and itself fit, so the entry's own size is not scaled down.
    /// </summary>
    public long SampledBytes(long bytes, double entryBytes) => SampledBytes(bytes, entryBytes, SampleRate);

    /// <summary><see cref="SampledBytes(long, double)"/> for a cache whose sample holds a share <paramref name="rate"/> of its keys (<see cref="RateOf"/>).</summary>
    internal static long SampledBytes(long bytes, double entryBytes, double rate) =>
        rate >= 1 ? bytes : Math.Max(1, (long)Math.Round((bytes * rate) + ((1 - rate) * Math.Min(entryBytes, bytes))));

    /// <summary>The whole-trace size a stack distance measured on this sample stands for.</summary>
    public long WholeBytes(long sampledBytes) => WholeBytes(sampledBytes, SampleRate);

    internal static long WholeBytes(long sampledBytes, double rate) => rate >= 1 ? sampledBytes : (long)Math.Ceiling(sampledBytes / rate);

    /// <summary>
    /// The share of <paramref name="candidate"/>'s keys this trace holds: under a sample per cache key, the share its own
    /// sample drew where that is known better than the rate (<see cref="Sampling.KeySample.RealizedRate"/>); else <see cref="SampleRate"/>.
    /// </summary>
    internal double RateOf(Candidate candidate) =>
        KeySample?.RealizedRate(candidate) is { } realized ? SampleRate / KeySample.Rate * realized : SampleRate;

    /// <summary>Under a sample per cache key, the key groups (<see cref="Sampling.KeySample"/>); null for a whole trace or a sample of requests.</summary>
    public Sampling.KeySample? KeySample { get; init; }

    /// <summary>Per row, the bits of the key groups whose sample holds it; null when <see cref="KeySample"/> is.</summary>
    public ulong[]? KeyMasks { get; init; }

    /// <summary>True when the cache of <paramref name="keyBit"/> (<see cref="Sampling.KeySample.BitOf"/>) sees row <paramref name="r"/>: its key is in that cache's sample.</summary>
    internal bool Owns(int r, ulong keyBit) => KeyMasks is null || (KeyMasks[r] & keyBit) != 0;

    /// <summary>The bit of <paramref name="candidate"/>'s key in <see cref="KeyMasks"/>; all bits when the trace is not sampled per key.</summary>
    internal ulong KeyBit(Candidate candidate) => KeySample?.BitOf(candidate) ?? ulong.MaxValue;

    /// <summary>Under a sample per cache key, per row, the handler's requests the trace held up to and with it (kept or not).</summary>
    internal long[] StreamedAt { get; init; } = [];

    /// <summary>The handler's requests the trace held up to this trace's last row (kept or not); <see cref="Requests"/> for a whole trace.</summary>
    internal long Streamed { get; init; }

    /// <summary>
    /// The lookups <paramref name="candidate"/>'s own key sample should hold: the rate times the requests that demanded it in
    /// the trace read (counted while streaming, <see cref="Sampling.KeySample.Count"/>), a prefix taking its share; null when
    /// the trace is whole or the candidate's key is not sampled on its own.
    /// </summary>
    internal double? ExpectedLookups(Candidate candidate)
    {
        if (KeySample is not { } sample || sample.BitOf(candidate) == ulong.MaxValue || sample.Streamed == 0)
        {
            return null;
        }

        return sample.Rate * sample.Demands(candidate) * ((double)Streamed / sample.Streamed);
    }

    /// <summary>Arrival time (ms) of each row's request: what an expiring cache ages its entries by (<see cref="Policy.CacheKey.Expired"/>).</summary>
    public double[] Arrivals { get; init; } = [];

    /// <summary>Rows with more node events than their shape ran nodes, and how many more (<see cref="Prefix"/> counts events with them).</summary>
    internal IReadOnlyList<(int Row, int Extra)> ExtraEvents { get; init; } = [];

    /// <summary>The first <paramref name="rows"/> requests, sharing this trace's arrays: what flattening only them would give.</summary>
    internal FlatTrace Prefix(int rows)
    {
        long events = 0;
        for (var r = 0; r < rows; r++)
        {
            events += Shapes[ShapeOf[r]].RanCount;
        }

        var extra = ExtraEvents.Where(x => x.Row < rows).ToList();
        events += extra.Sum(x => (long)x.Extra);
        var streamed = KeySample is null ? rows : rows == 0 ? 0 : StreamedAt[rows - 1];
        return new FlatTrace(Facts, rows, _ids, _firstId, Self, EdgeHash, EdgeBytes, ShapeOf, Shapes, events, SampleRate)
        {
            ExtraEvents = extra, Arrivals = Arrivals, KeySample = KeySample, KeyMasks = KeyMasks, StreamedAt = StreamedAt, Streamed = streamed,
        };
    }

    /// <summary>Flattens the requests of <paramref name="facts"/>'s graph; null (with diagnostics) when the trace does not fit it.</summary>
    public static FlatTrace? Build(TraceData trace, GraphFacts facts, string path, DiagnosticBag diagnostics)
    {
        var graph = facts.Graph;
        var graphIndexes = trace.Header.Graphs
            .Where(g => g.Name == graph.Name && (g.Hash == graph.Hash || string.IsNullOrEmpty(graph.Hash)))
            .Select(g => g.Index)
            .ToHashSet();
        var builder = new FlatTraceBuilder(facts, trace.Header.SampleRate, 1.0, path, diagnostics);
        builder.Reserve(trace.Requests.Count);
        foreach (var r in trace.Requests)
        {
            if (graphIndexes.Contains(r.Graph) && builder.Add(r.Id, r.Nodes.AsSpan(), r.Edges.AsSpan(), r.ArrivalMs) is null)
            {
                return null;
            }
        }

        if (builder.Count == 0)
        {
            diagnostics.Add(trace.Requests.Count == 0 ? Diag.TraceNoRequests(path) : Diag.TraceGraphMissing(path, graph.Name));
            return null;
        }

        return builder.Build();
    }
}

/// <summary>Which nodes ran (or were served) and which edges carried a value, shared by many requests.</summary>
public sealed record RequestShape(bool[] Ran, bool[] EdgePresent)
{
    /// <summary>How many nodes ran (or were served).</summary>
    public int RanCount { get; } = Ran.Count(r => r);
}
