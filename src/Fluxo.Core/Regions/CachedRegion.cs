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
/// values it reads on every request that enters it (<see cref="DemandConditions"/>): a value read on some of them
/// only would be computed for the key on all, and is missing from traces when not read. A region inside one arm of a
/// branch is entered only when that arm is taken, so it may be keyed on what the arm reads, and an input its guard
/// alone tests is left out of the key when the guard surely holds on entry. Request fields a node always reads are
/// keys too (they are known on arrival). Its key is the values on <see cref="KeyEdges"/>, in
/// (to-node id, input index) order; an entry holds the values of <see cref="Outputs"/>; how a key is
/// hashed and what an entry costs is <see cref="Policy.CacheKey"/>. Given each node's <see cref="Freshness"/>, a
/// region may also hold non-deterministic nodes whose values may be reused for a while: its entries then expire
/// (<see cref="MaxAgeMs"/>, <see cref="TtlProblem"/>).
/// </summary>
public sealed class CachedRegion
{
    private CachedRegion(Graph graph, ImmutableArray<int> nodes, ImmutableArray<Edge> keyEdges, ImmutableArray<int> outputs, double maxAgeMs)
    {
        MaxAgeMs = maxAgeMs;
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

    /// <summary>How old an entry may be when it is used: the least <see cref="Freshness"/> of its nodes; +inf when all are deterministic.</summary>
    public double MaxAgeMs { get; }

    public bool Contains(int node) => Nodes.BinarySearch(node) >= 0;

    /// <summary>
    /// The region of <paramref name="nodeSet"/> (duplicates ignored), or null with the first rule it breaks. With
    /// <paramref name="maxAgeMs"/> (per node, <see cref="Freshness.MaxAgeMs"/>) a node that may be reused for a while
    /// counts as cacheable; without it only deterministic side-effect-free nodes do.
    /// </summary>
    public static CachedRegion? TryCreate(GraphReach reach, IEnumerable<int> nodeSet, out RegionProblem? problem, double[]? maxAgeMs = null)
    {
        var g = reach.Graph;
        var nodes = nodeSet.Distinct().Order().ToImmutableArray();
        problem = Check(reach, nodes, maxAgeMs, out var keyEdges);
        if (problem is not null)
        {
            return null;
        }

        var maxAge = maxAgeMs is null ? double.PositiveInfinity : nodes.Min(v => maxAgeMs[v]);
        return new CachedRegion(g, nodes, keyEdges, RegionBoundary.Outputs(g, nodes), maxAge);
    }

    /// <summary>
    /// The region of a policy's cache that expires after <paramref name="ttlMs"/> (0: never): its feeds and table reads may
    /// be as stale as that expiry, its externs no staler than their <c>fresh</c> bound. Null with the region rule it breaks
    /// (<paramref name="problem"/>) or why the expiry does not fit (<paramref name="ttlProblem"/>).
    /// </summary>
    public static CachedRegion? ForCache(IrModule module, GraphReach reach, IEnumerable<int> nodeSet, double ttlMs, out RegionProblem? problem, out string? ttlProblem)
    {
        ttlProblem = null;
        var region = TryCreate(reach, nodeSet, out problem, Freshness.MaxAgeMs(module, reach.Graph, ttlMs));
        ttlProblem = region?.TtlProblem(ttlMs);
        return ttlProblem is null ? region : null;
    }

    /// <summary>
    /// Why entries of this region may not live <paramref name="ttlMs"/> (0: forever), or null when they may: a region
    /// with a non-deterministic node needs a positive expiry no longer than <see cref="MaxAgeMs"/>.
    /// </summary>
    public string? TtlProblem(double ttlMs)
    {
        if (double.IsPositiveInfinity(MaxAgeMs))
        {
            return null;
        }

        var node = Nodes.First(v => !Graph.Nodes[v].Props.IsCacheable);
        if (ttlMs <= 0)
        {
            return $"node {node} ({Graph.Nodes[node].Label}) is not deterministic: its entries need ttlSeconds, at most {MaxAgeMs / 1000:0.###}";
        }

        return ttlMs > MaxAgeMs
            ? $"ttlSeconds {ttlMs / 1000:0.###} is longer than its nodes may be reused ({MaxAgeMs / 1000:0.###} s, from an extern's fresh bound)"
            : null;
    }

    private static RegionProblem? Check(GraphReach reach, ImmutableArray<int> nodes, double[]? maxAgeMs, out ImmutableArray<Edge> keyEdges)
    {
        keyEdges = [];
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

            if (maxAgeMs is null ? !g.Nodes[v].Props.IsCacheable : maxAgeMs[v] <= 0)
            {
                return new(RegionProblemKind.NotCacheable, v, $"node {v} ({g.Nodes[v].Label}) is not deterministic and side-effect-free"
                    + (g.Nodes[v].Props.SideEffectFree ? ", and no freshness bound (an extern's fresh, a cache's ttlSeconds) covers it" : ""));
            }
        }

        if (!reach.IsConvex(nodes))
        {
            return new(RegionProblemKind.NotConvex, -1, "a path leaves the subgraph and comes back");
        }

        return KeyProblem(reach, nodes, out keyEdges);
    }

    /// <summary>
    /// The region's key edges: the edges entering it that its nodes read on every request entering it, less those only
    /// a guard that then surely holds reads. Null, or the first entering edge read on some of those requests only.
    /// </summary>
    private static RegionProblem? KeyProblem(GraphReach reach, ImmutableArray<int> nodes, out ImmutableArray<Edge> keyEdges)
    {
        var g = reach.Graph;
        keyEdges = [];
        var all = RegionBoundary.KeyEdges(g, nodes);
        var kept = ImmutableArray.CreateBuilder<Edge>(all.Length);
        BranchCondition? entered = null;
        foreach (var e in all)
        {
            // Cheap and common first: a request field the node always reads is known on arrival and in every trace.
            if (e.From == g.SourceId && !reach.ConditionalInputs[e.To][e.ToInput])
            {
                kept.Add(e);
                continue;
            }

            entered ??= reach.Demand.Entered(nodes);
            if (reach.Demand.OnlyTestsAGuardThatHolds(e.To, e.ToInput, entered))
            {
                continue;
            }

            if (!entered.Implies(reach.Demand.Pulled(e.To, e.ToInput)))
            {
                return new(RegionProblemKind.ConditionalKey, e.To,
                    $"its key would need input {e.ToInput} of node {e.To}, which is read only on some requests that enter it");
            }

            kept.Add(e);
        }

        keyEdges = kept.ToImmutable();
        return null;
    }
}
