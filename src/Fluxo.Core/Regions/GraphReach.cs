using System.Collections;
using Fluxo.Ir;

namespace Fluxo.Regions;

/// <summary>Which nodes of one graph reach which, computed once: what checking a region's convexity and key needs.</summary>
public sealed class GraphReach
{
    private readonly BitArray[] _descendants;
    private readonly BitArray[] _ancestors;

    public GraphReach(Graph graph)
    {
        Graph = graph;
        var n = graph.Nodes.Length;
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
        _demand = new Lazy<DemandConditions>(() => new DemandConditions(graph));
    }

    private readonly Lazy<DemandConditions> _demand;

    public Graph Graph { get; }

    /// <summary>Consumers[v]: the nodes reading v, each once, ascending.</summary>
    public int[][] Consumers { get; }

    /// <summary>Per node, per input: true when the node pulls that input only on some evaluations (an If branch, a guarded body).</summary>
    public bool[][] ConditionalInputs { get; }

    /// <summary>When each node is demanded and each input pulled, under the request's branch decisions.</summary>
    public DemandConditions Demand => _demand.Value;

    /// <summary>A set is convex when no node outside it lies on a path between two of its nodes.</summary>
    public bool IsConvex(IReadOnlyCollection<int> nodes)
    {
        var n = Graph.Nodes.Length;
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
