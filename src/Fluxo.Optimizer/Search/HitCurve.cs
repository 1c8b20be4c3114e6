using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Fluxo.Optimizer.Candidates;
using Fluxo.Optimizer.Replay;

namespace Fluxo.Optimizer.Search;

/// <summary>
/// A candidate's behaviour at every cache size from one pass over the trace. A request that demands
/// the subgraph hits an LRU cache of C bytes exactly when its byte-weighted stack distance (bytes of
/// the distinct entries used since its key's last use, plus its own) is at most C. Each access is
/// weighted by what a hit saves over a miss on that request's critical path, so the curve is also the
/// mean latency the cache saves at each size, counting the lookup and insert overheads.
/// </summary>
public sealed class HitCurve
{
    // A curve does not depend on the search's objective, so the searches for each objective (and per handler) share them.
    private static readonly ConditionalWeakTable<ServiceSimulator, ConcurrentDictionary<(Candidate, long), Lazy<HitCurve?>>> Built = [];

    private readonly long[] _sizes;
    private readonly long[] _hits;
    private readonly double[] _gain;

    private HitCurve(Candidate candidate, long lookups, long[] sizes, long[] hits, double[] gain)
    {
        Candidate = candidate;
        Lookups = lookups;
        _sizes = sizes;
        _hits = hits;
        _gain = gain;
    }

    public Candidate Candidate { get; }

    public long Lookups { get; }

    /// <summary>Hits of an LRU cache of <paramref name="bytes"/> bytes replaying the whole trace.</summary>
    public long HitsAt(long bytes)
    {
        var i = Floor(bytes);
        return i < 0 ? 0 : _hits[i];
    }

    /// <summary>The share of lookups that hit at <paramref name="bytes"/>: what a spatially sampled curve is checked against.</summary>
    public double HitRatioAt(long bytes) => Lookups == 0 ? 0 : (double)HitsAt(bytes) / Lookups;

    /// <summary>Mean latency saved per request (ms) by this cache alone at <paramref name="bytes"/>; negative when overheads dominate.</summary>
    public double GainAt(long bytes)
    {
        if (bytes <= 0)
        {
            return 0;
        }

        var i = Floor(bytes);
        return i < 0 ? _gain[0] : _gain[i + 1];
    }

    /// <summary>Sizes where the curve steps (distinct stack distances), ascending.</summary>
    public IReadOnlyList<long> Steps => _sizes;

    /// <summary>
    /// The upper concave hull of (bytes, gain) from (0, 0) up to the best point: vertices whose slopes
    /// (gain per byte) fall, the shape a greedy split of a budget needs.
    /// </summary>
    public IReadOnlyList<(long Bytes, double Gain)> Hull()
    {
        var hull = new List<(long Bytes, double Gain)> { (0, 0) };
        for (var i = 0; i < _sizes.Length; i++)
        {
            var p = (_sizes[i], _gain[i + 1]);
            while (hull.Count >= 2 && Cross(hull[^2], hull[^1], p) >= 0)
            {
                hull.RemoveAt(hull.Count - 1);
            }

            hull.Add(p);
        }

        var top = 0;
        for (var i = 1; i < hull.Count; i++)
        {
            if (hull[i].Gain > hull[top].Gain)
            {
                top = i;
            }
        }

        return hull.Take(top + 1).ToList();
    }

    private static double Cross((long X, double Y) o, (long X, double Y) a, (long X, double Y) b) =>
        ((double)(a.X - o.X) * (b.Y - o.Y)) - ((a.Y - o.Y) * (double)(b.X - o.X));

    private int Floor(long bytes)
    {
        var i = Array.BinarySearch(_sizes, bytes);
        return i >= 0 ? i : ~i - 1;
    }

    /// <summary><see cref="Build"/> once per simulator, candidate and size limit; later searches on the same simulator reuse it.</summary>
    public static HitCurve? Of(ServiceSimulator service, Candidate candidate, long maxBytes = long.MaxValue) =>
        Built.GetValue(service, _ => new()).GetOrAdd((candidate, maxBytes), _ => new(() => Build(service, candidate, maxBytes))).Value;

    /// <summary>
    /// One pass over the candidate's handler's requests; null when the trace cannot key it. Reuses farther than
    /// <paramref name="maxBytes"/> are dropped (they hit no cache that small), so the curve is exact up to it.
    /// Gains are per request of the whole service, so curves of different handlers compare.
    /// </summary>
    public static HitCurve? Build(ServiceSimulator service, Candidate candidate, long maxBytes = long.MaxValue) => Build(service, candidate, maxBytes, treeOnly: false);

    /// <summary><see cref="Build(ServiceSimulator, Candidate, long)"/>; with <paramref name="treeOnly"/>, stack depths from the tree even where the short stack applies (the tests' reference).</summary>
    internal static HitCurve? Build(ServiceSimulator service, Candidate candidate, long maxBytes, bool treeOnly)
    {
        var simulator = service.Parts[candidate.Part];
        var keys = simulator.KeysOf(candidate);
        if (keys is null)
        {
            return null;
        }

        var trace = simulator.Trace;
        var baseLatency = simulator.BaseLatencies();
        var outcomes = simulator.Outcomes(candidate);
        var bit = trace.KeyBit(candidate);
        var rate = trace.RateOf(candidate);

        // Positions in the tree are lookups, not requests: requests that skip the subgraph would only be zeros in it.
        // Under a sample per cache key, only the requests in this candidate's own key sample count.
        var lookups = 0;
        var owned = 0;
        for (var r = 0; r < trace.Requests; r++)
        {
            var mine = trace.Owns(r, bit);
            owned += mine ? 1 : 0;
            lookups += mine && keys.EntryBytes[r] >= 0 ? 1 : 0;
        }

        // Under a sample per cache key, the lookups its sample holds beyond or short of the expected number are counted at the hit
        // ratio of its hottest keys at each size (KeySample.Adjust); the requests that own it move by as many.
        var expected = trace.ExpectedLookups(candidate);
        var adjustedLookups = expected is { } e ? (long)Math.Round(e) : lookups;
        var extra = adjustedLookups - lookups;
        var keyLookups = expected is null ? null : new int[keys.DistinctKeys];
        var reuseKey = expected is null ? null : new int[Math.Min(lookups, 1024)];

        // Gains are per request of the whole service: this handler's mean over its sampled requests, weighed by its share of the service's.
        double perRequest = service.Requests;
        if (trace.KeyMasks is not null)
        {
            perRequest = owned + extra <= 0 ? 1 : service.Requests * (double)(owned + extra) / trace.Requests;
        }

        var distance = new long[Math.Min(lookups, 1024)];
        var weight = new double[distance.Length];
        var reuses = 0;
        StackDepths stack = !treeOnly && maxBytes / keys.MinEntryBytes < ShortStack.MaxEntries
            ? new ShortStack(keys.DistinctKeys, (int)(maxBytes / keys.MinEntryBytes) + 1)
            : new TreeStack(keys.DistinctKeys, lookups);
        // An expiring candidate: a reuse after the entry's stamp is older than the TTL misses at every size. Stamps are
        // taken as in a cache that never evicts, so the curve is exact for large caches and close for small ones.
        var ttl = candidate.TtlMs;
        var stamp = ttl > 0 ? new double[keys.DistinctKeys] : null;
        var baseline = 0.0;
        for (var r = 0; r < trace.Requests; r++)
        {
            var size = keys.EntryBytes[r];
            if (size < 0 || !trace.Owns(r, bit))
            {
                continue;
            }

            var key = keys.KeyIds[r];
            if (keyLookups is not null)
            {
                keyLookups[key]++;
            }

            var miss = outcomes.Miss(r);
            baseline -= miss - baseLatency[r];
            var seen = stack.Seen(key);
            var expired = false;
            if (stamp is not null)
            {
                var now = trace.Arrivals.Length > r ? trace.Arrivals[r] : 0;
                expired = seen && Policy.CacheKey.Expired(stamp[key], now, ttl);
                if (!seen || expired)
                {
                    stamp[key] = now;
                }
            }

            // Bytes of the entries used since the key's last use; -1 when they are more than maxBytes.
            var above = seen ? stack.Above(key) : -1;
            if (above >= 0)
            {
                var d = FlatTrace.WholeBytes(above, rate) + size;
                if (d <= maxBytes && !expired)
                {
                    if (reuses == distance.Length)
                    {
                        Array.Resize(ref distance, reuses * 2);
                        Array.Resize(ref weight, reuses * 2);
                        if (reuseKey is not null)
                        {
                            Array.Resize(ref reuseKey, reuses * 2);
                        }
                    }

                    if (reuseKey is not null)
                    {
                        reuseKey[reuses] = key;
                    }

                    distance[reuses] = d;
                    weight[reuses++] = miss - outcomes.Hit(r);
                }
            }

            stack.Use(key, size);
        }

        // Each reuse weighed by its key's lookups, by distance: the regression's sum of lookups x hits at each size (KeySample.Slope).
        double squares = 0;
        var weighed = new List<(long Distance, int Lookups)>();
        if (extra != 0)
        {
            foreach (var n in keyLookups!)
            {
                squares += (double)n * n;
            }

            for (var i = 0; i < reuses; i++)
            {
                weighed.Add((distance[i], keyLookups[reuseKey![i]]));
            }

            weighed.Sort();
        }

        Array.Sort(distance, weight, 0, reuses);

        // The extra lookups cost the overheads of a mean lookup and, as hits, save what a mean hit saves.
        var meanSaving = 0.0;
        var next = 0;
        var products = 0.0;
        if (extra != 0)
        {
            for (var i = 0; i < reuses; i++)
            {
                meanSaving += weight[i] / reuses;
            }

            baseline += lookups == 0 ? 0 : extra * baseline / lookups;
        }

        var sizes = new List<long>();
        var hits = new List<long>();
        var gain = new List<double> { baseline / perRequest };
        long count = 0;
        var total = baseline;
        for (var i = 0; i < reuses; i++)
        {
            var d = distance[i];
            count++;
            total += weight[i];

            // Hits counted at this size: the sample's, with the extra lookups, within what the lookups allow.
            while (next < weighed.Count && weighed[next].Distance <= d)
            {
                products += weighed[next++].Lookups;
            }

            var counted = extra == 0 ? count : Sampling.KeySample.Adjust(lookups, count, expected!.Value, Sampling.KeySample.Slope(products, squares)).Hits;
            var saved = extra == 0 ? total / perRequest : (total + ((counted - count) * meanSaving)) / perRequest;
            if (sizes.Count > 0 && sizes[^1] == d)
            {
                hits[^1] = counted;
                gain[^1] = saved;
            }
            else
            {
                sizes.Add(d);
                hits.Add(counted);
                gain.Add(saved);
            }
        }

        return new HitCurve(candidate, adjustedLookups, [.. sizes], [.. hits], [.. gain]);
    }

    /// <summary>The LRU stack of a curve's keys: how many bytes of entries were used since a key's last use.</summary>
    /// <remarks>
    /// Its methods, called per lookup through a virtual call, are compiled optimized at once: tiering left them unoptimized for
    /// most of a curve's pass. (Not so <see cref="Build(ServiceSimulator, Candidate, long, bool)"/>, one long call per curve,
    /// which on-stack replacement lifts with the profile it gathered.)
    /// </remarks>
    private abstract class StackDepths(int keys)
    {
        protected readonly int[] LastSize = new int[keys];

        /// <summary>True once <see cref="Use"/> has seen <paramref name="key"/>.</summary>
        public abstract bool Seen(int key);

        /// <summary>The bytes of the distinct entries used since <paramref name="key"/>'s last use; -1 when the stack forgot the key, being sure they are more than the curve's maxBytes.</summary>
        public abstract long Above(int key);

        /// <summary>
        /// <paramref name="key"/> used now, its entry taking <paramref name="size"/> bytes; for a key already seen, right after
        /// <see cref="Above"/> asked for it (the short stack moves the key from where that walk found it).
        /// </summary>
        public abstract void Use(int key, int size);
    }

    /// <summary>Any depth: the entries' bytes by the position of their last use, summed after a position in O(log n).</summary>
    private sealed class TreeStack : StackDepths
    {
        private readonly int[] _lastUse;
        private readonly Fenwick _tree;
        private long _stacked;
        private int _t;

        public TreeStack(int keys, int lookups)
            : base(keys)
        {
            _lastUse = new int[keys];
            Array.Fill(_lastUse, -1);
            _tree = new Fenwick(lookups);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override bool Seen(int key) => _lastUse[key] >= 0;

        // Everything stacked after the key's position.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override long Above(int key) => _stacked - _tree.Prefix(_lastUse[key]);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Use(int key, int size)
        {
            var previous = _lastUse[key];
            if (previous >= 0)
            {
                _tree.Add(previous, -LastSize[key]);
                _stacked -= LastSize[key];
            }

            _tree.Add(_t, size);
            _stacked += size;
            _lastUse[key] = _t++;
            LastSize[key] = size;
        }
    }

    /// <summary>
    /// Depths up to a bound only: the stack's top <c>limit</c> keys, most recent first, in a ring. A key has only ever more keys
    /// above it until it is used again, and every entry takes at least the smallest entry's bytes, so a key pushed below
    /// <c>limit</c> = maxBytes / smallest + 1 others is farther than maxBytes from then on and can be forgotten; a reuse
    /// walks the ring down to its key, as deep as the cache it could hit in holds entries.
    /// </summary>
    private sealed class ShortStack : StackDepths
    {
        /// <summary>Above this many entries within the bound, a walk would cost more than the tree's log n steps.</summary>
        public const long MaxEntries = 4096;

        private const sbyte Never = 0, Below = 1, InRing = 2;

        private readonly sbyte[] _state;
        private readonly int[] _ring;
        private readonly int _mask;
        private readonly int _limit;
        private int _head;
        private int _count;
        private int _depth;

        public ShortStack(int keys, int limit)
            : base(keys)
        {
            _state = new sbyte[keys];
            _limit = limit;
            _ring = new int[(int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)limit + 1)];
            _mask = _ring.Length - 1;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override bool Seen(int key) => _state[key] != Never;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override long Above(int key)
        {
            if (_state[key] != InRing)
            {
                return -1;
            }

            long bytes = 0;
            var i = 0;
            for (int k; (k = _ring[(_head + i) & _mask]) != key; i++)
            {
                bytes += LastSize[k];
            }

            _depth = i;
            return bytes;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Use(int key, int size)
        {
            LastSize[key] = size;
            if (_state[key] == InRing)
            {
                // Above found it at _depth: the keys above it move down one.
                for (var i = _depth; i > 0; i--)
                {
                    _ring[(_head + i) & _mask] = _ring[(_head + i - 1) & _mask];
                }

                _ring[_head] = key;
                return;
            }

            _head = (_head - 1) & _mask;
            _ring[_head] = key;
            _state[key] = InRing;
            if (++_count > _limit)
            {
                _state[_ring[(_head + --_count) & _mask]] = Below;
            }
        }
    }

    /// <summary>Prefix sums over request positions with point updates, for stack distances in O(log n).</summary>
    private sealed class Fenwick(int n)
    {
        private readonly long[] _tree = new long[n + 1];

        public void Add(int i, long delta)
        {
            for (i++; i < _tree.Length; i += i & -i)
            {
                _tree[i] += delta;
            }
        }

        /// <summary>The sum over positions 0..<paramref name="i"/>.</summary>
        public long Prefix(int i)
        {
            long s = 0;
            for (i++; i > 0; i -= i & -i)
            {
                s += _tree[i];
            }

            return s;
        }
    }
}
