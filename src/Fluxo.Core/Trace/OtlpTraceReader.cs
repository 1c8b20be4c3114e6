using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Fluxo.Diagnostics;

namespace Fluxo.Trace;

/// <summary>
/// Reads an OTLP/JSON export of a Fluxo service's spans (<see cref="OtlpSpans"/>), as the OpenTelemetry Collector's file
/// exporter writes it (one ExportTraceServiceRequest object per line), into the trace model. Spans of other sources are
/// ignored; each trace id holding a request span is one request.
/// </summary>
public static class OtlpTraceReader
{
    private sealed record Span(string TraceId, long StartNs, long EndNs, Dictionary<string, JsonElement> Attributes, string? ResourceService);

    /// <summary>True when the file starts like JSON: traces in Fluxo's own forms never do.</summary>
    public static bool Looks(ReadOnlySpan<byte> first) => first.TrimStart(" \t\r\n"u8) is [(byte)'{', ..];

    public static TraceData? Read(string path, DiagnosticBag diags)
    {
        var spans = new List<Span>();
        var line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (text.Trim().Length == 0)
            {
                continue;
            }

            try
            {
                using var doc = JsonDocument.Parse(text);
                Collect(doc.RootElement, spans);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or OverflowException or KeyNotFoundException)
            {
                diags.Add(Diag.TraceMalformed(path, line, "not an OTLP/JSON trace export (one ExportTraceServiceRequest object per line): " + e.Message));
                return null;
            }
        }

        return Build(path, spans, diags);
    }

    private static void Collect(JsonElement root, List<Span> spans)
    {
        foreach (var rs in Array(root, "resourceSpans"))
        {
            var resource = rs.TryGetProperty("resource", out var r) ? Attributes(r) : [];
            var service = resource.TryGetValue("service.name", out var s) ? Scalar(s) : null;
            foreach (var ss in Array(rs, "scopeSpans"))
            {
                foreach (var span in Array(ss, "spans"))
                {
                    var attrs = Attributes(span);
                    if (attrs.ContainsKey(OtlpSpans.Handler))
                    {
                        spans.Add(new Span(
                            span.GetProperty("traceId").GetString() ?? "",
                            Long(span.GetProperty("startTimeUnixNano")),
                            Long(span.GetProperty("endTimeUnixNano")),
                            attrs,
                            service));
                    }
                }
            }
        }
    }

    private static TraceData? Build(string path, List<Span> spans, DiagnosticBag diags)
    {
        var requestSpans = spans.Where(s => !s.Attributes.ContainsKey(OtlpSpans.Node) && !s.Attributes.ContainsKey(OtlpSpans.Cache)).ToList();
        if (requestSpans.Count == 0)
        {
            diags.Add(Diag.TraceMalformed(path, 1, $"no request span: no span has '{OtlpSpans.Handler}' without '{OtlpSpans.Node}'"));
            return null;
        }

        var nodesByTrace = spans.Where(s => s.Attributes.ContainsKey(OtlpSpans.Node)).ToLookup(s => s.TraceId);
        var graphs = new Dictionary<string, TraceGraph>(StringComparer.Ordinal);
        var origin = requestSpans.Min(s => s.StartNs);
        var requests = new List<TraceRequest>();
        var ordinal = 0L;
        foreach (var req in requestSpans.OrderBy(s => s.StartNs))
        {
            var handler = Str(req, OtlpSpans.Handler);
            var hash = Str(req, OtlpSpans.GraphHash);
            var count = (int)Int(req, OtlpSpans.GraphNodes);
            if (!graphs.TryGetValue(handler, out var graph))
            {
                graph = graphs[handler] = new TraceGraph(graphs.Count, handler, hash, count);
            }
            else if (graph.Hash != hash || graph.NodeCount != count)
            {
                diags.Add(Diag.TraceMalformed(path, 1, $"handler '{handler}' appears with graph {graph.Hash} and {hash}: the export mixes two versions of the service"));
                return null;
            }

            var id = req.Attributes.TryGetValue(OtlpSpans.RequestId, out var idValue) && long.TryParse(Scalar(idValue), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : ordinal;
            ordinal++;
            var client = req.Attributes.ContainsKey(OtlpSpans.Client) ? Int(req, OtlpSpans.Client) : 0;
            var nodes = new NodeEvent?[count];
            var edges = ImmutableArray.CreateBuilder<EdgeEvent>();
            foreach (var ns in nodesByTrace[req.TraceId].OrderBy(s => s.StartNs).ThenBy(s => Int(s, OtlpSpans.Node)))
            {
                var node = (int)Int(ns, OtlpSpans.Node);
                if (node < 0 || node >= count)
                {
                    diags.Add(Diag.TraceMalformed(path, 1, $"a span of handler '{handler}' names node {node}; its graph has {count}"));
                    return null;
                }

                var self = ns.Attributes.TryGetValue(OtlpSpans.SelfMs, out var sv) ? Double(sv) : (ns.EndNs - ns.StartNs) / 1e6;
                nodes[node] = new NodeEvent(node, (ns.StartNs - req.StartNs) / 1e6, self, Status(ns));
                var from = Items(ns, OtlpSpans.EdgesFrom);
                var hashes = Items(ns, OtlpSpans.EdgesHash);
                var bytes = Items(ns, OtlpSpans.EdgesBytes);
                if (from.Count != hashes.Count || from.Count != bytes.Count)
                {
                    diags.Add(Diag.TraceMalformed(path, 1, $"node {node} of '{handler}': {OtlpSpans.EdgesFrom}, {OtlpSpans.EdgesHash} and {OtlpSpans.EdgesBytes} differ in length"));
                    return null;
                }

                for (var i = 0; i < from.Count; i++)
                {
                    edges.Add(new EdgeEvent((int)Long(from[i]), node, ulong.Parse(Scalar(hashes[i]), NumberStyles.HexNumber, CultureInfo.InvariantCulture), (int)Long(bytes[i])));
                }
            }

            var events = nodes.Select((e, i) => e ?? new NodeEvent(i, 0, 0, NodeStatus.Skipped)).ToImmutableArray();
            requests.Add(new TraceRequest(id, client, graph.Index, (req.StartNs - origin) / 1e6, (req.EndNs - req.StartNs) / 1e6, events, edges.ToImmutable()));
        }

        var first = requestSpans[0];
        var service = first.Attributes.TryGetValue(OtlpSpans.Service, out var sn) ? Scalar(sn) : first.ResourceService ?? "";
        var clock = first.Attributes.TryGetValue(OtlpSpans.Clock, out var c) ? Scalar(c) : "real";
        var header = new TraceHeader(TraceHeader.CurrentFormat, service, [.. graphs.Values.OrderBy(g => g.Index)], clock);
        return new TraceData(header, requests);
    }

    private static NodeStatus Status(Span s) =>
        s.Attributes.TryGetValue(OtlpSpans.NodeStatus, out var v) && Enum.TryParse<NodeStatus>(Scalar(v), ignoreCase: true, out var st) ? st : NodeStatus.Ran;

    private static IEnumerable<JsonElement> Array(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray() : [];

    /// <summary>An attribute list as key to AnyValue ({"stringValue": ...}, {"intValue": ...}, {"arrayValue": {"values": [...]}}), cloned to outlive its line.</summary>
    private static Dictionary<string, JsonElement> Attributes(JsonElement owner)
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var kv in Array(owner, "attributes"))
        {
            result[kv.GetProperty("key").GetString() ?? ""] = kv.GetProperty("value").Clone();
        }

        return result;
    }

    private static string Str(Span s, string key) =>
        s.Attributes.TryGetValue(key, out var v) ? Scalar(v) : throw new KeyNotFoundException($"a span of the request has no '{key}'");

    private static long Int(Span s, string key) =>
        s.Attributes.TryGetValue(key, out var v) ? Long(v) : throw new KeyNotFoundException($"a span has no '{key}'");

    private static List<JsonElement> Items(Span s, string key) =>
        s.Attributes.TryGetValue(key, out var v) && v.TryGetProperty("arrayValue", out var a) ? [.. Array(a, "values")] : [];

    /// <summary>The scalar inside an AnyValue, as text (OTLP/JSON writes 64-bit integers as strings).</summary>
    private static string Scalar(JsonElement any)
    {
        foreach (var p in any.EnumerateObject())
        {
            return p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
        }

        throw new FormatException("an attribute value is empty");
    }

    private static long Long(JsonElement e) =>
        e.ValueKind == JsonValueKind.Object ? Long(e.EnumerateObject().First().Value)
        : e.ValueKind == JsonValueKind.String ? long.Parse(e.GetString()!, NumberStyles.Integer, CultureInfo.InvariantCulture)
        : e.GetInt64();

    private static double Double(JsonElement any) => double.Parse(Scalar(any), NumberStyles.Float, CultureInfo.InvariantCulture);
}
