using System.Collections.Immutable;
using Fluxo.Ir;

namespace Fluxo.Trace;

/// <summary>Spatial sampling's view of a graph: which request fields key it, and a recorded request's key hash.</summary>
public static partial class SpatialSampling
{
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
}
