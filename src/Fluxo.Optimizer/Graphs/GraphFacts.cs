using System.Collections;
using Fluxo.Ir;

namespace Fluxo.Optimizer.Graphs;

/// <summary>Structural facts about one handler graph that candidate enumeration and replay need.</summary>
public sealed class GraphFacts
{
    private readonly BitArray[] _descendants;
    private readonly BitArray[] _ancestors;

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

        Consumers = [.. graph.Consumers().Select(c => c.ToArray())];
        _descendants = new BitArray[n];
        for (var v = n - 1; v >= 0; v--)
        {
            var d = new BitArray(n);
            foreach (var c in Consumers[v])
            {
                d.Set(c, true);
                d.Or(_descendants[c]);
            }

            _descendants[v] = d;
        }

        _ancestors = new BitArray[n];
        for (var v = 0; v < n; v++)
        {
            var a = new BitArray(n);
            foreach (var input in graph.Nodes[v].Inputs)
            {
                a.Set(input.From, true);
                a.Or(_ancestors[input.From]);
            }

            _ancestors[v] = a;
        }

        ConditionalInputs = [.. graph.Nodes.Select(ConditionalInputAnalysis.Of)];
    }

    public Graph Graph { get; }

    public int NodeCount => Graph.Nodes.Length;

    /// <summary>Every edge in (to-node id, input index) order; an edge's position here is its edge index.</summary>
    public IReadOnlyList<Edge> Edges { get; }

    /// <summary>EdgeIndex[to][input] = index into <see cref="Edges"/>.</summary>
    public int[][] EdgeIndex { get; }

    public int[][] Consumers { get; }

    /// <summary>Per node, per input: true when the node pulls that input only on some evaluations (an If branch, a guarded body).</summary>
    public bool[][] ConditionalInputs { get; }

    public bool Reaches(int from, int to) => _descendants[from].Get(to);

    /// <summary>A set is convex when no node outside it lies on a path between two of its nodes.</summary>
    public bool IsConvex(IReadOnlyCollection<int> nodes)
    {
        var n = NodeCount;
        var down = new BitArray(n);
        var up = new BitArray(n);
        foreach (var v in nodes)
        {
            down.Or(_descendants[v]);
            up.Or(_ancestors[v]);
        }

        down.And(up);
        var inside = new BitArray(n);
        foreach (var v in nodes)
        {
            inside.Set(v, true);
        }

        inside.Not();
        down.And(inside);
        return !down.HasAnySet();
    }
}
