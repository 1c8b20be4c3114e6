using System.Collections.Immutable;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Fluxo.Trace;
using Fluxo.Values;

namespace Fluxo.Support;

/// <summary>
/// What one request of one handler did, recorded as the local runtime records it (node events, and every value that
/// crossed an edge). The request path only appends value references; hashing and sizing them, sorting and
/// encoding happen on the trace sink's thread (<see cref="Build"/>), so tracing stays off the request path.
/// </summary>
public sealed class RequestTrace(HandlerInfo handler, long id, long client, DateTimeOffset arrival, bool envelope = false)
{
    /// <summary>
    /// The trace id of a request id: the front end's part and the worker's part of one request carry the same one, so
    /// <c>fluxo traces pull</c> joins them. 63 bits, as trace ids are non-negative.
    /// </summary>
    public static long IdOf(string requestId) =>
        (long)(System.IO.Hashing.XxHash64.HashToUInt64(System.Text.Encoding.UTF8.GetBytes(requestId)) & long.MaxValue);

    private readonly long _t0 = Stopwatch.GetTimestamp();
    private readonly double[] _begin = new double[handler.Graph.NodeCount];
    private readonly double[] _ready = new double[handler.Graph.NodeCount];
    private readonly double[] _finish = new double[handler.Graph.NodeCount];
    private readonly double[] _self = new double[handler.Graph.NodeCount];
    private readonly NodeStatus?[] _status = new NodeStatus?[handler.Graph.NodeCount];
    private readonly List<(double At, int From, int To, Value Value)> _edges = new(handler.Graph.NodeCount * 2);

    // Which inputs of each node have their value recorded: one bit per input (a HashSet per request cost more than
    // the request's own work on small handlers); inputs past 63 share the last bit's fallback set.
    private readonly ulong[] _seen = new ulong[handler.Graph.NodeCount];
    private HashSet<(int To, int Input)>? _seenWide;

    public HandlerInfo Handler => handler;
    public long Id => id;
    public long Client => client;
    public DateTimeOffset Arrival => arrival;

    /// <summary>Filled by the tier that answers the client; a worker's part keeps its own compute time.</summary>
    public double LatencyMs { get; private set; }

    private double Now => Stopwatch.GetElapsedTime(_t0).TotalMilliseconds;

    public void Begin(int node)
    {
        lock (this)
        {
            _begin[node] = Now;
        }
    }

    /// <summary>Input <paramref name="input"/> of node <paramref name="to"/> got its value; recorded once however often the code reads it.</summary>
    public void Edge(int from, int to, int input, Value v)
    {
        lock (this)
        {
            if (!FirstTime(to, input))
            {
                return;
            }

            var at = from == handler.Graph.SourceId ? 0 : _finish[from];
            _ready[to] = Math.Max(_ready[to], at);
            _edges.Add((at, from, to, v));
        }
    }

    public void Finish(int node, NodeStatus status)
    {
        lock (this)
        {
            var now = Now;
            var start = Math.Max(_begin[node], _ready[node]);
            _status[node] = status;
            _self[node] = status == NodeStatus.Ran ? Math.Max(0, now - start) : 0;
            _begin[node] = start;
            _finish[node] = status == NodeStatus.Ran ? now : start;
        }
    }

    /// <summary>A cache hit: its nodes were served at lookup time, keyed by the values entering it.</summary>
    public void Served(int[] members, (int From, int To, int Input, Value Value)[] entering)
    {
        lock (this)
        {
            var now = Now;
            foreach (var (from, to, input, v) in entering)
            {
                if (!FirstTime(to, input))
                {
                    continue;
                }

                var at = from == handler.Graph.SourceId ? 0 : _finish[from];
                _edges.Add((at, from, to, v));
            }

            foreach (var m in members)
            {
                _status[m] = NodeStatus.Served;
                _begin[m] = now;
                _finish[m] = now;
                _self[m] = 0;
            }
        }
    }

    public void Complete() => LatencyMs = Now;

    private bool FirstTime(int to, int input)
    {
        if (input < 64)
        {
            var bit = 1UL << input;
            var was = _seen[to];
            _seen[to] = was | bit;
            return (was & bit) == 0;
        }

        return (_seenWide ??= []).Add((to, input));
    }

    /// <summary>
    /// The request as <c>fluxo run</c> would record it, with its arrival in Unix milliseconds (pull rebases it). The
    /// front end's part of a worker request (an envelope) holds only arrival, client and latency.
    /// </summary>
    public TraceRequest Build(Value request)
    {
        if (envelope)
        {
            return new TraceRequest(id, client, handler.Graph.Index, (arrival - DateTimeOffset.UnixEpoch).TotalMilliseconds, LatencyMs, [], []);
        }

        lock (this)
        {
            var g = handler.Graph;
            var n = g.NodeCount;
            var pulledSource = false;
            var recorded = new int[n];
            foreach (var e in _edges)
            {
                if (e.From == g.SourceId)
                {
                    pulledSource = true;
                    recorded[e.To]++;
                }
            }

            var nodes = new NodeEvent[n];
            for (var i = 0; i < n; i++)
            {
                var status = i == g.SourceId ? (pulledSource ? NodeStatus.Ran : NodeStatus.Skipped) : _status[i] ?? NodeStatus.Skipped;
                nodes[i] = _status[i] is null ? new NodeEvent(i, 0, 0, status) : new NodeEvent(i, _begin[i], _self[i], status);
            }

            // A request's fields are known on arrival: their edges into nodes that did not run are recorded too,
            // since a cache that starts at the Source keys on them (as the local runtime records them). A node that
            // read its inputs and then failed has no status but its edges are already here: each edge once.
            var fields = g.SourceFields;
            var missing = new bool[fields.Length];
            var extra = 0;
            for (var f = 0; f < fields.Length; f++)
            {
                if (recorded[fields[f].Node] > 0)
                {
                    recorded[fields[f].Node]--;
                }
                else
                {
                    missing[f] = true;
                    extra++;
                }
            }

            var edges = new EdgeEvent[_edges.Count + extra];
            var ready = new double[edges.Length];
            var k = 0;
            foreach (var e in _edges)
            {
                ready[k] = e.At;
                edges[k++] = new EdgeEvent(e.From, e.To, e.Value.StableHash, e.Value.ByteSize);
            }

            for (var f = 0; f < fields.Length; f++)
            {
                if (missing[f])
                {
                    var v = request.GetField(fields[f].Field) ?? Value.Null;
                    ready[k] = 0;
                    edges[k++] = new EdgeEvent(g.SourceId, fields[f].Node, v.StableHash, v.ByteSize);
                }
            }

            EventOrder.SortNodes(nodes);
            EventOrder.SortEdges(edges, ready);
            return new TraceRequest(id, client, g.Index, (arrival - DateTimeOffset.UnixEpoch).TotalMilliseconds, LatencyMs,
                ImmutableCollectionsMarshal.AsImmutableArray(nodes), ImmutableCollectionsMarshal.AsImmutableArray(edges));
        }
    }
}
