using Fluxo.Diagnostics;
using Fluxo.Optimizer.Graphs;
using Fluxo.Trace;

namespace Fluxo.Optimizer.Replay;

/// <summary>
/// One handler's requests from a trace, flattened once into arrays so that every replay is a tight
/// loop: per (request, node) the self latency and whether it ran, per (request, edge) the value's hash
/// and bytes. Requests with the same pattern of run nodes and present edges share a shape.
/// </summary>
public sealed class FlatTrace
{
    private FlatTrace(GraphFacts facts, int requests)
    {
        Facts = facts;
        Requests = requests;
        Ids = new long[requests];
        Self = new double[requests * facts.NodeCount];
        EdgeHash = new ulong[requests * facts.Edges.Count];
        EdgeBytes = new int[requests * facts.Edges.Count];
        ShapeOf = new int[requests];
    }

    public GraphFacts Facts { get; }

    public int Requests { get; }

    public long[] Ids { get; }

    /// <summary>Self latency of node v in request r at [r * NodeCount + v]; 0 for skipped nodes.</summary>
    public double[] Self { get; }

    public ulong[] EdgeHash { get; }

    /// <summary>Bytes of the value on edge e in request r at [r * EdgeCount + e]; -1 when no value crossed it.</summary>
    public int[] EdgeBytes { get; }

    public int[] ShapeOf { get; }

    public List<RequestShape> Shapes { get; } = [];

    /// <summary>The fraction of the key space the trace kept (<see cref="SpatialSampling"/>); 1 for a whole trace.</summary>
    public double SampleRate { get; private set; } = 1.0;

    /// <summary>The capacity that behaves on this sample as <paramref name="bytes"/> does on the whole trace.</summary>
    public long SampledBytes(long bytes) => SampleRate >= 1 ? bytes : Math.Max(1, (long)Math.Round(bytes * SampleRate));

    /// <summary>The whole-trace size a stack distance measured on this sample stands for.</summary>
    public long WholeBytes(long sampledBytes) => SampleRate >= 1 ? sampledBytes : (long)Math.Ceiling(sampledBytes / SampleRate);

    /// <summary>Node events replayed per request; the unit of the simulator's speed.</summary>
    public long NodeEvents { get; private set; }

    /// <summary>Flattens the requests of <paramref name="facts"/>'s graph; null (with diagnostics) when the trace does not fit it.</summary>
    public static FlatTrace? Build(TraceData trace, GraphFacts facts, string path, DiagnosticBag diagnostics)
    {
        var graph = facts.Graph;
        var graphIndexes = trace.Header.Graphs
            .Where(g => g.Name == graph.Name && (g.Hash == graph.Hash || string.IsNullOrEmpty(graph.Hash)))
            .Select(g => g.Index)
            .ToHashSet();
        var requests = trace.Requests.Where(r => graphIndexes.Contains(r.Graph)).ToList();
        if (requests.Count == 0)
        {
            diagnostics.Add(trace.Requests.Count == 0 ? Diag.TraceNoRequests(path) : Diag.TraceGraphMissing(path, graph.Name));
            return null;
        }

        var flat = new FlatTrace(facts, requests.Count) { SampleRate = trace.Header.SampleRate };
        var n = facts.NodeCount;
        var edgeCount = facts.Edges.Count;
        var shapes = new Dictionary<string, int>();
        var smallShapes = new Dictionary<(ulong, ulong), int>();
        var small = n <= 64 && edgeCount <= 64;
        var key = new char[n + edgeCount];
        var usedInputs = new HashSet<long>();
        var served = false;
        for (var r = 0; r < requests.Count; r++)
        {
            var req = requests[r];
            flat.Ids[r] = req.Id;
            Array.Fill(key, '0');
            ulong ranBits = 0, edgeBits = 0;
            foreach (var ev in req.Nodes)
            {
                if (ev.Node < 0 || ev.Node >= n)
                {
                    diagnostics.Add(Diag.TraceUnknownNode(path, req.Id, ev.Node));
                    return null;
                }

                if (ev.Status == NodeStatus.Skipped)
                {
                    continue;
                }

                served |= ev.Status == NodeStatus.Served;
                key[ev.Node] = '1';
                ranBits |= 1UL << (ev.Node & 63);
                flat.Self[(r * n) + ev.Node] = ev.SelfMs;
                flat.NodeEvents++;
            }

            Array.Fill(flat.EdgeBytes, -1, r * edgeCount, edgeCount);
            usedInputs.Clear();
            foreach (var ev in req.Edges)
            {
                var e = ev.To >= 0 && ev.To < n ? NextEdge(facts, ev.From, ev.To, usedInputs) : -1;
                if (e < 0)
                {
                    diagnostics.Add(Diag.TraceUnknownEdge(path, req.Id, ev.From, ev.To));
                    return null;
                }

                flat.EdgeHash[(r * edgeCount) + e] = ev.Hash;
                flat.EdgeBytes[(r * edgeCount) + e] = ev.Bytes;
                key[n + e] = '1';
                edgeBits |= 1UL << (e & 63);
            }

            // Most graphs fit two 64-bit masks; larger ones pay for a string key per request.
            int shape;
            var known = small ? smallShapes.TryGetValue((ranBits, edgeBits), out shape) : shapes.TryGetValue(new string(key), out shape);
            if (!known)
            {
                shape = flat.Shapes.Count;
                if (small)
                {
                    smallShapes.Add((ranBits, edgeBits), shape);
                }
                else
                {
                    shapes.Add(new string(key), shape);
                }

                flat.Shapes.Add(new RequestShape(
                    [.. key.AsSpan(0, n).ToArray().Select(c => c == '1')],
                    [.. key.AsSpan(n).ToArray().Select(c => c == '1')]));
            }

            flat.ShapeOf[r] = shape;
        }

        if (served)
        {
            diagnostics.Add(Diag.TraceServedNodes(path));
        }

        return flat;
    }

    /// <summary>
    /// The first input of <paramref name="to"/> from <paramref name="from"/> not yet given a value in this
    /// request. Several inputs may come from one node (two request fields; their values arrive in input
    /// order), while values from different nodes arrive in time order, not input order.
    /// </summary>
    private static int NextEdge(GraphFacts facts, int from, int to, HashSet<long> usedInputs)
    {
        var inputs = facts.Graph.Nodes[to].Inputs;
        for (var i = 0; i < inputs.Length; i++)
        {
            if (inputs[i].From == from && usedInputs.Add(((long)to << 32) | (uint)i))
            {
                return facts.EdgeIndex[to][i];
            }
        }

        return -1;
    }
}

/// <summary>Which nodes ran (or were served) and which edges carried a value, shared by many requests.</summary>
public sealed record RequestShape(bool[] Ran, bool[] EdgePresent);
