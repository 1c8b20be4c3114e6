namespace Fluxo.Trace;

/// <summary>
/// Spatial sampling (as SHARDS does for one cache): a request is kept when the hash of its key inputs,
/// the values of the request fields its graph reads, falls below rate * 2^64. Every request with the same
/// inputs is kept or dropped together, so each cache keyed on them sees a rate-sized share of its keys
/// with their whole reuse history, and a cache of B bytes behaves like one of rate * B bytes on the sample.
/// The rule itself needs no IR, so the generated service compiles this file as it is; the graph side is in SpatialSampling.Graphs.cs.
/// </summary>
public static partial class SpatialSampling
{
    private const ulong Seed = 0x9E3779B97F4A7C15UL;

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

    // SplitMix64's finalizer: spreads every input bit over the whole hash, so the threshold cuts evenly.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
