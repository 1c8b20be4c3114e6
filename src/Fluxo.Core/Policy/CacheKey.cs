using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace Fluxo.Policy;

/// <summary>
/// The key of a cached subgraph: XxHash64 over the little-endian stable hashes of the edges entering
/// it, in (to-node id, input index) order. The runtime and the simulator both compute it here.
/// </summary>
public static class CacheKey
{
    public static ulong Combine(ReadOnlySpan<ulong> edgeHashes)
    {
        Span<byte> buf = edgeHashes.Length <= 32 ? stackalloc byte[edgeHashes.Length * 8] : new byte[edgeHashes.Length * 8];
        for (var i = 0; i < edgeHashes.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(buf[(i * 8)..], edgeHashes[i]);
        }

        return XxHash64.HashToUInt64(buf);
    }

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

    /// <summary>What an entry costs beyond its values: key and bookkeeping.</summary>
    public const int EntryOverheadBytes = 16;

    /// <summary>Bytes an entry takes: its stored values plus <see cref="EntryOverheadBytes"/>.</summary>
    public static long EntryBytes(IEnumerable<int> valueBytes) => valueBytes.Sum(b => (long)b) + EntryOverheadBytes;
}
