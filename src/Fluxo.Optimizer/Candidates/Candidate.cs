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

    public bool Contains(int node) => Array.BinarySearch(Nodes, node) >= 0;

    public bool Overlaps(Candidate other) => Nodes.Any(other.Contains);

    public override string ToString() => Handler + "{" + string.Join(",", Nodes) + "}";

    /// <summary>Builds the candidate for a node set, or explains in <paramref name="problem"/> why it cannot be cached.</summary>
    public static Candidate? TryCreate(GraphFacts facts, int index, IEnumerable<int> nodeSet, out RegionProblem? problem, int part = 0)
    {
        var region = CachedRegion.TryCreate(facts.Reach, nodeSet, out problem);
        if (region is null)
        {
            return null;
        }

        var entering = region.KeyEdges.Select(e => facts.EdgeIndex[e.To][e.ToInput]).ToArray();
        return new Candidate(index, [.. region.Nodes], entering, [.. region.Outputs], facts.Graph.Name, part);
    }
}
