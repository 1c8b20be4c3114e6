using System.Collections.Immutable;

namespace Fluxo.Trace;

/// <summary>What produced a trace: the service and, per handler, the graph (by hash) its node ids refer to.</summary>
public sealed record TraceHeader(
    string Format,
    string Service,
    ImmutableArray<TraceGraph> Graphs,
    string Clock)
{
    public const string CurrentFormat = "fluxo-trace/1";
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
