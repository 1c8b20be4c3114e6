namespace Fluxo.Optimizer.Graphs;

/// <summary>
/// A subgraph a cache may wrap: convex, every node cacheable, never the Source or the Sink. Its key is
/// the values on <see cref="EnteringEdges"/> (in (to-node, input) order); an entry holds the values of
/// <see cref="OutputNodes"/>.
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

    /// <summary>Builds the candidate for a node set, or explains in <paramref name="why"/> why it cannot be cached.</summary>
    public static Candidate? TryCreate(GraphFacts facts, int index, IEnumerable<int> nodeSet, out string? why, int part = 0)
    {
        var nodes = nodeSet.Distinct().Order().ToArray();
        var g = facts.Graph;
        why = null;
        if (nodes.Length == 0)
        {
            why = "it has no nodes";
            return null;
        }

        foreach (var v in nodes)
        {
            if (v < 0 || v >= g.Nodes.Length)
            {
                why = $"node {v} does not exist";
                return null;
            }

            if (v == g.SourceId || v == g.SinkId)
            {
                why = $"node {v} is the {(v == g.SourceId ? "Source" : "Sink")}";
                return null;
            }

            if (!g.Nodes[v].Props.IsCacheable)
            {
                why = $"node {v} ({g.Nodes[v].Label}) is not deterministic and side-effect-free";
                return null;
            }
        }

        if (!facts.IsConvex(nodes))
        {
            why = "a path leaves the subgraph and comes back";
            return null;
        }

        var inside = new HashSet<int>(nodes);
        var entering = new List<int>();
        foreach (var v in nodes)
        {
            var inputs = g.Nodes[v].Inputs;
            for (var i = 0; i < inputs.Length; i++)
            {
                if (inside.Contains(inputs[i].From))
                {
                    continue;
                }

                if (facts.ConditionalInputs[v][i])
                {
                    why = $"its key would need input {i} of node {v}, which is pulled only on some requests";
                    return null;
                }

                entering.Add(facts.EdgeIndex[v][i]);
            }
        }

        var outputs = nodes.Where(v => facts.Consumers[v].Any(c => !inside.Contains(c))).ToArray();
        return new Candidate(index, nodes, [.. entering], outputs, g.Name, part);
    }
}
