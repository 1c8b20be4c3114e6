using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fluxo.Ir;

namespace Fluxo.Cli.Graphs;

/// <summary>Renders handler graphs as Graphviz dot, Mermaid or a compact JSON of nodes and edges.</summary>
internal static class GraphWriters
{
    public static string Dot(IEnumerable<Graph> graphs)
    {
        var sb = new StringBuilder();
        sb.Append("digraph fluxo {\n  rankdir=TB;\n  node [shape=box, fontname=\"Helvetica\"];\n");
        foreach (var g in graphs)
        {
            sb.Append($"  subgraph \"cluster_{g.Name}\" {{\n    label={Quote("handler " + g.Name)};\n");
            foreach (var n in g.Nodes)
            {
                var style = n.Kind is NodeKind.Source or NodeKind.Sink ? ", shape=ellipse" : n.Props.IsCacheable ? "" : ", style=dashed";
                sb.Append($"    \"{g.Name}_{n.Id}\" [label={Quote(NodeLabels.Title(n) + "\n" + NodeLabels.Properties(n))}{style}];\n");
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

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";

    public static string Mermaid(IEnumerable<Graph> graphs)
    {
        var sb = new StringBuilder("flowchart TD\n");
        foreach (var g in graphs)
        {
            sb.Append($"  subgraph {g.Name}\n");
            foreach (var n in g.Nodes)
            {
                var text = MermaidText(NodeLabels.Title(n) + "<br/>" + NodeLabels.Properties(n));
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

        return sb.ToString();
    }

    private static string MermaidText(string s) => s.Replace("\"", "#quot;", StringComparison.Ordinal);

    public static string Json(IEnumerable<Graph> graphs)
    {
        var array = new JsonArray();
        foreach (var g in graphs)
        {
            var nodes = new JsonArray();
            foreach (var n in g.Nodes)
            {
                nodes.Add(new JsonObject
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
                });
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
