using Fluxo.Optimizer.Candidates;
using Fluxo.Trace;

namespace Fluxo.Optimizer.Sampling;

/// <summary>
/// Spatial sampling per cache key, as SHARDS (Waldspurger et al., FAST '15) samples for one cache: a cache sees the
/// requests whose own key hashes below rate * 2^64, with their whole reuse history, and behaves on them as a cache
/// of rate times its bytes. Caches key on different values (one request field, a value derived from one, several
/// together), and a sample drawn on one of them thins the others' histories, so each distinct key is a group with a
/// bit of its own: a key is the set of values entering a candidate, each named by the node and field that produce it
/// (every edge from one producer carries the same value). A request is kept when it is in any group's sample, marked
/// with the groups it is in; each cache then replays on the requests of its own group.
/// </summary>
public sealed class KeySample
{
    /// <summary>Groups beyond this many (a row's mask is 64 bits) are not sampled on their own (<see cref="BitOf"/>).</summary>
    public const int MaxGroups = 64;

    private readonly Dictionary<string, int> _groupOf = new(StringComparer.Ordinal);
    private readonly List<int[]> _groups = [];
    private readonly List<HashSet<int>> _groupNodes = [];
    private readonly List<int[]> _producerEdges = [];
    private readonly Dictionary<(int, string), int> _producerOf = [];
    private readonly ulong _threshold;
    private readonly ulong _start;
    private readonly GraphFacts _facts;

    // Every streamed request's pattern of run nodes (kept or not) and how many had it: what a cache's lookups in the whole trace are.
    private readonly Dictionary<ulong, int> _patternOf = [];
    private readonly List<bool[]> _patterns = [];
    private long[] _patternCounts = new long[4];

    // Per group, the keys of every streamed request (a HyperLogLog sketch of 2^14 registers, 16 KB) and the sampled ones
    // (exactly, up to SmallSample): how many keys the sample holds of how many, where that is few enough to matter.
    private const int RegisterBits = 14;
    private const int SmallSample = 256;
    private readonly List<byte[]> _registers = [];
    private readonly List<HashSet<ulong>?> _sampledKeys = [];

    /// <param name="rate">The share of each key space to keep, in (0, 1).</param>
    /// <param name="salt">Mixed into every key's hash: another salt draws another sample of the same rate (to check that a figure is not luck).</param>
    public KeySample(GraphFacts facts, double rate, ulong salt = 0)
    {
        _facts = facts;
        Rate = rate;
        _threshold = SpatialSampling.Threshold(rate);
        _start = salt == 0 ? SpatialSampling.Start : SpatialSampling.Add(SpatialSampling.Start, salt);

        // The keys of every candidate any staleness allows: those of deterministic nodes, then with every node reusable.
        var open = new GraphFacts(facts.Graph) { MaxAgeMs = [.. Enumerable.Repeat(double.PositiveInfinity, facts.NodeCount)] };
        foreach (var c in CandidateEnumerator.Enumerate(new GraphFacts(facts.Graph)).Concat(CandidateEnumerator.Enumerate(open)))
        {
            var producers = Producers(c.EnteringEdges, add: true);
            var name = Name(producers);
            if (producers.Length > 0 && _groups.Count < MaxGroups && !_groupOf.ContainsKey(name))
            {
                _groupOf[name] = _groups.Count;
                _groups.Add(producers);
                _groupNodes.Add([]);
                _registers.Add(new byte[1 << RegisterBits]);
                _sampledKeys.Add([]);
            }

            if (_groupOf.TryGetValue(name, out var g))
            {
                _groupNodes[g].UnionWith(c.Nodes);
            }
        }
    }

    public double Rate { get; }

    /// <summary>Distinct keys sampled on their own.</summary>
    public int Groups => _groups.Count;

    /// <summary>
    /// The bit of <paramref name="candidate"/>'s key group in a row's mask; all bits when its key is not a group (no entering
    /// value, or past <see cref="MaxGroups"/>): such a cache sees every kept request, as under a sample of requests.
    /// </summary>
    public ulong BitOf(Candidate candidate)
    {
        var producers = Producers(candidate.EnteringEdges, add: false);
        return producers.Length > 0 && _groupOf.TryGetValue(Name(producers), out var g) ? 1UL << g : ulong.MaxValue;
    }

    /// <summary>
    /// The groups whose sample holds a request that ran these nodes (<paramref name="ran"/>, or when it is empty the
    /// bits of <paramref name="ranBits"/>, for graphs of at most 64 nodes) with these edge values (<see cref="FlatTrace.EdgeHash"/>,
    /// <see cref="FlatTrace.EdgeBytes"/> of its row); 0 drops it. A group counts only where the request demanded one of its
    /// caches: elsewhere its key may be a value most requests share (an empty field), which would keep them all.
    /// </summary>
    public ulong Mask(ReadOnlySpan<bool> ran, ulong ranBits, ReadOnlySpan<ulong> edgeHash, ReadOnlySpan<int> edgeBytes, Span<ulong> producerHash)
    {
        for (var p = 0; p < _producerEdges.Count; p++)
        {
            producerHash[p] = 0;
            foreach (var e in _producerEdges[p])
            {
                if (edgeBytes[e] >= 0)
                {
                    producerHash[p] = edgeHash[e];
                    break;
                }
            }
        }

        var mask = 0UL;
        for (var g = 0; g < _groups.Count; g++)
        {
            if (!Demanded(g, ran, ranBits))
            {
                continue;
            }

            var key = _start;
            foreach (var p in _groups[g])
            {
                key = SpatialSampling.Add(key, producerHash[p]);
            }

            var mixed = SpatialSampling.Add(key, 0x632BE59BD9B4E019UL);
            var register = (int)(mixed >> (64 - RegisterBits));
            var rank = (byte)(System.Numerics.BitOperations.LeadingZeroCount((mixed << RegisterBits) | (1UL << (RegisterBits - 1))) + 1);
            _registers[g][register] = Math.Max(_registers[g][register], rank);
            if (key < _threshold)
            {
                mask |= 1UL << g;
                if (_sampledKeys[g] is { } sampled && sampled.Add(key) && sampled.Count > SmallSample)
                {
                    _sampledKeys[g] = null;
                }
            }
        }

        return mask;
    }

    /// <summary>
    /// The share of <paramref name="candidate"/>'s keys its sample holds (sampled keys over all keys streamed, the latter
    /// estimated by HyperLogLog: within about 1%), when the sample holds at most 256 keys: then the count of keys that
    /// hashed in varies by 6% or more around rate times all (600 keys at rate 0.1 give 60 +- 7), and a cache scaled by the
    /// rate rather than by this share is too large or too small for the sample's working set. Null otherwise: a share of
    /// keys is not a share of the traffic a cache's working set is made of, and with more keys drawn the difference
    /// outweighs the count's own variance (40,000 cities at rate 0.1 scaled by it missed a 16 MB cache's hit ratio by 2
    /// points, by the rate 0.3). Null too when the key is not a group.
    /// </summary>
    public double? RealizedRate(Candidate candidate)
    {
        var producers = Producers(candidate.EnteringEdges, add: false);
        if (producers.Length == 0 || !_groupOf.TryGetValue(Name(producers), out var g) || _sampledKeys[g] is not { Count: > 0 } sampled)
        {
            return null;
        }

        var m = (double)(1 << RegisterBits);
        var sum = 0.0;
        var zeros = 0;
        foreach (var r in _registers[g])
        {
            sum += Math.ScaleB(1, -r);
            zeros += r == 0 ? 1 : 0;
        }

        var all = 0.7213 / (1 + (1.079 / m)) * m * m / sum;
        if (all <= 2.5 * m && zeros > 0)
        {
            all = m * Math.Log(m / zeros);
        }

        return Math.Clamp(sampled.Count / all, Rate / 4, 1);
    }

    /// <summary>Requests counted by <see cref="Count"/>: every request of the handler the trace held, kept or not.</summary>
    public long Streamed { get; private set; }

    /// <summary>
    /// Counts a request of the handler, kept or not, by the nodes it ran (<paramref name="ran"/>, or when it is empty the
    /// bits of <paramref name="ranBits"/>): a few counters, whatever the trace's length, from which <see cref="Demands"/> gives each
    /// cache's lookups in the whole trace.
    /// </summary>
    public void Count(ReadOnlySpan<bool> ran, ulong ranBits)
    {
        Streamed++;
        var key = ranBits;
        if (!ran.IsEmpty)
        {
            key = SpatialSampling.Start;
            for (var v = 0; v < ran.Length; v++)
            {
                key = ran[v] ? SpatialSampling.Add(key, (ulong)v) : key;
            }
        }

        // A large graph's pattern is known by a hash of its nodes; a clash would merge two patterns, so it is checked.
        if (!_patternOf.TryGetValue(key, out var i) || (!ran.IsEmpty && !ran.SequenceEqual(_patterns[i])))
        {
            var pattern = ran.IsEmpty ? [.. Enumerable.Range(0, _facts.NodeCount).Select(v => ((ranBits >> v) & 1) != 0)] : ran.ToArray();
            i = _patterns.FindIndex(p => p.AsSpan().SequenceEqual(pattern));
            if (i < 0)
            {
                i = _patterns.Count;
                _patterns.Add(pattern);
                _patternOf.TryAdd(key, i);
                if (i == _patternCounts.Length)
                {
                    Array.Resize(ref _patternCounts, i * 2);
                }
            }
        }

        _patternCounts[i]++;
    }

    /// <summary>Requests counted by <see cref="Count"/> that demanded <paramref name="candidate"/>'s subgraph: its lookups in the whole trace.</summary>
    public long Demands(Candidate candidate)
    {
        long demands = 0;
        for (var i = 0; i < _patterns.Count; i++)
        {
            demands += candidate.Nodes.Any(v => _patterns[i][v]) ? _patternCounts[i] : 0;
        }

        return demands;
    }

    /// <summary>
    /// A cache's hits on its key sample, corrected for the keys drawn in or out by chance, as SHARDS-adj (Waldspurger et al.,
    /// FAST '15) corrects a sample's histogram: the lookups the sample holds beyond or short of the <paramref name="expected"/>
    /// number (the rate times the lookups counted while streaming) are counted as hits at the ratio <paramref name="slope"/>, and
    /// the lookups become the expected number. SHARDS-adj counts them all as hits (at distance 0), right when the keys that
    /// make the difference are hot ones that hit at any size; with a cache of a few entries they miss too. The slope that
    /// cancels the most of the sample's variance is the regression estimator's (<see cref="Slope"/>).
    /// </summary>
    public static (long Lookups, long Hits) Adjust(long lookups, long hits, double expected, double slope)
    {
        var want = (long)Math.Round(expected);
        return (want, Math.Clamp(hits + (long)Math.Round((want - lookups) * slope), 0, want));
    }

    /// <summary>
    /// The hits per lookup a key drawn in or out by chance carries: sum over the sample's keys of lookups x hits over sum of
    /// lookups squared, the regression estimator's coefficient of hits on lookups (a key moves the sample's lookups by its
    /// lookups n, with a variance in n squared, and its hits with them). With a few hot keys it is their hit ratio; with many
    /// keys of like weight it is the sample's own, and the correction fades.
    /// </summary>
    public static double Slope(double lookupsTimesHits, double lookupsSquared) => lookupsSquared == 0 ? 1 : lookupsTimesHits / lookupsSquared;

    /// <summary>Scratch room <see cref="Mask"/> needs: one hash per producer.</summary>
    public int ProducerCount => _producerEdges.Count;

    /// <summary>
    /// Whether a cache hits on a request outside its own group's sample: the LRU never saw that key's history, so the
    /// outcome is drawn, deterministically per request and cache, at the hit ratio the cache has on its sample so far.
    /// The latency estimates of multi-cache replays use it; hit ratios count only the cache's own sample.
    /// </summary>
    public static bool Guess(long requestId, int cache, long hits, long lookups)
    {
        if (hits == 0)
        {
            return false;
        }

        var u = SpatialSampling.Add(SpatialSampling.Start, unchecked((ulong)requestId * 0x9E3779B97F4A7C15UL) ^ (ulong)cache);
        return (u >> 11) * (1.0 / (1UL << 53)) * lookups < hits;
    }

    private bool Demanded(int g, ReadOnlySpan<bool> ran, ulong ranBits)
    {
        foreach (var v in _groupNodes[g])
        {
            if (ran.IsEmpty ? ((ranBits >> v) & 1) != 0 : ran[v])
            {
                return true;
            }
        }

        return false;
    }

    // A key's producers, sorted: the same values entering by different edges name one key.
    private int[] Producers(int[] enteringEdges, bool add)
    {
        var producers = new SortedSet<int>();
        foreach (var e in enteringEdges)
        {
            var edge = _facts.Edges[e];
            var id = (edge.From, edge.Field ?? "");
            if (!_producerOf.TryGetValue(id, out var p))
            {
                if (!add)
                {
                    return [];
                }

                p = _producerOf[id] = _producerEdges.Count;
                _producerEdges.Add([.. Enumerable.Range(0, _facts.Edges.Count).Where(x => _facts.Edges[x].From == edge.From && (_facts.Edges[x].Field ?? "") == id.Item2)]);
            }

            producers.Add(p);
        }

        return [.. producers];
    }

    private static string Name(int[] producers) => string.Join(",", producers);
}
