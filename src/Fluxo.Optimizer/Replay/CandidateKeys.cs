using Fluxo.Optimizer.Candidates;
using Fluxo.Policy;

namespace Fluxo.Optimizer.Replay;

/// <summary>
/// Per request, a candidate's cache key (the combined hash of the values entering it, in (to-node,
/// input) order), interned to a dense id, and the bytes its entry would take (values leaving it plus <see cref="CacheKey.EntryOverheadBytes"/>),
/// or -1 when the request did not demand the subgraph at all.
/// </summary>
public sealed class CandidateKeys
{
    private CandidateKeys(int[] keyIds, int distinct, int[] bytes, double meanEntryBytes, int minEntryBytes)
    {
        MinEntryBytes = minEntryBytes;
        KeyIds = keyIds;
        DistinctKeys = distinct;
        EntryBytes = bytes;
        MeanEntryBytes = meanEntryBytes;
    }

    /// <summary>The mean bytes of an entry over the requests that demanded the subgraph.</summary>
    public double MeanEntryBytes { get; }

    /// <summary>The smallest entry over the requests that demanded the subgraph: how many entries a budget can hold at most.</summary>
    public int MinEntryBytes { get; }

    /// <summary>Per request, the key's id: equal keys, equal ids.</summary>
    public int[] KeyIds { get; }

    public int DistinctKeys { get; }

    public int[] EntryBytes { get; }

    /// <summary>Computes the keys; null when some request demanded the subgraph without a value on one of its entering edges.</summary>
    public static CandidateKeys? Compute(FlatTrace trace, Candidate candidate, out long missingInRequest) =>
        Ids(trace, candidate, out missingInRequest) is { } ids ? Compute(trace, candidate, ids) : null;

    /// <summary>
    /// What a candidate's key ids depend on: the edges entering it and the shapes that demand it. Candidates that share it
    /// (a node alone and the region it heads, keyed on the same values) share their ids (<see cref="Ids"/>).
    /// </summary>
    internal static string KeyDefinition(FlatTrace trace, Candidate candidate) =>
        string.Join(",", candidate.EnteringEdges) + "|" + string.Concat(Demanded(trace, candidate).Select(d => d ? '1' : '0'));

    private static bool[] Demanded(FlatTrace trace, Candidate candidate) => [.. trace.Shapes.Select(s => candidate.Nodes.Any(v => s.Ran[v]))];

    /// <summary>
    /// Per request, the candidate's key interned to an id (0 where no request demanded it), and how many distinct keys;
    /// null when some request demanded the subgraph without a value on one of its entering edges (that request's id in
    /// <paramref name="missingInRequest"/>).
    /// </summary>
    internal static KeyIdColumn? Ids(FlatTrace trace, Candidate candidate, out long missingInRequest)
    {
        var edgeCount = trace.Facts.Edges.Count;
        var demanded = Demanded(trace, candidate);
        // Started small: a key of a few thousand values (a city, a zip code) then probes a table the core's cache holds, and
        // one of many values passes through the small sizes at little cost.
        var ids = new KeyInterner(1 << 10);
        // Every row is written, so each page is first touched by the row that fills it rather than by a clearing pass first.
        var keys = LargeArrays.Uninitialized<int>(trace.Requests);
        missingInRequest = -1;
        for (var r = 0; r < trace.Requests; r++)
        {
            if (!demanded[trace.ShapeOf[r]])
            {
                keys[r] = 0;
                continue;
            }

            var baseEdge = r * edgeCount;
            var key = 0x9E3779B97F4A7C15UL;
            foreach (var e in candidate.EnteringEdges)
            {
                if (trace.EdgeBytes[baseEdge + e] < 0)
                {
                    missingInRequest = trace.IdOf(r);
                    return null;
                }

                key = Mix(key ^ trace.EdgeHash[baseEdge + e]);
            }

            keys[r] = ids.Intern(key);
        }

        return new KeyIdColumn(keys, ids.Count);
    }

    /// <summary>The keys of <paramref name="candidate"/> with its <paramref name="ids"/> (<see cref="Ids"/>, perhaps another candidate's of the same <see cref="KeyDefinition"/>): its entries' bytes.</summary>
    internal static CandidateKeys Compute(FlatTrace trace, Candidate candidate, KeyIdColumn ids)
    {
        var facts = trace.Facts;
        var edgeCount = facts.Edges.Count;
        var inside = new bool[facts.NodeCount];
        foreach (var v in candidate.Nodes)
        {
            inside[v] = true;
        }

        var outputEdges = candidate.OutputNodes
            .Select(o => Enumerable.Range(0, edgeCount).Where(e => facts.Edges[e].From == o && !inside[facts.Edges[e].To]).ToArray())
            .ToArray();
        var demanded = Demanded(trace, candidate);
        var bytes = LargeArrays.Uninitialized<int>(trace.Requests);
        long totalBytes = 0, demands = 0;
        var minBytes = int.MaxValue;
        for (var r = 0; r < trace.Requests; r++)
        {
            if (!demanded[trace.ShapeOf[r]])
            {
                bytes[r] = -1;
                continue;
            }

            var baseEdge = r * edgeCount;
            var size = CacheKey.EntryOverheadBytes;
            foreach (var edges in outputEdges)
            {
                foreach (var e in edges)
                {
                    if (trace.EdgeBytes[baseEdge + e] >= 0)
                    {
                        size += trace.EdgeBytes[baseEdge + e];
                        break;
                    }
                }
            }

            bytes[r] = size;
            totalBytes += size;
            minBytes = Math.Min(minBytes, size);
            demands++;
        }

        return new CandidateKeys(ids.Ids, ids.Distinct, bytes, demands == 0 ? 0 : (double)totalBytes / demands, demands == 0 ? 1 : minBytes);
    }

    /// <summary>
    /// The keys of the first <paramref name="rows"/> requests, sharing these arrays: what computing them on those rows would give, but
    /// for ids (the same, since ids are handed out in order of first request) and <see cref="DistinctKeys"/>, which stays the whole's.
    /// </summary>
    internal CandidateKeys Prefix(int rows)
    {
        long totalBytes = 0, demands = 0;
        var minBytes = int.MaxValue;
        for (var r = 0; r < rows; r++)
        {
            var size = EntryBytes[r];
            if (size >= 0)
            {
                totalBytes += size;
                minBytes = Math.Min(minBytes, size);
                demands++;
            }
        }

        return new CandidateKeys(KeyIds, DistinctKeys, EntryBytes, demands == 0 ? 0 : (double)totalBytes / demands, demands == 0 ? 1 : minBytes);
    }

    // SplitMix64's finalizer: each input bit flips about half the key bits, so order and value both matter.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>Per request, a key interned to a dense id (<see cref="CandidateKeys.KeyIds"/>), and how many distinct keys there are.</summary>
internal sealed record KeyIdColumn(int[] Ids, int Distinct);
