using System.Collections.Immutable;
using Fluxo.Diagnostics;
using Fluxo.Ir;

namespace Fluxo.Regions;

/// <summary>Why a node set cannot be a cached region; each kind has its own diagnostic code (FLX5001-5006).</summary>
public enum RegionProblemKind
{
    Empty,
    NoSuchNode,
    SourceOrSink,
    NotCacheable,
    NotConvex,
    ConditionalKey,
}

/// <summary>The first rule a node set breaks, with the node concerned (-1 when none) and a sentence for people.</summary>
public sealed record RegionProblem(RegionProblemKind Kind, int Node, string Reason)
{
    /// <summary>The problem as its diagnostic, for a decision at <paramref name="where"/> (a JSON path) in the policy at <paramref name="path"/>.</summary>
    public Diagnostic ToDiagnostic(string path, string where) => ToDiagnostic(new SourceSpan(path, 1, 1, 1, 1, where), Severity.Error);

    public Diagnostic ToDiagnostic(SourceSpan at, Severity severity) => Diag.BadCachedRegion(at, (int)Kind + 1, Reason, severity);
}

/// <summary>
/// A subgraph whose outputs are stored and reused: the one definition the optimizer, the runtime and the back
/// end share. Valid when it has nodes, all cacheable (deterministic, side-effect-free), never the Source or the
/// Sink, convex (no path leaves it and comes back, so its outputs never wait on themselves) and keyed only by
/// inputs its nodes always pull (a value pulled on some requests only would be computed for the key on every
/// request, and is missing from traces when not pulled). Its key is the values on <see cref="KeyEdges"/>, in
/// (to-node id, input index) order; an entry holds the values of <see cref="Outputs"/>; how a key is
/// hashed and what an entry costs is <see cref="Policy.CacheKey"/>.
/// </summary>
public sealed class CachedRegion
{
    private CachedRegion(Graph graph, ImmutableArray<int> nodes, ImmutableArray<Edge> keyEdges, ImmutableArray<int> outputs)
    {
        Graph = graph;
        Nodes = nodes;
        KeyEdges = keyEdges;
        Outputs = outputs;
    }

    public Graph Graph { get; }

    /// <summary>Node ids, ascending.</summary>
    public ImmutableArray<int> Nodes { get; }

    /// <summary>The edges entering the region, in (to-node id, input index) order: the key is their values in this order.</summary>
    public ImmutableArray<Edge> KeyEdges { get; }

    /// <summary>The region's nodes read outside it, ascending: an entry holds their values in this order.</summary>
    public ImmutableArray<int> Outputs { get; }

    public bool Contains(int node) => Nodes.BinarySearch(node) >= 0;

    /// <summary>The region of <paramref name="nodeSet"/> (duplicates ignored), or null with the first rule it breaks.</summary>
    public static CachedRegion? TryCreate(GraphReach reach, IEnumerable<int> nodeSet, out RegionProblem? problem)
    {
        var g = reach.Graph;
        var nodes = nodeSet.Distinct().Order().ToImmutableArray();
        problem = Check(reach, nodes);
        if (problem is not null)
        {
            return null;
        }

        var keyEdges = ImmutableArray.CreateBuilder<Edge>();
        foreach (var v in nodes)
        {
            var inputs = g.Nodes[v].Inputs;
            for (var i = 0; i < inputs.Length; i++)
            {
                if (nodes.BinarySearch(inputs[i].From) < 0)
                {
                    keyEdges.Add(new Edge(inputs[i].From, v, i, inputs[i].Field));
                }
            }
        }

        var outputs = nodes.Where(v => reach.Consumers[v].Any(c => nodes.BinarySearch(c) < 0)).ToImmutableArray();
        return new CachedRegion(g, nodes, keyEdges.ToImmutable(), outputs);
    }

    private static RegionProblem? Check(GraphReach reach, ImmutableArray<int> nodes)
    {
        var g = reach.Graph;
        if (nodes.IsEmpty)
        {
            return new(RegionProblemKind.Empty, -1, "it has no nodes");
        }

        foreach (var v in nodes)
        {
            if (v < 0 || v >= g.Nodes.Length)
            {
                return new(RegionProblemKind.NoSuchNode, v, $"node {v} does not exist");
            }

            if (v == g.SourceId || v == g.SinkId)
            {
                return new(RegionProblemKind.SourceOrSink, v, $"node {v} is the {(v == g.SourceId ? "Source" : "Sink")}");
            }

            if (!g.Nodes[v].Props.IsCacheable)
            {
                return new(RegionProblemKind.NotCacheable, v, $"node {v} ({g.Nodes[v].Label}) is not deterministic and side-effect-free");
            }
        }

        if (!reach.IsConvex(nodes))
        {
            return new(RegionProblemKind.NotConvex, -1, "a path leaves the subgraph and comes back");
        }

        foreach (var v in nodes)
        {
            var inputs = g.Nodes[v].Inputs;
            for (var i = 0; i < inputs.Length; i++)
            {
                if (nodes.BinarySearch(inputs[i].From) < 0 && reach.ConditionalInputs[v][i])
                {
                    return new(RegionProblemKind.ConditionalKey, v, $"its key would need input {i} of node {v}, which is pulled only on some requests");
                }
            }
        }

        return null;
    }
}
