using System.Globalization;
using System.Net;
using System.Text;
using Fluxo.Ir;

namespace Fluxo.Reporting.Graphs;

/// <summary>
/// A handler's dataflow graph as SVG, laid out without Graphviz: each node sits one layer below its deepest input,
/// nodes in a layer are ordered by where their inputs sit, and edges are curves from a box's bottom to the next's top.
/// A policy's caches fill their nodes in the cache's colour; pre-computed and speculated nodes get a coloured border.
/// </summary>
public static class GraphSvg
{
    private const double CharWidth = 7.2; // monospace at 12 px
    private const double BoxHeight = 40;
    private const double LayerGap = 46;
    private const double NodeGap = 18;
    private const double Margin = 20;
    private const int MaxLabel = 44;

    public static string Render(Graph graph, PolicyMarks marks)
    {
        var layer = new int[graph.Nodes.Length];
        foreach (var n in graph.Nodes)
        {
            // Ids are topological: inputs come first.
            layer[n.Id] = n.Inputs.IsDefaultOrEmpty ? 0 : n.Inputs.Max(i => layer[i.From]) + 1;
        }

        var sink = graph.Nodes.FirstOrDefault(n => n.Kind == NodeKind.Sink);
        if (sink is not null)
        {
            layer[sink.Id] = layer.Max();
        }

        var width = graph.Nodes.Select(n => (Math.Min(MaxLabel, Math.Max(NodeLabels.Title(n).Length, Short(n).Length)) * CharWidth) + 16).ToArray();
        var x = new double[graph.Nodes.Length];
        var rows = graph.Nodes.GroupBy(n => layer[n.Id]).OrderBy(g => g.Key).Select(g => g.ToList()).ToList();
        var rowWidth = new List<double>();
        foreach (var row in rows)
        {
            var ordered = row.OrderBy(n => n.Inputs.IsDefaultOrEmpty ? n.Id : n.Inputs.Average(i => x[i.From])).ThenBy(n => n.Id).ToList();
            var at = 0.0;
            foreach (var n in ordered)
            {
                x[n.Id] = at + (width[n.Id] / 2);
                at += width[n.Id] + NodeGap;
            }

            rowWidth.Add(at - NodeGap);
        }

        var canvas = rowWidth.Max() + (2 * Margin);
        for (var r = 0; r < rows.Count; r++)
        {
            var shift = Margin + ((canvas - (2 * Margin) - rowWidth[r]) / 2);
            foreach (var n in rows[r])
            {
                x[n.Id] += shift;
            }
        }

        var legend = Legend(graph, marks);
        double TopOf(int l) => Margin + 24 + (l * (BoxHeight + LayerGap));
        double Top(int id) => TopOf(layer[id]);
        var height = TopOf(layer.Max()) + BoxHeight + Margin + (legend.Count * 18) + 8;
        var sb = new StringBuilder();
        sb.Append(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{canvas:0}\" height=\"{height:0}\" viewBox=\"0 0 {canvas:0} {height:0}\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"12\">\n"));
        sb.Append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#555\"/></marker></defs>\n");
        sb.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        sb.Append(Inv($"<text x=\"{Margin}\" y=\"{Margin + 4}\" font-size=\"14\" font-weight=\"bold\">handler {Esc(graph.Name)}</text>\n"));
        foreach (var e in graph.Edges())
        {
            var (x1, y1, x2, y2) = (x[e.From], Top(e.From) + BoxHeight, x[e.To], Top(e.To));
            var mid = (y1 + y2) / 2;
            sb.Append(Inv($"<path d=\"M {x1:0.#} {y1:0.#} C {x1:0.#} {mid:0.#}, {x2:0.#} {mid:0.#}, {x2:0.#} {y2:0.#}\" fill=\"none\" stroke=\"#555\" stroke-width=\"1.2\" marker-end=\"url(#arrow)\"/>\n"));
            if (e.Field is { } field)
            {
                sb.Append(Inv($"<text x=\"{((x1 + x2) / 2) + 4:0.#}\" y=\"{mid + 4:0.#}\" font-size=\"10\" fill=\"#666\">{Esc(field)}</text>\n"));
            }
        }

        foreach (var n in graph.Nodes)
        {
            var mark = marks.Of(graph.Name, n.Id);
            var fill = mark.Cache is { } c ? PolicyMarks.CacheColor(c) : n.Props.IsCacheable || n.Kind is NodeKind.Source or NodeKind.Sink ? "#ffffff" : "#eeeeee";
            var opacity = mark.Cache is null ? "1" : "0.28";
            var (stroke, strokeWidth, dash) = mark.Precomputed ? (PolicyMarks.PrecomputeColor, 3.5, "")
                : mark.Speculated ? (PolicyMarks.SpeculateColor, 3.5, " stroke-dasharray=\"6 3\"")
                : ("#333333", 1.0, n.Props.IsCacheable || n.Kind is NodeKind.Source or NodeKind.Sink ? "" : " stroke-dasharray=\"3 2\"");
            var left = x[n.Id] - (width[n.Id] / 2);
            var rounded = n.Kind is NodeKind.Source or NodeKind.Sink ? 18 : 4;
            sb.Append(Inv($"<g><title>{Esc(NodeLabels.Title(n) + "\n" + NodeLabels.Properties(n) + Describe(mark, marks))}</title>"));
            sb.Append(Inv($"<rect x=\"{left:0.#}\" y=\"{Top(n.Id):0.#}\" width=\"{width[n.Id]:0.#}\" height=\"{BoxHeight}\" rx=\"{rounded}\" fill=\"white\" stroke=\"none\"/>"));
            sb.Append(Inv($"<rect x=\"{left:0.#}\" y=\"{Top(n.Id):0.#}\" width=\"{width[n.Id]:0.#}\" height=\"{BoxHeight}\" rx=\"{rounded}\" fill=\"{fill}\" fill-opacity=\"{opacity}\" stroke=\"{stroke}\" stroke-width=\"{strokeWidth}\"{dash}/>"));
            sb.Append(Inv($"<text x=\"{x[n.Id]:0.#}\" y=\"{Top(n.Id) + 16:0.#}\" text-anchor=\"middle\">{Esc(Clip(NodeLabels.Title(n)))}</text>"));
            sb.Append(Inv($"<text x=\"{x[n.Id]:0.#}\" y=\"{Top(n.Id) + 31:0.#}\" text-anchor=\"middle\" font-size=\"10\" fill=\"#555\">{Esc(Clip(Short(n)))}</text></g>\n"));
        }

        var y = height - Margin - (legend.Count * 18) + 12;
        foreach (var (color, style, text) in legend)
        {
            sb.Append(Inv($"<rect x=\"{Margin}\" y=\"{y - 11:0.#}\" width=\"22\" height=\"13\" rx=\"2\" {style.Replace("{c}", color, StringComparison.Ordinal)}/>"));
            sb.Append(Inv($"<text x=\"{Margin + 30}\" y=\"{y:0.#}\">{Esc(text)}</text>\n"));
            y += 18;
        }

        sb.Append("</svg>\n");
        return sb.ToString();
    }

    /// <summary>One line per decision drawn in this graph, in the colours of the boxes.</summary>
    private static List<(string Color, string Style, string Text)> Legend(Graph graph, PolicyMarks marks)
    {
        var legend = new List<(string, string, string)>();
        for (var i = 0; i < marks.Caches.Count; i++)
        {
            var c = marks.Caches[i];
            if (c.Handler == graph.Name)
            {
                legend.Add((PolicyMarks.CacheColor(i), "fill=\"{c}\" fill-opacity=\"0.28\" stroke=\"#333\"", $"cache {i + 1} {NodeLabels.CacheName(graph, c.Nodes.Where(n => n < graph.Nodes.Length))}: {c.Bytes} B"));
            }
        }

        var nodes = graph.Nodes.Select(n => marks.Of(graph.Name, n.Id)).ToList();
        if (nodes.Any(m => m.Precomputed))
        {
            legend.Add((PolicyMarks.PrecomputeColor, "fill=\"white\" stroke=\"{c}\" stroke-width=\"3\"", "pre-computed ahead of requests"));
        }

        if (nodes.Any(m => m.Speculated))
        {
            legend.Add((PolicyMarks.SpeculateColor, "fill=\"white\" stroke=\"{c}\" stroke-width=\"3\" stroke-dasharray=\"6 3\"", "speculated after an earlier request"));
        }

        return legend;
    }

    private static string Describe(NodeMark mark, PolicyMarks marks) =>
        (mark.Cache is { } c ? $"\ncache {c + 1} ({marks.Caches[c].Bytes} B)" : "") + (mark.Precomputed ? "\npre-computed" : "") + (mark.Speculated ? "\nspeculated" : "");

    /// <summary>The second line of a box: the properties that decide caching.</summary>
    private static string Short(Node n) => NodeLabels.Properties(n);

    private static string Clip(string s) => s.Length <= MaxLabel ? s : s[..(MaxLabel - 1)] + "…";

    private static string Esc(string s) => WebUtility.HtmlEncode(s);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
