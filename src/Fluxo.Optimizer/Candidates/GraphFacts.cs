using Fluxo.Ir;
using Fluxo.Regions;

namespace Fluxo.Optimizer.Candidates;

/// <summary>Structural facts about one handler graph that candidate enumeration and replay need.</summary>
public sealed class GraphFacts
{
    public GraphFacts(Graph graph)
    {
        Graph = graph;
        var n = graph.Nodes.Length;
        Edges = [.. graph.Edges()];
        EdgeIndex = new int[n][];
        var next = 0;
        for (var v = 0; v < n; v++)
        {
            EdgeIndex[v] = new int[graph.Nodes[v].Inputs.Length];
            for (var i = 0; i < EdgeIndex[v].Length; i++)
            {
                EdgeIndex[v][i] = next++;
            }
        }

        Reach = new GraphReach(graph);
    }

    public Graph Graph { get; }

    public int NodeCount => Graph.Nodes.Length;

    /// <summary>Every edge in (to-node id, input index) order; an edge's position here is its edge index.</summary>
    public IReadOnlyList<Edge> Edges { get; }

    /// <summary>EdgeIndex[to][input] = index into <see cref="Edges"/>.</summary>
    public int[][] EdgeIndex { get; }

    /// <summary>Reachability, shared with the runtime and the back end through <see cref="CachedRegion"/>.</summary>
    public GraphReach Reach { get; }

    /// <summary>
    /// Per node, how long its value may be reused (<see cref="Freshness.MaxAgeMs"/>): with it, candidates may hold
    /// non-deterministic nodes and expire; null: only deterministic side-effect-free nodes are cached.
    /// </summary>
    public double[]? MaxAgeMs { get; set; }

    public int[][] Consumers => Reach.Consumers;
}
