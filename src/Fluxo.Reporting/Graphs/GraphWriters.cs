using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fluxo.Ir;

namespace Fluxo.Reporting.Graphs;

/// <summary>
/// Renders handler graphs as Graphviz dot, Mermaid or a compact JSON of nodes and edges; with a policy's
/// <see cref="PolicyMarks"/>, cached nodes are filled in their cache's colour and pre-computed and speculated ones outlined.
/// </summary>
public static class GraphWriters
{
    public static string Dot(IEnumerable<Graph> graphs, PolicyMarks? marks = null)
    {
        marks ??= PolicyMarks.None;
        var sb = new StringBuilder();
        sb.Append("digraph fluxo {\n  rankdir=TB;\n  node [shape=box, fontname=\"Helvetica\"];\n");
        foreach (var g in graphs)
        {
            sb.Append($"  subgraph \"cluster_{g.Name}\" {{\n    label={Quote("handler " + g.Name)};\n");
            foreach (var n in g.Nodes)
            {
                var style = n.Kind is NodeKind.Source or NodeKind.Sink ? ", shape=ellipse" : n.Props.IsCacheable ? "" : ", style=dashed";
                sb.Append($"    \"{g.Name}_{n.Id}\" [label={Quote(NodeLabels.Title(n) + "\n" + NodeLabels.Properties(n) + MarkText(marks.Of(g.Name, n.Id)))}{style}{DotMark(marks.Of(g.Name, n.Id))}];\n");
            }

            foreach (var e in g.Edges())
            {
                var label = e.Field is null ? "" : $" [label={Quote(e.Field)}]";
                sb.Append($"    \"{g.Name}_{e.From}\" -> \"{g.Name}_{e.To}\"{label};\n");
            }

            sb.Append("  }\n");
        }

        sb.Append("}\n");
        return sb.ToString();
    }

    /// <summary>Attributes after the node's own: filled in the cache's colour, a thick outline when pre-computed or speculated.</summary>
    private static string DotMark(NodeMark m)
    {
        var attributes = new List<string>();
        if (m.Cache is { } c)
        {
            attributes.Add($"fillcolor=\"{PolicyMarks.CacheColor(c)}55\"");
        }

        if (m.Precomputed || m.Speculated)
        {
            attributes.Add($"color=\"{(m.Precomputed ? PolicyMarks.PrecomputeColor : PolicyMarks.SpeculateColor)}\", penwidth=3");
        }

        // A later style attribute replaces an earlier one, so the node's own dashes are repeated.
        return m.Cache is null ? attributes.Count == 0 ? "" : ", " + string.Join(", ", attributes) : ", style=\"filled" + (m.Speculated ? ",dashed" : "") + "\", " + string.Join(", ", attributes);
    }

    /// <summary>The decisions on a node, as a last line of its label.</summary>
    private static string MarkText(NodeMark m) => !m.Any ? "" : "\n" + string.Join(" ", new[]
    {
        m.Cache is { } c ? $"cache {c + 1}" : null,
        m.Precomputed ? "pre-computed" : null,
        m.Speculated ? "speculated" : null,
    }.OfType<string>());

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";

    public static string Mermaid(IEnumerable<Graph> graphs, PolicyMarks? marks = null)
    {
        marks ??= PolicyMarks.None;
        var sb = new StringBuilder("flowchart TD\n");
        var styles = new StringBuilder();
        foreach (var g in graphs)
        {
            sb.Append($"  subgraph {g.Name}\n");
            foreach (var n in g.Nodes)
            {
                var mark = marks.Of(g.Name, n.Id);
                var text = MermaidText(NodeLabels.Title(n) + "<br/>" + NodeLabels.Properties(n) + MarkText(mark).Replace("\n", "<br/>", StringComparison.Ordinal));
                if (mark.Any)
                {
                    var fill = mark.Cache is { } c ? $"fill:{PolicyMarks.CacheColor(c)}55" : "fill:#ffffff";
                    var stroke = mark.Precomputed ? $",stroke:{PolicyMarks.PrecomputeColor},stroke-width:3px" : mark.Speculated ? $",stroke:{PolicyMarks.SpeculateColor},stroke-width:3px,stroke-dasharray:6 3" : "";
                    styles.Append($"  style {g.Name}_{n.Id} {fill}{stroke}\n");
                }

                var shape = n.Kind is NodeKind.Source or NodeKind.Sink ? $"([\"{text}\"])" : n.Kind == NodeKind.If ? $"{{\"{text}\"}}" : $"[\"{text}\"]";
                sb.Append($"    {g.Name}_{n.Id}{shape}\n");
            }

            foreach (var e in g.Edges())
            {
                var arrow = e.Field is null ? "-->" : $"-->|{MermaidText(e.Field)}|";
                sb.Append($"    {g.Name}_{e.From} {arrow} {g.Name}_{e.To}\n");
            }

            sb.Append("  end\n");
        }

        return sb.Append(styles).ToString();
    }

    private static string MermaidText(string s) => s.Replace("\"", "#quot;", StringComparison.Ordinal);

    public static string Json(IEnumerable<Graph> graphs, PolicyMarks? marks = null)
    {
        var array = new JsonArray();
        foreach (var g in graphs)
        {
            var nodes = new JsonArray();
            foreach (var n in g.Nodes)
            {
                var node = new JsonObject
                {
                    ["id"] = n.Id,
                    ["kind"] = n.Kind.ToString(),
                    ["label"] = n.Label,
                    ["target"] = n.Target,
                    ["type"] = n.Type,
                    ["deterministic"] = n.Props.Deterministic,
                    ["sideEffectFree"] = n.Props.SideEffectFree,
                    ["dependsOnInput"] = n.Props.DependsOnInput,
                    ["cacheable"] = n.Props.IsCacheable,
                    ["guarded"] = n.Guard is not null,
                    ["reads"] = new JsonArray([.. n.Props.Reads.Select(r => (JsonNode?)r)]),
                    ["writes"] = new JsonArray([.. n.Props.Writes.Select(w => (JsonNode?)w)]),
                    ["line"] = n.Span.Line,
                };
                if (marks is not null)
                {
                    // Only with a policy, so the plain graph's JSON keeps its shape.
                    var m = marks.Of(g.Name, n.Id);
                    node["cache"] = m.Cache is { } c ? c : null;
                    node["precomputed"] = m.Precomputed;
                    node["speculated"] = m.Speculated;
                }

                nodes.Add(node);
            }

            var edges = new JsonArray();
            foreach (var e in g.Edges())
            {
                edges.Add(new JsonObject { ["from"] = e.From, ["to"] = e.To, ["input"] = e.ToInput, ["field"] = e.Field });
            }

            array.Add(new JsonObject { ["handler"] = g.Name, ["hash"] = g.Hash, ["nodes"] = nodes, ["edges"] = edges });
        }

        return array.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }
}
