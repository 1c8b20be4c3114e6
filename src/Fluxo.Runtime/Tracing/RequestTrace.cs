using System.Runtime.CompilerServices;
using Fluxo.Ir;
using Fluxo.Trace;
using Fluxo.Values;

namespace Fluxo.Runtime.Tracing;

/// <summary>
/// What one request records for its trace beyond the engine's per-node arrays: the values that crossed
/// edges, each with the time it was ready, in arrays reused from request to request; then, once the request is over,
/// its record (a traced request allocates nothing for its trace: this object, taken from a pool, is the record and
/// goes back once written). Not thread-safe: the request run calls it under its lock.
/// </summary>
internal sealed class RequestTrace : RecordedTrace
{
    private RequestTrace()
    {
    }

    // The per-request tracing path is compiled optimized at once, with its small helpers inlined: under tiering each
    // of its methods was compiled two or three times (and ran unoptimized until then), a fixed cost a short run pays.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static RequestTrace Start(int nodes)
    {
        var t = TracePool.Take() ?? new RequestTrace();
        t.IsWritten = false;
        t.Generation++;
        t.NodeCount = 0;
        t.EdgeCount = 0;
        if (t.Nodes.Length < nodes)
        {
            t.Nodes = new NodeEvent[nodes];
        }

        return t;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Edge(double at, int from, int to, Value v)
    {
        var k = EdgeCount;
        if (k == Edges.Length)
        {
            Grow();
        }

        Edges[k] = new EdgeEvent(from, to, v.StableHash, v.ByteSize);
        Times[k] = at;
        EdgeCount = k + 1;
    }

    private void Grow()
    {
        var edges = new EdgeEvent[EdgeCount * 2];
        var times = new double[EdgeCount * 2];
        Edges.AsSpan(0, EdgeCount).CopyTo(edges);
        Times.AsSpan(0, EdgeCount).CopyTo(times);
        (Edges, Times) = (edges, times);
    }

    /// <summary>
    /// The request's trace record from the run's per-node arrays: node events sorted by start, edge events
    /// by ready time (stable: ties keep id and arrival order), plus the request's fields on edges into nodes
    /// that did not run. This trace records nothing after it: it is the record.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public RecordedTrace Build(RequestInfo info, int graphIndex, SourceFields sourceFields, Value request, double latency,
        bool[] done, double[] start, double[] self, NodeStatus[] status)
    {
        var n = done.Length;
        var nodes = Nodes;
        for (var i = 0; i < n; i++)
        {
            nodes[i] = done[i] ? new NodeEvent(i, start[i], self[i], status[i]) : new NodeEvent(i, 0, 0, NodeStatus.Skipped);
        }

        NodeCount = n;
        EventOrder.SortNodes(nodes.AsSpan(0, n));
        AddUnpulledRequestFields(sourceFields, request, done, status);
        EventOrder.SortEdges(Edges.AsSpan(0, EdgeCount), Times.AsSpan(0, EdgeCount));
        Head = new RequestHead(info.Id, info.Client, graphIndex, info.ArrivalMs, latency);
        return this;
    }

    private protected override void Release() => TracePool.Give(this);

    /// <summary>
    /// The request's fields are known on arrival, so their edges into nodes that did not run are recorded
    /// too (at time 0): the key of a cache that starts at the Source needs them on every request.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddUnpulledRequestFields(SourceFields sourceFields, Value request, bool[] done, NodeStatus[] status)
    {
        var nodes = sourceFields.Nodes;
        var fields = sourceFields.Fields;
        for (var i = 0; i < nodes.Length; i++)
        {
            var node = nodes[i];
            if (!done[node] || status[node] == NodeStatus.Skipped)
            {
                Edge(0, sourceFields.Source, node, request.GetField(fields[i]) ?? Value.Null);
            }
        }
    }
}

/// <summary>
/// The inputs of a graph that read a field of the request straight from the Source, as parallel arrays of the reading
/// node and the field, in node and input order: found once per graph rather than on every traced request.
/// </summary>
internal sealed class SourceFields
{
    public SourceFields(Graph graph)
    {
        Source = graph.SourceId;
        var nodes = new List<int>();
        var fields = new List<string>();
        foreach (var node in graph.Nodes)
        {
            foreach (var input in node.Inputs)
            {
                if (input.From == graph.SourceId && input.Field is not null)
                {
                    nodes.Add(node.Id);
                    fields.Add(input.Field);
                }
            }
        }

        Nodes = [.. nodes];
        Fields = [.. fields];
    }

    public int Source { get; }

    public int[] Nodes { get; }

    public string[] Fields { get; }
}
