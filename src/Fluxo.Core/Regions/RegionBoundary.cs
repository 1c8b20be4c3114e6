using System.Collections.Immutable;
using Fluxo.Ir;

namespace Fluxo.Regions;

/// <summary>
/// Where a set of nodes meets the rest of its graph. A cached region's entries and a pre-computed or speculated part's
/// entries are keyed and filled by this one rule, so the optimizer, the runtime and the back end agree on both.
/// </summary>
public static class RegionBoundary
{
    /// <summary>The edges into <paramref name="nodes"/> (ascending) from outside them, in (to-node id, input index)
    /// order: an entry's key is their values in this order.</summary>
    public static ImmutableArray<Edge> KeyEdges(Graph graph, IReadOnlyList<int> nodes)
    {
        var inside = Membership(graph, nodes);
        var edges = ImmutableArray.CreateBuilder<Edge>();
        foreach (var v in nodes)
        {
            var inputs = graph.Nodes[v].Inputs;
            for (var i = 0; i < inputs.Length; i++)
            {
                if (!inside[inputs[i].From])
                {
                    edges.Add(new Edge(inputs[i].From, v, i, inputs[i].Field));
                }
            }
        }

        return edges.ToImmutable();
    }

    /// <summary>The members of <paramref name="nodes"/> (ascending) that a node outside them reads, ascending: an entry
    /// holds their values in this order.</summary>
    public static ImmutableArray<int> Outputs(Graph graph, IReadOnlyList<int> nodes)
    {
        var inside = Membership(graph, nodes);
        var read = new bool[graph.Nodes.Length];
        foreach (var n in graph.Nodes.Where(n => !inside[n.Id]))
        {
            foreach (var input in n.Inputs.Where(i => inside[i.From]))
            {
                read[input.From] = true;
            }
        }

        return [.. nodes.Where(v => read[v])];
    }

    private static bool[] Membership(Graph graph, IReadOnlyList<int> nodes)
    {
        var inside = new bool[graph.Nodes.Length];
        foreach (var v in nodes)
        {
            inside[v] = true;
        }

        return inside;
    }
}
