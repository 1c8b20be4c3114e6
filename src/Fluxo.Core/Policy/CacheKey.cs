using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace Fluxo.Policy;

/// <summary>
/// The LRU contract every cache of a policy follows: the optimizer's replay (<c>ByteLru</c>), the runtime
/// (<c>LruIndex</c>) and the generated service's Redis scripts (<c>CacheScripts</c>, which ship this file).
/// <list type="bullet">
/// <item>Key: XxHash64 over the little-endian <c>Value.StableHash</c> of each value entering the cached region,
/// in key-edge order (<c>CachedRegion.KeyEdges</c>); the generated service prints it as 16 hex digits.</item>
/// <item>Cost: an entry takes the byte size of the values it stores plus <see cref="EntryOverheadBytes"/>.</item>
/// <item>Lookup: a hit makes the entry the most recently used; a miss changes nothing.</item>
/// <item>Insert (after a miss): an entry larger than the whole budget is not stored and evicts nothing; otherwise
/// least recently used entries are evicted, oldest first, until it fits, and it becomes the most recently used.</item>
/// <item>Expiry (a cache with a TTL, for parts that may be stale for a while): an entry is stamped with the arrival time of
/// the request that stored it; a lookup by a request that arrived more than the TTL after that stamp (<see cref="Expired"/>)
/// is a miss that removes the entry first, so the insert that follows starts from the budget without it. Nothing
/// else expires entries: an old entry that is never looked up again leaves only by eviction.</item>
/// </list>
/// tests/Fluxo.Backend.Azure.Tests/LruContractTests feeds one key sequence through all three and compares.
/// </summary>
public static class CacheKey
{
    /// <summary>What an entry costs beyond its values: key and bookkeeping.</summary>
    public const int EntryOverheadBytes = 16;

    /// <summary>The name of this key scheme, part of every <see cref="Keyspace"/>: change it when <see cref="Combine"/> changes.</summary>
    public const string KeyScheme = "xxh64-edges/1";

    public static ulong Combine(ReadOnlySpan<ulong> edgeHashes)
    {
        Span<byte> buf = edgeHashes.Length <= 32 ? stackalloc byte[edgeHashes.Length * 8] : new byte[edgeHashes.Length * 8];
        for (var i = 0; i < edgeHashes.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(buf[(i * 8)..], edgeHashes[i]);
        }

        return XxHash64.HashToUInt64(buf);
    }

    /// <summary>A key as the generated service's Redis keys and a policy's hot keys write it: 16 hex digits.</summary>
    public static string Format(ulong key) => key.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>
    /// The name of a deployed cache's keyspace: a hash of the key scheme (how entry keys are made from values),
    /// the graph's hash and the cached node set. Two builds share entries only when all three agree, so a
    /// reordered policy or a changed program never reads another cache's entries.
    /// </summary>
    public static string Keyspace(string keyScheme, string handler, string graphHash, IEnumerable<int> nodes)
    {
        var text = string.Join('|', keyScheme, handler, graphHash, string.Join(',', nodes.Distinct().Order().Select(n => n.ToString(CultureInfo.InvariantCulture))));
        return Convert.ToHexStringLower(XxHash64.Hash(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>Whether an entry stamped at <paramref name="storedAtMs"/> is too old for a request arriving at <paramref name="nowMs"/>; a TTL of 0 never expires.</summary>
    public static bool Expired(double storedAtMs, double nowMs, double ttlMs) => ttlMs > 0 && nowMs - storedAtMs > ttlMs;

    /// <summary>Bytes an entry takes: its stored values plus <see cref="EntryOverheadBytes"/>.</summary>
    public static long EntryBytes(IEnumerable<int> valueBytes) => valueBytes.Sum(b => (long)b) + EntryOverheadBytes;
}
