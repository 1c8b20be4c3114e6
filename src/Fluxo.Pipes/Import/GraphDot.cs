using System.Text;
using Fluxo.Ir;

namespace Fluxo.Pipes;

/// <summary>A graph as Graphviz DOT: one box per node (label, kind), edges labelled with the field or terminal they carry;
/// nodes that depend on no request input are shaded (pre-computable).</summary>
public static class GraphDot
{
    public static string Write(Graph graph)
    {
        var sb = new StringBuilder();
        sb.Append("digraph \"").Append(Escape(graph.Name)).AppendLine("\" {");
        sb.AppendLine("  rankdir=LR; node [shape=box, fontname=\"Helvetica\"];");
        foreach (var n in graph.Nodes)
        {
            var style = n.Props.DependsOnInput ? "" : ", style=filled, fillcolor=\"#e0e0e0\"";
            sb.Append("  n").Append(n.Id).Append(" [label=\"").Append(n.Id).Append(": ").Append(Escape(n.Label))
                .Append("\\n").Append(n.Kind).Append('"').Append(style).AppendLine("];");
        }

        foreach (var n in graph.Nodes)
        {
            foreach (var input in n.Inputs)
            {
                var label = input.Field ?? input.Port;
                sb.Append("  n").Append(input.From).Append(" -> n").Append(n.Id);
                if (label is not null && label != "_INPUT")
                {
                    sb.Append(" [label=\"").Append(Escape(label)).Append("\"]");
                }

                sb.AppendLine(";");
            }
        }

        sb.AppendLine("}");
        return sb.ToString();
    }

    private static string Escape(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
