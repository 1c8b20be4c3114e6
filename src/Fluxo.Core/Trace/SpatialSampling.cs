using System.Collections.Immutable;
using Fluxo.Ir;

namespace Fluxo.Trace;

/// <summary>
/// Spatial sampling (as SHARDS does for one cache): a request is kept when the hash of its key inputs,
/// the values of the request fields its graph reads, falls below rate * 2^64. Every request with the same
/// inputs is kept or dropped together, so each cache keyed on them sees a rate-sized share of its keys
/// with their whole reuse history, and a cache of B bytes behaves like one of rate * B bytes on the sample.
/// </summary>
public static class SpatialSampling
{
    private const ulong Seed = 0x9E3779B97F4A7C15UL;

    /// <summary>The fields a request is sampled on: the parameters some edge reads from the Source, in parameter order.</summary>
    public static ImmutableArray<string> KeyFields(Graph graph)
    {
        var read = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in graph.Edges())
        {
            if (e.From == graph.SourceId && e.Field is not null)
            {
                read.Add(e.Field);
            }
        }

        return [.. graph.Params.Select(p => p.Name).Where(read.Contains)];
    }

    /// <summary>Folds the next key field's value hash (<c>Value.StableHash</c>) into <paramref name="key"/>; start from <see cref="Start"/>.</summary>
    public static ulong Add(ulong key, ulong valueHash) => Mix(key ^ valueHash);

    public static ulong Start => Seed;

    /// <summary>The key hash of a request whose key fields (in <see cref="KeyFields"/> order) have these value hashes.</summary>
    public static ulong KeyHash(ReadOnlySpan<ulong> fieldHashes)
    {
        var key = Seed;
        foreach (var h in fieldHashes)
        {
            key = Add(key, h);
        }

        return key;
    }

    /// <summary>True when a request with key hash <paramref name="keyHash"/> belongs to the sample at <paramref name="rate"/>.</summary>
    public static bool Keeps(ulong keyHash, double rate) => rate >= 1 || keyHash < Threshold(rate);

    /// <summary>rate * 2^64, the bound a kept key hash stays below (rate in (0, 1)).</summary>
    public static ulong Threshold(double rate) =>
        rate >= 1 ? ulong.MaxValue : rate <= 0 ? 0 : (ulong)(rate * 18446744073709551616.0);

    /// <summary>
    /// The key hash of a recorded request of <paramref name="graph"/>: each Source edge names its field, so
    /// the trace's own value hashes give the same key the service computes from the request's values.
    /// </summary>
    public static ulong KeyHash(Graph graph, ImmutableArray<string> keyFields, ReadOnlySpan<EdgeEvent> edges)
    {
        var hashes = new ulong[keyFields.Length];
        var seen = new bool[keyFields.Length];
        for (var i = 0; i < edges.Length; i++)
        {
            var ev = edges[i];
            if (ev.From != graph.SourceId || ev.To < 0 || ev.To >= graph.Nodes.Length)
            {
                continue;
            }

            // A node reading several fields gets their values in input order.
            var ordinal = 0;
            for (var j = 0; j < i; j++)
            {
                if (edges[j].From == ev.From && edges[j].To == ev.To)
                {
                    ordinal++;
                }
            }

            var field = graph.Nodes[ev.To].Inputs.Where(input => input.From == graph.SourceId).ElementAtOrDefault(ordinal)?.Field;
            var k = field is null ? -1 : keyFields.IndexOf(field, StringComparer.Ordinal);
            if (k >= 0 && !seen[k])
            {
                seen[k] = true;
                hashes[k] = ev.Hash;
            }
        }

        return KeyHash(hashes);
    }

    // SplitMix64's finalizer: spreads every input bit over the whole hash, so the threshold cuts evenly.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
