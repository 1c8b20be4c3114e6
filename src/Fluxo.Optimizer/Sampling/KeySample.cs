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
    private readonly GraphFacts _facts;

    /// <param name="rate">The share of each key space to keep, in (0, 1).</param>
    public KeySample(GraphFacts facts, double rate)
    {
        _facts = facts;
        Rate = rate;
        _threshold = SpatialSampling.Threshold(rate);

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

            var key = SpatialSampling.Start;
            foreach (var p in _groups[g])
            {
                key = SpatialSampling.Add(key, producerHash[p]);
            }

            if (key < _threshold)
            {
                mask |= 1UL << g;
            }
        }

        return mask;
    }

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
