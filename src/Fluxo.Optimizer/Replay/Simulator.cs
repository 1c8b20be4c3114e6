using System.Collections.Concurrent;
using Fluxo.Optimizer.Candidates;
using Fluxo.Policy;

namespace Fluxo.Optimizer.Replay;

/// <summary>
/// Replays a flattened trace under a set of caches, exactly per the shared cache semantics: requests
/// in trace order, one byte-budgeted LRU per cache, each request's latency the Sink's finish in
/// virtual time. Deterministic: the same trace and policy give the same numbers. Replays may run
/// concurrently: each takes a latency buffer from a pool and gives it back, so a replay allocates nothing proportional
/// to the trace but its caches, and the buffers number the replays that ran at once, not the threads that ever ran one.
/// </summary>
public sealed class Simulator
{
    private readonly Dictionary<string, CandidateKeys?> _keys = [];
    private readonly ConcurrentDictionary<string, Lazy<KeyIdColumn?>> _keyIds = new(StringComparer.Ordinal);
    // A prefix's simulator shares its whole's buffers: they are long enough, and the two never hold their own sets at once.
    private readonly ConcurrentBag<double[]> _buffers;
    private readonly int _bufferLength;
    private readonly Lock _baseLock = new();
    private double[]? _base;

    // A prefix's simulator (its trace's first rows of the whole's arrays) takes the no-cache latencies of those rows from the whole's.
    private readonly Simulator? _whole;

    // A plain cache's hits depend on its own keys and room alone, not on the policy around it, and searches try the same
    // subgraph at the same room in many policies (the paper's budgets lie on a grid of 64 units): its LRU runs once per room.
    // Kept up to MaxCacheRunBytes of hit bits (a bit per request each: every room of the paper search on 100k requests), so
    // the memo stays small beside the trace.
    private const long MaxCacheRunBytes = 8L << 20;
    private readonly ConcurrentDictionary<(CandidateKeys Keys, long Room), CacheRun> _cacheRuns = new();
    private long _cacheRunBytes;

    public Simulator(FlatTrace trace, CostModel? cost = null)
    {
        Trace = trace;
        Cost = cost ?? CostModel.Default;
        _buffers = [];
        _bufferLength = trace.Requests;
    }

    /// <summary>A simulator of <paramref name="prefix"/>, the first rows of <paramref name="whole"/>'s trace sharing its arrays.</summary>
    internal Simulator(FlatTrace prefix, Simulator whole)
        : this(prefix, whole.Cost)
    {
        _whole = whole;
        _buffers = whole._buffers;
        _bufferLength = whole._bufferLength;
    }

    public FlatTrace Trace { get; }

    public CostModel Cost { get; }

    /// <summary>Replays request by request with <see cref="ReplayProgram.Run"/> even where <see cref="BlockReplay"/> applies: the reference the tests hold it to.</summary>
    internal bool PlainReplay { get; init; }

    /// <summary>Keys of a candidate, computed once; null when the trace cannot provide its key.</summary>
    public CandidateKeys? KeysOf(Candidate candidate)
    {
        var name = candidate.ToString();
        lock (_keys)
        {
            if (_keys.TryGetValue(name, out var known))
            {
                return known;
            }
        }

        // Computed outside the lock so that searches can build several candidates' keys in parallel. A prefix takes the
        // whole's rows, so the held-out check, which replays the whole, holds each candidate's keys once.
        var keys = _whole?.KeysOf(candidate)?.Prefix(Trace.Requests) ?? ComputeKeys(candidate);
        lock (_keys)
        {
            _keys[name] = keys;
        }

        return keys;
    }

    // Candidates keyed on the same values by the same requests share one array of key ids, interned once.
    private CandidateKeys? ComputeKeys(Candidate candidate) =>
        _keyIds.GetOrAdd(CandidateKeys.KeyDefinition(Trace, candidate), definition => new(() => CandidateKeys.Ids(Trace, candidate, out _))).Value is { } ids
            ? CandidateKeys.Compute(Trace, candidate, ids)
            : null;

    /// <summary>True when the caches are disjoint, acyclic together, at most 64, and their keys are in the trace.</summary>
    public bool CanRun(IReadOnlyList<CachePlacement> caches) =>
        caches.Count <= 64
        && caches.All(c => c.Bytes > 0 && KeysOf(c.Candidate) is not null)
        && ReplayProgram.UnitOrder(Trace.Facts, [.. caches.Select(c => c.Candidate)]) is not null;

    /// <summary>Replays the trace; throws <see cref="ArgumentException"/> for caches that <see cref="CanRun"/> rejects.</summary>
    public SimulationResult Run(IReadOnlyList<CachePlacement> caches) => Run(caches, keep: false, out _);

    /// <summary><see cref="Run(IReadOnlyList{CachePlacement})"/>; with <paramref name="keep"/>, also every request's latency, in no particular order (percentile selection reorders them).</summary>
    internal SimulationResult Run(IReadOnlyList<CachePlacement> caches, bool keep, out double[]? latencies) =>
        caches.Count == 0 ? Run(BaseLatencies(), keep, out latencies) : Run(caches, keep, out latencies, null)!;

    /// <summary>
    /// Every request's latency under <paramref name="caches"/>, by row, into <paramref name="byRow"/> (at least
    /// as long as the trace): what <see cref="Run(IReadOnlyList{CachePlacement})"/> replays, without its statistics.
    /// </summary>
    internal void RowLatencies(IReadOnlyList<CachePlacement> caches, double[] byRow) => Run(caches, keep: false, out _, byRow);

    /// <summary>The replay; into <paramref name="byRow"/> and no result when that is given.</summary>
    private SimulationResult? Run(IReadOnlyList<CachePlacement> caches, bool keep, out double[]? latencies, double[]? byRow)
    {
        latencies = null;
        if (!CanRun(caches))
        {
            throw new ArgumentException("caches must be disjoint, acyclic together, positive and keyed by values in the trace", nameof(caches));
        }

        var program = ReplayProgram.Compile(Trace, [.. caches.Select(c => c.Candidate)])!;
        var keys = caches.Select(c => KeysOf(c.Candidate)!).ToArray();
        var rates = caches.Select(c => Trace.RateOf(c.Candidate)).ToArray();
        var rooms = caches.Select((c, j) => FlatTrace.SampledBytes(c.Bytes, keys[j].MeanEntryBytes, rates[j])).ToArray();
        var bits = caches.Select(c => Trace.KeyBit(c.Candidate)).ToArray();
        var lookups = new long[caches.Count];
        var hitCounts = new long[caches.Count];

        // Under a sample per cache key, lookups and hits per key: the sample's hottest keys' hit ratio corrects its chance (KeySample.Adjust).
        var expected = caches.Select(c => Trace.ExpectedLookups(c.Candidate)).ToArray();
        var keyLookups = expected.Select((e, j) => e is null ? null : new int[keys[j].DistinctKeys]).ToArray();
        var keyHits = expected.Select((e, j) => e is null ? null : new int[keys[j].DistinctKeys]).ToArray();

        // A cache that sees every lookup of its keys in request order, with no expiry, is a plain LRU: its hits come from the memo.
        var runs = caches.Select((c, j) => keyLookups[j] is null && Trace.KeyMasks is null && c.Candidate.TtlMs <= 0 ? RunCache(keys[j], rooms[j]) : null).ToArray();
        var lrus = caches.Select((c, j) => runs[j] is null ? ByteLru.Pooled(rooms[j], keys[j].DistinctKeys, keys[j].MinEntryBytes) : null).ToArray();
        var buffer = byRow ?? Rent();
        var lookupMs = Cost.LookupMs;
        var insertMs = Cost.InsertMs;
        var none = BaseLatencies();
        var block = BlockReplay.Rent(Trace.Facts.NodeCount, Trace.Shapes.Count);
        var hits = block.Hits;
        var ready = program.Blockable && !PlainReplay ? null : new double[Trace.Facts.NodeCount];
        for (var first = 0; first < Trace.Requests; first += BlockReplay.Rows)
        {
            var count = Math.Min(BlockReplay.Rows, Trace.Requests - first);
            Array.Clear(hits, 0, count);

            // Cache by cache: each cache sees its lookups in request order, and its lookups depend on no other cache's. A request
            // that demands no cache's nodes has a negative entry size for every cache, so it looks nothing up.
            for (var j = 0; j < keys.Length; j++)
            {
                var bit = 1UL << j;
                if (runs[j] is { } run)
                {
                    // Blocks start at multiples of 64 requests, so the block's hits are whole words of the run's.
                    var words = run.Hits.AsSpan(first >> 6);
                    for (var i = 0; i < count; i++)
                    {
                        hits[i] |= ((words[i >> 6] >> i) & 1) << j;
                    }

                    continue;
                }

                for (var i = 0; i < count; i++)
                {
                    var r = first + i;
                    var size = keys[j].EntryBytes[r];
                    if (size < 0)
                    {
                        continue;
                    }

                    if (!Trace.Owns(r, bits[j]))
                    {
                        hits[i] |= Sampling.KeySample.Guess(Trace.IdOf(r), j, hitCounts[j], lookups[j]) ? bit : 0;
                        continue;
                    }

                    lookups[j]++;
                    var hit = lrus[j]!.Access(keys[j].KeyIds[r], size, Trace.Arrivals.Length > r ? Trace.Arrivals[r] : 0, caches[j].Candidate.TtlMs);
                    if (hit)
                    {
                        hits[i] |= bit;
                        hitCounts[j]++;
                    }

                    if (keyLookups[j] is { } perKey)
                    {
                        perKey[keys[j].KeyIds[r]]++;
                        keyHits[j]![keys[j].KeyIds[r]] += hit ? 1 : 0;
                    }
                }
            }

            if (ready is null)
            {
                block.Run(program, Trace, first, count, none, buffer, lookupMs, insertMs);
                continue;
            }

            for (var i = 0; i < count; i++)
            {
                var r = first + i;
                buffer[r] = program.Caches[Trace.ShapeOf[r]] ? program.Run(Trace, r, hits[i], ready, lookupMs, insertMs) : none[r];
            }
        }

        block.Return();
        foreach (var lru in lrus)
        {
            lru?.Release();
        }

        if (byRow is not null)
        {
            return null;
        }

        var sum = 0.0;
        var (min, max) = (double.MaxValue, double.MinValue);
        for (var r = 0; r < Trace.Requests; r++)
        {
            sum += buffer[r];
            min = Math.Min(min, buffer[r]);
            max = Math.Max(max, buffer[r]);
        }

        // Under a sample a cache's room includes a whole entry of its own (Trace.SampledBytes), which scaling up would count 1 / rate times.
        long Whole(long sampled, long bytes, double rate) => rate >= 1 ? sampled : Math.Min(bytes, FlatTrace.WholeBytes(sampled, rate));
        var stats = caches.Select((c, j) =>
        {
            var (n, h) = runs[j] is { } run ? (run.Lookups, run.HitCount) : (lookups[j], hitCounts[j]);
            if (expected[j] is { } e)
            {
                double products = 0, squares = 0;
                for (var k = 0; k < keyLookups[j]!.Length; k++)
                {
                    products += (double)keyLookups[j]![k] * keyHits[j]![k];
                    squares += (double)keyLookups[j]![k] * keyLookups[j]![k];
                }

                (n, h) = Sampling.KeySample.Adjust(n, h, e, Sampling.KeySample.Slope(products, squares));
            }

            var (peak, used) = runs[j] is { } r ? (r.PeakBytes, r.UsedBytes) : (lrus[j]!.PeakBytes, lrus[j]!.UsedBytes);
            return new CacheStats(n, h, Whole(peak, c.Bytes, rates[j]), Whole(used, c.Bytes, rates[j]));
        }).ToArray();
        return Finish(buffer, sum, min, max, stats, keep, out latencies);
    }

    /// <summary>Forgets the caches' runs kept so far, so a bench can time a search's replays as a fresh search pays them.</summary>
    public void ForgetCacheRuns()
    {
        _cacheRuns.Clear();
        Interlocked.Exchange(ref _cacheRunBytes, 0);
    }

    /// <summary>A plain LRU of <paramref name="room"/> bytes over <paramref name="keys"/>, run over the whole trace once, or its kept run.</summary>
    private CacheRun RunCache(CandidateKeys keys, long room)
    {
        if (_cacheRuns.TryGetValue((keys, room), out var known))
        {
            return known;
        }

        var requests = Trace.Requests;
        var lru = ByteLru.Pooled(room, keys.DistinctKeys, keys.MinEntryBytes);
        var hits = new ulong[(requests + 63) >> 6];
        var (lookups, hitCount) = lru.Access(keys.KeyIds.AsSpan(0, requests), keys.EntryBytes.AsSpan(0, requests), hits);
        var run = new CacheRun(hits, lookups, hitCount, lru.PeakBytes, lru.UsedBytes);
        lru.Release();

        // Two replays may run the same cache at once: either run is the same, and the room is counted once.
        if (Interlocked.Add(ref _cacheRunBytes, hits.Length * 8L) <= MaxCacheRunBytes && _cacheRuns.TryAdd((keys, room), run))
        {
            return run;
        }

        Interlocked.Add(ref _cacheRunBytes, -hits.Length * 8L);
        return run;
    }

    /// <summary>A plain cache's replay: bit r of <see cref="Hits"/> set when request r hit; its lookups, hits, and greatest and final bytes held.</summary>
    private sealed record CacheRun(ulong[] Hits, long Lookups, long HitCount, long PeakBytes, long UsedBytes);

    private double[] Rent() => _buffers.TryTake(out var free) ? free : LargeArrays.Zeroed<double>(_bufferLength);

    /// <summary>The result of a replay whose latencies are in <paramref name="buffer"/> (taken from the pool, given back here).</summary>
    private SimulationResult Finish(double[] buffer, double sum, double min, double max, CacheStats[] stats, bool keep, out double[]? latencies)
    {
        var (p50, p95, p99) = Percentiles.Of(buffer, Trace.Requests, min, max);
        latencies = keep ? buffer.AsSpan(0, Trace.Requests).ToArray() : null;
        _buffers.Add(buffer);
        return new SimulationResult(Trace.Requests, sum / Trace.Requests, p50, p95, p99, stats);
    }

    /// <summary>The result with no cache, from <see cref="BaseLatencies"/>: the same values, summed in the same order, as a replay with nothing to look up.</summary>
    private SimulationResult Run(double[] none, bool keep, out double[]? latencies)
    {
        var buffer = Rent();
        var sum = 0.0;
        var (min, max) = (double.MaxValue, double.MinValue);
        for (var r = 0; r < Trace.Requests; r++)
        {
            buffer[r] = none[r];
            sum += none[r];
            min = Math.Min(min, none[r]);
            max = Math.Max(max, none[r]);
        }

        return Finish(buffer, sum, min, max, [], keep, out latencies);
    }

    /// <summary>Per request, the latency with no cache (computed once per simulator; a prefix's are the first of the whole's, in the whole's array).</summary>
    internal double[] BaseLatencies()
    {
        lock (_baseLock)
        {
            return _base ??= _whole?.BaseLatencies() ?? ComputeBase();
        }
    }

    private double[] ComputeBase()
    {
        {
            var none = ReplayProgram.Compile(Trace, [])!;
            var latencies = LargeArrays.Zeroed<double>(Trace.Requests);
            if (none.BlockableEverywhere && !PlainReplay)
            {
                var block = BlockReplay.Rent(Trace.Facts.NodeCount, Trace.Shapes.Count);
                for (var first = 0; first < Trace.Requests; first += BlockReplay.Rows)
                {
                    block.Run(none, Trace, first, Math.Min(BlockReplay.Rows, Trace.Requests - first), null, latencies, Cost.LookupMs, Cost.InsertMs);
                }

                block.Return();
                return latencies;
            }

            var ready = new double[Trace.Facts.NodeCount];
            for (var r = 0; r < Trace.Requests; r++)
            {
                latencies[r] = none.Run(Trace, r, 0, ready, Cost.LookupMs, Cost.InsertMs);
            }

            return latencies;
        }
    }

    /// <summary>
    /// A request's latency when <paramref name="candidate"/> alone always hits or always misses, replayed one request
    /// at a time, so a caller asks only for the requests it needs and keeps no array per request; one per thread.
    /// </summary>
    internal Outcome Outcomes(Candidate candidate) => new(this, ReplayProgram.Compile(Trace, [candidate])!);

    internal sealed class Outcome(Simulator simulator, ReplayProgram program)
    {
        private readonly double[] _ready = new double[simulator.Trace.Facts.NodeCount];

        public double Hit(int r) => program.Run(simulator.Trace, r, 1, _ready, simulator.Cost.LookupMs, simulator.Cost.InsertMs);

        public double Miss(int r) => program.Run(simulator.Trace, r, 0, _ready, simulator.Cost.LookupMs, simulator.Cost.InsertMs);
    }
}
