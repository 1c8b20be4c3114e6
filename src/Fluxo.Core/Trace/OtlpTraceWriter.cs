using System.Globalization;
using System.Text.Json;

namespace Fluxo.Trace;

/// <summary>
/// Writes a trace as the spans a generated service exports (<see cref="OtlpSpans"/>), in OTLP/JSON as the Collector's
/// file exporter does: one ExportTraceServiceRequest per line, here one per request. <see cref="OtlpTraceReader"/> reads it back.
/// </summary>
public static class OtlpTraceWriter
{
    /// <summary>Where the exported clock starts: any fixed instant would do, since times are read relative to the first request.</summary>
    private const long EpochNs = 1_700_000_000_000_000_000;

    public static void Write(TraceData trace, Stream output)
    {
        using var w = new Utf8JsonWriter(output);
        foreach (var r in trace.Requests)
        {
            var graph = trace.Header.Graphs[r.Graph];
            var traceId = r.Id.ToString("x32", CultureInfo.InvariantCulture);
            var start = EpochNs + Ns(r.ArrivalMs);
            w.Reset();
            w.WriteStartObject();
            w.WriteStartArray("resourceSpans");
            w.WriteStartObject();
            w.WriteStartObject("resource");
            w.WriteStartArray("attributes");
            Attr(w, "service.name", trace.Header.Service);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartArray("scopeSpans");
            w.WriteStartObject();
            w.WriteStartObject("scope");
            w.WriteString("name", "Fluxo.Service");
            w.WriteEndObject();
            w.WriteStartArray("spans");

            var requestSpan = SpanId(r.Id, -1);
            Span(w, traceId, requestSpan, null, "request " + graph.Name, start, start + Ns(r.LatencyMs), () =>
            {
                Attr(w, OtlpSpans.Handler, graph.Name);
                Attr(w, OtlpSpans.GraphHash, graph.Hash);
                Attr(w, OtlpSpans.GraphNodes, graph.NodeCount);
                Attr(w, OtlpSpans.Service, trace.Header.Service);
                Attr(w, OtlpSpans.Clock, trace.Header.Clock);
                Attr(w, OtlpSpans.RequestId, r.Id.ToString(CultureInfo.InvariantCulture));
                Attr(w, OtlpSpans.Client, r.Client);
            });

            var edges = r.Edges.ToLookup(e => e.To);
            foreach (var n in r.Nodes)
            {
                var into = edges[n.Node].ToList();
                if (n.Status == NodeStatus.Skipped && n.StartMs == 0 && n.SelfMs == 0 && into.Count == 0)
                {
                    continue;
                }

                var nodeStart = start + Ns(n.StartMs);
                Span(w, traceId, SpanId(r.Id, n.Node), requestSpan, graph.Name + " node " + n.Node, nodeStart, nodeStart + Ns(n.SelfMs), () =>
                {
                    Attr(w, OtlpSpans.Handler, graph.Name);
                    Attr(w, OtlpSpans.Node, n.Node);
                    Attr(w, OtlpSpans.NodeStatus, n.Status.ToString().ToLowerInvariant());
                    Attr(w, OtlpSpans.SelfMs, n.SelfMs);
                    Array(w, OtlpSpans.EdgesFrom, into.Select(e => (object)(long)e.From));
                    Array(w, OtlpSpans.EdgesHash, into.Select(e => (object)OtlpSpans.HashText(e.Hash)));
                    Array(w, OtlpSpans.EdgesBytes, into.Select(e => (object)(long)e.Bytes));
                });
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.Flush();
            output.WriteByte((byte)'\n');
        }
    }

    private static long Ns(double ms) => (long)Math.Round(ms * 1e6);

    private static string SpanId(long request, int node) => ((ulong)request * 4099UL + (ulong)(node + 2)).ToString("x16", CultureInfo.InvariantCulture);

    private static void Span(Utf8JsonWriter w, string traceId, string spanId, string? parent, string name, long startNs, long endNs, Action attributes)
    {
        w.WriteStartObject();
        w.WriteString("traceId", traceId);
        w.WriteString("spanId", spanId);
        w.WriteString("parentSpanId", parent ?? "");
        w.WriteString("name", name);
        w.WriteNumber("kind", 1);
        w.WriteString("startTimeUnixNano", startNs.ToString(CultureInfo.InvariantCulture));
        w.WriteString("endTimeUnixNano", endNs.ToString(CultureInfo.InvariantCulture));
        w.WriteStartArray("attributes");
        attributes();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Attr(Utf8JsonWriter w, string key, object value)
    {
        w.WriteStartObject();
        w.WriteString("key", key);
        w.WritePropertyName("value");
        AnyValue(w, value);
        w.WriteEndObject();
    }

    private static void Array(Utf8JsonWriter w, string key, IEnumerable<object> values)
    {
        w.WriteStartObject();
        w.WriteString("key", key);
        w.WriteStartObject("value");
        w.WriteStartObject("arrayValue");
        w.WriteStartArray("values");
        foreach (var v in values)
        {
            AnyValue(w, v);
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    // OTLP/JSON writes 64-bit integers as strings.
    private static void AnyValue(Utf8JsonWriter w, object value)
    {
        w.WriteStartObject();
        switch (value)
        {
            case string s:
                w.WriteString("stringValue", s);
                break;
            case int or long:
                w.WriteString("intValue", Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                w.WriteNumber("doubleValue", d);
                break;
            default:
                throw new ArgumentException("unsupported attribute type " + value.GetType().Name, nameof(value));
        }

        w.WriteEndObject();
    }
}
