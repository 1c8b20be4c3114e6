using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Fluxo.Ir;
using Fluxo.Policy;
using Fluxo.Reporting.Graphs;

namespace Fluxo.Reporting;

/// <summary>A generated file: its name inside the report folder and its text.</summary>
public sealed record ReportFile(string Name, string Text);

/// <summary>
/// The files of `fluxo report`, in memory: report.json (every number), one SVG per chart and per handler graph, and
/// index.html, which inlines the same SVGs so it stands alone. Only the command writes to disk.
/// </summary>
public static class HtmlReport
{
    public const string DataFile = "report.json";

    public static IReadOnlyList<ReportFile> Files(ServiceReport report, IrModule module)
    {
        var marks = new PolicyMarks(report.Policy);
        var charts = new List<(ReportFile File, string Caption)>
        {
            (new("latency-cdf.svg", ReportCharts.LatencyCdf(report)), "Share of requests answered within each latency, replaying the trace under the chosen caches, each reference policy and no cache."),
            (new("hit-ratio.svg", ReportCharts.HitRatios(report)), "Hit ratio of each candidate subgraph alone as an LRU cache of each size; a dot marks the size chosen for each chosen cache."),
            (new("budget.svg", ReportCharts.Budget(report)), "Mean latency when the same search splits budgets from an eighth to eight times B (caches only; pre-computed and speculated results keep their share of each budget)."),
        };
        var graphs = report.Handlers.Select(h => module.FindGraph(h)).OfType<Graph>()
            .Select(g => (File: new ReportFile($"graph-{Slug(g.Name)}.svg", GraphSvg.Render(g, marks)), Caption: $"Dataflow graph of handler {g.Name} with the policy's decisions marked."))
            .ToList();
        List<ReportFile> files = [new(DataFile, Json(report)), .. charts.Select(c => c.File), .. graphs.Select(g => g.File)];
        files.Add(new("index.html", Page(report, [.. charts, .. graphs])));
        return files;
    }

    public static string Json(ServiceReport report)
    {
        var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true, TypeInfoResolver = ReportJsonContext.Default };
        var node = JsonSerializer.SerializeToNode(report, options)!.AsObject();
        node["policy"] = JsonNode.Parse(PolicyJson.Serialize(report.Policy));
        return node.ToJsonString(options) + "\n";
    }

    private static string Page(ServiceReport r, IReadOnlyList<(ReportFile File, string Caption)> figures)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
        sb.Append($"<title>Fluxo report: {E(r.Service)}</title>\n");
        sb.Append("<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}"
            + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
            + "td:first-child,th:first-child{text-align:left}tr.chosen{font-weight:bold;background:#fdf0f0}"
            + "figure{margin:1.5em 0}figure svg{max-width:100%;height:auto;border:1px solid #eee}figcaption{color:#555}</style>\n");
        sb.Append("</head><body>\n");
        sb.Append($"<h1>Fluxo report: {E(r.Service)}</h1>\n");
        sb.Append(Inv($"<p>Handlers {E(string.Join(", ", r.Handlers))}, {r.Requests} requests replayed. Budget {ReportCharts.Bytes(r.BudgetBytes)} ({r.BudgetBytes} B): {r.CacheBudgetBytes} B for caches, {r.ReservedBytes} B kept for pre-computed and speculated results. Search {E(r.Search)}, objective {E(r.Objective)}. Every figure comes from one call of the optimizer (the numbers of <code>fluxo optimize --format json</code>); all of them are in <a href=\"{HtmlReport.DataFile}\">{HtmlReport.DataFile}</a>.</p>\n"));

        sb.Append("<h2>Policies</h2>\n<table><tr><th>policy</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>mean ms</th><th>caches</th></tr>\n");
        foreach (var p in r.Policies)
        {
            sb.Append(Inv($"<tr{(p.Chosen ? " class=\"chosen\"" : "")}><td>{E(p.Name)}</td><td>{p.P50Ms:F2}</td><td>{p.P95Ms:F2}</td><td>{p.P99Ms:F2}</td><td>{p.MeanMs:F2}</td><td>{E(string.Join(" ", p.Caches.Select(c => $"{c.Name}:{c.Bytes}B")))}</td></tr>\n"));
        }

        sb.Append("</table>\n<h2>Chosen caches</h2>\n<table><tr><th>cache</th><th>handler</th><th>nodes</th><th>bytes</th><th>hit ratio (replay)</th><th>hits / lookups</th><th>hit ratio alone (curve)</th><th>peak bytes</th></tr>\n");
        foreach (var c in r.Caches)
        {
            sb.Append(Inv($"<tr><td>{E(c.Name)}</td><td>{E(c.Handler)}</td><td>{string.Join(",", c.Nodes)}</td><td>{c.Bytes}</td><td>{c.HitRatio:P1}</td><td>{c.Hits} / {c.Lookups}</td><td>{c.CurveHitRatio:P1}</td><td>{c.PeakBytes}</td></tr>\n"));
        }

        sb.Append("</table>\n<h2>Each kind of decision (whole trace, every handler)</h2>\n<table><tr><th>decisions</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>mean ms</th><th>speculations used / started</th><th>wasted ms</th><th>refresh ms</th></tr>\n");
        foreach (var d in r.Decisions)
        {
            sb.Append(Inv($"<tr><td>{E(d.Name)}</td><td>{d.P50Ms:F2}</td><td>{d.P95Ms:F2}</td><td>{d.P99Ms:F2}</td><td>{d.MeanMs:F2}</td><td>{d.SpeculationsUsed} / {d.Speculations}</td><td>{d.WastedWorkMs:F1}</td><td>{d.RefreshWorkMs:F1}</td></tr>\n"));
        }

        sb.Append("</table>\n<h2>Budget sweep (mean ms)</h2>\n<table><tr><th>budget</th><th>cache bytes</th>");
        var names = r.Sweep.SelectMany(p => p.Policies.Select(q => q.Name)).Distinct().ToList();
        sb.Append(string.Concat(names.Select(n => $"<th>{E(n)}</th>"))).Append("</tr>\n");
        foreach (var p in r.Sweep)
        {
            sb.Append(Inv($"<tr{(p.Factor == 1 ? " class=\"chosen\"" : "")}><td>{ReportCharts.FactorName(p.Factor)} = {p.BudgetBytes} B</td><td>{p.CacheBudgetBytes}</td>"));
            sb.Append(string.Concat(names.Select(n => p.Policies.FirstOrDefault(q => q.Name == n) is { } q ? Inv($"<td>{q.MeanMs:F2}</td>") : "<td>-</td>"))).Append("</tr>\n");
        }

        sb.Append("</table>\n");
        foreach (var (file, caption) in figures)
        {
            sb.Append($"<figure id=\"{E(Path.GetFileNameWithoutExtension(file.Name))}\">\n{InlineSvg(file.Text)}\n<figcaption>{E(caption)} (<a href=\"{E(file.Name)}\">{E(file.Name)}</a>)</figcaption></figure>\n");
        }

        sb.Append("</body></html>\n");
        return sb.ToString();
    }

    /// <summary>An SVG document as an element of the page: without its XML declaration.</summary>
    private static string InlineSvg(string svg)
    {
        var start = svg.IndexOf("<svg", StringComparison.Ordinal);
        return start < 0 ? svg : svg[start..];
    }

    private static string Slug(string name) => string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>report.json's serializers, generated at build time, so `fluxo report` builds none by reflection.</summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(ServiceReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
