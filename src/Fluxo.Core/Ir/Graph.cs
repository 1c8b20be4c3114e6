using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Fluxo.Diagnostics;

namespace Fluxo.Ir;

/// <summary>One edge of a graph, derived from the nodes' inputs.</summary>
public readonly record struct Edge(int From, int To, int ToInput, string? Field);

/// <summary>
/// One handler as a dataflow graph. Node ids are positions in <see cref="Nodes"/> and are assigned in a
/// deterministic order, so an unchanged handler keeps its ids across recompiles; traces and policies
/// name nodes by these ids and name the graph by <see cref="Hash"/>. An <see cref="Internal"/> handler runs only
/// through <c>enqueue</c>: no front end exposes it.
/// </summary>
public sealed record Graph(
    string Name,
    ImmutableArray<Param> Params,
    string ReturnType,
    ImmutableArray<Node> Nodes,
    int SourceId,
    int SinkId,
    string Hash,
    SourceSpan Span,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Internal = false)
{
    public Node this[int id] => Nodes[id];

    public IEnumerable<Edge> Edges()
    {
        foreach (var n in Nodes)
        {
            for (var i = 0; i < n.Inputs.Length; i++)
            {
                yield return new Edge(n.Inputs[i].From, n.Id, i, n.Inputs[i].Field);
            }
        }
    }

    /// <summary>For each node, the ids of nodes that read its output.</summary>
    public ImmutableArray<ImmutableArray<int>> Consumers()
    {
        var lists = Nodes.Select(_ => new List<int>()).ToArray();
        foreach (var n in Nodes)
        {
            foreach (var input in n.Inputs)
            {
                if (!lists[input.From].Contains(n.Id))
                {
                    lists[input.From].Add(n.Id);
                }
            }
        }

        return lists.Select(l => l.ToImmutableArray()).ToImmutableArray();
    }

    /// <summary>Node ids ordered so that every node comes after its inputs (ids are already in that order).</summary>
    public IEnumerable<int> TopologicalOrder() => Enumerable.Range(0, Nodes.Length);
}
