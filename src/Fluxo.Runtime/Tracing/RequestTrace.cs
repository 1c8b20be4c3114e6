using System.Runtime.InteropServices;
using Fluxo.Ir;
using Fluxo.Trace;
using Fluxo.Values;

namespace Fluxo.Runtime.Tracing;

/// <summary>
/// What one request records for its trace beyond the engine's per-node arrays: the values that crossed
/// edges, each with the time it was ready. Not thread-safe: the request run calls it under its lock.
/// </summary>
internal sealed class RequestTrace(int capacity)
{
    private readonly List<(double At, EdgeEvent Edge)> _edges = new(capacity);

    public void Edge(double at, int from, int to, Value v) => _edges.Add((at, new EdgeEvent(from, to, v.StableHash, v.ByteSize)));

    /// <summary>
    /// The request's trace record from the run's per-node arrays: node events sorted by start, edge events
    /// by ready time (stable: ties keep id and arrival order), plus the request's fields on edges into nodes
    /// that did not run.
    /// </summary>
    public TraceRequest Build(RequestInfo info, int graphIndex, Graph graph, Value request, double latency,
        bool[] done, double[] start, double[] self, NodeStatus[] status)
    {
        var n = done.Length;
        var nodes = new NodeEvent[n];
        for (var i = 0; i < n; i++)
        {
            nodes[i] = done[i] ? new NodeEvent(i, start[i], self[i], status[i]) : new NodeEvent(i, 0, 0, NodeStatus.Skipped);
        }

        EventOrder.SortNodes(nodes);
        AddUnpulledRequestFields(graph, request, done, status);
        var edges = new EdgeEvent[_edges.Count];
        var times = new double[_edges.Count];
        for (var i = 0; i < _edges.Count; i++)
        {
            (times[i], edges[i]) = _edges[i];
        }

        EventOrder.SortEdges(edges, times);
        return new TraceRequest(info.Id, info.Client, graphIndex, info.ArrivalMs, latency,
            ImmutableCollectionsMarshal.AsImmutableArray(nodes), ImmutableCollectionsMarshal.AsImmutableArray(edges));
    }

    /// <summary>
    /// The request's fields are known on arrival, so their edges into nodes that did not run are recorded
    /// too (at time 0): the key of a cache that starts at the Source needs them on every request.
    /// </summary>
    private void AddUnpulledRequestFields(Graph graph, Value request, bool[] done, NodeStatus[] status)
    {
        var source = graph.SourceId;
        foreach (var node in graph.Nodes)
        {
            if (done[node.Id] && status[node.Id] != NodeStatus.Skipped)
            {
                continue;
            }

            foreach (var input in node.Inputs)
            {
                if (input.From == source && input.Field is not null)
                {
                    Edge(0, source, node.Id, request.GetField(input.Field) ?? Value.Null);
                }
            }
        }
    }
}
