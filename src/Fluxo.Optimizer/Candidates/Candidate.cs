using Fluxo.Ir;
using Fluxo.Regions;

namespace Fluxo.Optimizer.Candidates;

/// <summary>
/// A <see cref="CachedRegion"/> as the optimizer indexes it: its key edges as indexes into
/// <see cref="GraphFacts.Edges"/> (<see cref="EnteringEdges"/>, in the region's key order) and its outputs.
/// </summary>
public sealed class Candidate
{
    public Candidate(int index, int[] nodes, int[] enteringEdges, int[] outputNodes, string handler = "", int part = 0)
    {
        Index = index;
        Nodes = nodes;
        EnteringEdges = enteringEdges;
        OutputNodes = outputNodes;
        Handler = handler;
        Part = part;
    }

    /// <summary>Position in the candidate list it came from.</summary>
    public int Index { get; }

    /// <summary>The handler whose graph holds the nodes.</summary>
    public string Handler { get; }

    /// <summary>The handler's position among the handlers a service-wide search optimizes together.</summary>
    public int Part { get; }

    /// <summary>Node ids, ascending.</summary>
    public int[] Nodes { get; }

    public int[] EnteringEdges { get; }

    public int[] OutputNodes { get; }

    /// <summary>How long its entries may serve (ms); 0 forever. A subgraph with non-deterministic nodes gets the longest its nodes allow.</summary>
    public double TtlMs { get; init; }

    public bool Contains(int node) => Array.BinarySearch(Nodes, node) >= 0;

    public bool Overlaps(Candidate other) => Nodes.Any(other.Contains);

    public override string ToString() => Handler + "{" + string.Join(",", Nodes) + "}";

    /// <summary>
    /// Builds the candidate for a node set, or explains in <paramref name="problem"/> why it cannot be cached. Nodes that
    /// may be reused for a while (<see cref="GraphFacts.MaxAgeMs"/>) count as cacheable, and the candidate then expires.
    /// </summary>
    public static Candidate? TryCreate(GraphFacts facts, int index, IEnumerable<int> nodeSet, out RegionProblem? problem, int part = 0)
    {
        var region = CachedRegion.TryCreate(facts.Reach, nodeSet, out problem, facts.MaxAgeMs);
        return region is null ? null : From(facts, index, region, part, double.IsPositiveInfinity(region.MaxAgeMs) ? 0 : region.MaxAgeMs);
    }

    /// <summary>The candidate of a policy's cache, with the cache's own expiry; null with the rule it breaks when the cache does not fit.</summary>
    public static Candidate? ForCache(IrModule module, GraphFacts facts, int index, IEnumerable<int> nodeSet, double ttlMs, out RegionProblem? problem, out string? ttlProblem, int part = 0)
    {
        var region = CachedRegion.ForCache(module, facts.Reach, nodeSet, ttlMs, out problem, out ttlProblem);
        return region is null ? null : From(facts, index, region, part, ttlMs);
    }

    private static Candidate From(GraphFacts facts, int index, CachedRegion region, int part, double ttlMs)
    {
        var entering = region.KeyEdges.Select(e => facts.EdgeIndex[e.To][e.ToInput]).ToArray();
        return new Candidate(index, [.. region.Nodes], entering, [.. region.Outputs], facts.Graph.Name, part) { TtlMs = ttlMs };
    }
}
