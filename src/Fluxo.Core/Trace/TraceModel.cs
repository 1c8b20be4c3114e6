using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace Fluxo.Trace;

/// <summary>
/// What produced a trace: the service and, per handler, the graph (by hash) its node ids refer to.
/// <paramref name="SampleRate"/> is the fraction of the key space kept by <see cref="SpatialSampling"/>
/// (1 for a whole trace; traces written before it existed read as 1). <paramref name="DroppedRequests"/> counts
/// requests a deployed service served but could not trace (its trace buffer was full or storage failed).
/// </summary>
public sealed record TraceHeader(
    string Format,
    string Service,
    ImmutableArray<TraceGraph> Graphs,
    string Clock,
    double SampleRate = 1.0,
    long DroppedRequests = 0)
{
    public const string CurrentFormat = "fluxo-trace/1";

    /// <summary>Why this header cannot describe a trace, or null when it can.</summary>
    public string? Problem() =>
        Format != CurrentFormat || Graphs.IsDefault ? $"the header must name format '{CurrentFormat}' and its graphs"
        : !(SampleRate > 0 && SampleRate <= 1) ? $"the sample rate {SampleRate} is not in (0, 1]"
        : Clock is not ("virtual" or "real") ? $"the clock is '{Clock}', not 'virtual' or 'real'"
        : Graphs.Select((g, i) => g is null || g.Index != i || string.IsNullOrEmpty(g.Hash) || g.Name is null || g.NodeCount < 2 ? i : -1).FirstOrDefault(i => i >= 0, -1) is var bad and >= 0
            ? $"graph {bad} of the header needs its index ({bad}), a name, a hash and at least a Source and a Sink"
        : null;

    /// <summary>Why a request with <paramref name="nodeEvents"/> node events cannot have been recorded: every request runs at least its Source and Sink.</summary>
    public static string? EventsProblem(long id, long nodeEvents) =>
        nodeEvents < 2 ? $"request {id} has {nodeEvents} node events; a recorded request has at least its Source and Sink" : null;
}

public sealed record TraceGraph(int Index, string Name, string Hash, int NodeCount);

public enum NodeStatus : byte
{
    /// <summary>The node computed its value.</summary>
    Ran,
    /// <summary>Not run: an untaken branch or a false guard.</summary>
    Skipped,
    /// <summary>Served from a cache, a pre-computed store or a speculation.</summary>
    Served,
}

/// <summary>One node's work in one request; times in milliseconds from the request's arrival.</summary>
public readonly record struct NodeEvent(int Node, double StartMs, double SelfMs, NodeStatus Status);

/// <summary>A value that crossed an edge: stable hash and byte size of the value, never the value itself.</summary>
public readonly record struct EdgeEvent(int From, int To, ulong Hash, int Bytes);

/// <summary>
/// The order of a request's events in a trace, for every tier that records one (the local runtime and the generated
/// service): nodes by start, edges by the time their value was ready. Both sorts are stable, so ties keep the order
/// the events were recorded in: parallel edges into one node keep their slots. Insertion sorts, as a request has a
/// handful of events.
/// </summary>
public static class EventOrder
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SortNodes(Span<NodeEvent> nodes)
    {
        for (var i = 1; i < nodes.Length; i++)
        {
            // Most events arrive in order: leave them where they are.
            if (nodes[i - 1].StartMs <= nodes[i].StartMs)
            {
                continue;
            }

            var x = nodes[i];
            var j = i - 1;
            while (j >= 0 && nodes[j].StartMs > x.StartMs)
            {
                nodes[j + 1] = nodes[j];
                j--;
            }

            nodes[j + 1] = x;
        }
    }

    /// <summary>Sorts <paramref name="edges"/> by <paramref name="readyMs"/>, the time each one's value was ready (sorted with them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SortEdges(Span<EdgeEvent> edges, Span<double> readyMs)
    {
        for (var i = 1; i < edges.Length; i++)
        {
            if (readyMs[i - 1] <= readyMs[i])
            {
                continue;
            }

            var (e, at) = (edges[i], readyMs[i]);
            var j = i - 1;
            while (j >= 0 && readyMs[j] > at)
            {
                readyMs[j + 1] = readyMs[j];
                edges[j + 1] = edges[j];
                j--;
            }

            readyMs[j + 1] = at;
            edges[j + 1] = e;
        }
    }
}

/// <summary>The fields of one request record, without its events.</summary>
public readonly record struct RequestHead(long Id, long Client, int Graph, double ArrivalMs, double LatencyMs);

/// <summary>Everything observed for one request, in the order the runtime saw it.</summary>
public sealed record TraceRequest(
    long Id,
    long Client,
    int Graph,
    double ArrivalMs,
    double LatencyMs,
    ImmutableArray<NodeEvent> Nodes,
    ImmutableArray<EdgeEvent> Edges);

/// <summary>A whole trace in memory: the contract between the runtime and the optimizer.</summary>
public sealed record TraceData(TraceHeader Header, IReadOnlyList<TraceRequest> Requests);
