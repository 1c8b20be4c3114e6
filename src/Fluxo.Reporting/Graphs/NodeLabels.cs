using Fluxo.Ir;

namespace Fluxo.Reporting.Graphs;

/// <summary>How a node is described to a person: kind, target and the properties analyses use.</summary>
public static class NodeLabels
{
    public static string Title(Node n) =>
        n.Target is null || n.Label.Contains(n.Target, StringComparison.Ordinal) ? $"#{n.Id} {n.Kind}: {n.Label}" : $"#{n.Id} {n.Kind}: {n.Label} ({n.Target})";

    public static string Properties(Node n)
    {
        var parts = new List<string>();
        parts.Add(n.Props.Deterministic ? "det" : "nondet");
        parts.Add(n.Props.SideEffectFree ? "pure" : "effects");
        parts.Add(n.Props.DependsOnInput ? "input" : "const");
        if (n.Props.IsCacheable && n.Kind is not (NodeKind.Source or NodeKind.Sink))
        {
            parts.Add("cacheable");
        }

        if (n.Guard is not null)
        {
            parts.Add("guarded");
        }

        if (!n.Props.Reads.IsDefaultOrEmpty)
        {
            parts.Add("reads " + string.Join(",", n.Props.Reads));
        }

        if (!n.Props.Writes.IsDefaultOrEmpty)
        {
            parts.Add("writes " + string.Join(",", n.Props.Writes));
        }

        return string.Join(" ", parts);
    }

    public static string EdgeLabel(NodeInput input) => input.Field ?? input.Port ?? "";

    /// <summary>A cache as people name it: the labels of the nodes it holds, in node order (every report uses this).</summary>
    public static string CacheName(Graph graph, IEnumerable<int> nodes) =>
        "{" + string.Join(", ", nodes.Order().Select(n => graph.Nodes[n].Label)) + "}";
}
