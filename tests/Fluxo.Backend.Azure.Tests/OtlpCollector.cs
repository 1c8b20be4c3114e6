using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Fluxo.TestSupport;

namespace Fluxo.Backend.Azure.Tests;

/// <summary>A span as the collector decoded it: its name and attributes (strings, bools, ints and doubles).</summary>
public sealed record CollectedSpan(string Name, string TraceId, IReadOnlyDictionary<string, object> Attributes);

/// <summary>One data point of a metric: its value and attributes.</summary>
public sealed record CollectedPoint(string Metric, double Value, IReadOnlyDictionary<string, object> Attributes);

/// <summary>
/// A loopback OpenTelemetry collector speaking OTLP/HTTP with protobuf bodies (POST /v1/traces and /v1/metrics), as the
/// .NET OTLP exporter sends with OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf. It decodes the protobuf wire format itself
/// (the few OTLP messages it needs), so a test sees exactly what the service exported.
/// </summary>
public sealed class OtlpCollector : LoopbackHttpServer
{
    public string Endpoint => $"http://127.0.0.1:{Port}";
    public ConcurrentQueue<CollectedSpan> Spans { get; } = new();
    public ConcurrentQueue<CollectedPoint> Points { get; } = new();

    public OtlpCollector()
    {
        Start();
    }

    protected override async Task HandleAsync(HttpListenerContext ctx)
    {
        using var body = new MemoryStream();
        await ctx.Request.InputStream.CopyToAsync(body);
        var path = ctx.Request.Url!.AbsolutePath;
        ctx.Response.StatusCode = path is "/v1/traces" or "/v1/metrics" ? 200 : 404;
        if (path == "/v1/traces")
        {
            DecodeTraces(body.ToArray());
        }
        else if (path == "/v1/metrics")
        {
            DecodeMetrics(body.ToArray());
        }

        ctx.Response.ContentType = "application/x-protobuf";
        ctx.Response.Close();
    }

    // ExportTraceServiceRequest{1: ResourceSpans{2: ScopeSpans{2: Span{1 trace_id, 5 name, 9 attributes}}}}
    private void DecodeTraces(byte[] body)
    {
        foreach (var rs in Fields(body, 1))
        {
            foreach (var ss in Fields(rs, 2))
            {
                foreach (var span in Fields(ss, 2))
                {
                    var name = Encoding.UTF8.GetString(Fields(span, 5).FirstOrDefault() ?? []);
                    var traceId = Convert.ToHexStringLower(Fields(span, 1).FirstOrDefault() ?? []);
                    Spans.Enqueue(new CollectedSpan(name, traceId, Attributes(span, 9)));
                }
            }
        }
    }

    // ExportMetricsServiceRequest{1: ResourceMetrics{2: ScopeMetrics{2: Metric{1 name, 5 gauge, 7 sum}}}}; data points at field 1.
    private void DecodeMetrics(byte[] body)
    {
        foreach (var rm in Fields(body, 1))
        {
            foreach (var sm in Fields(rm, 2))
            {
                foreach (var metric in Fields(sm, 2))
                {
                    var name = Encoding.UTF8.GetString(Fields(metric, 1).FirstOrDefault() ?? []);
                    foreach (var data in Fields(metric, 5).Concat(Fields(metric, 7)))
                    {
                        foreach (var point in Fields(data, 1))
                        {
                            // NumberDataPoint: 4 as_double (fixed64), 6 as_int (sfixed64), 7 attributes.
                            var value = 0.0;
                            foreach (var (field, _, raw, _) in Wire(point))
                            {
                                value = field switch
                                {
                                    4 => BitConverter.Int64BitsToDouble((long)raw),
                                    6 => (long)raw,
                                    _ => value,
                                };
                            }

                            Points.Enqueue(new CollectedPoint(name, value, Attributes(point, 7)));
                        }
                    }
                }
            }
        }
    }

    // KeyValue{1 key, 2 AnyValue{1 string, 2 bool, 3 int, 4 double}}
    private static Dictionary<string, object> Attributes(byte[] message, int field)
    {
        var result = new Dictionary<string, object>();
        foreach (var kv in Fields(message, field))
        {
            var key = Encoding.UTF8.GetString(Fields(kv, 1).FirstOrDefault() ?? []);
            foreach (var (f, _, raw, bytes) in Wire(Fields(kv, 2).FirstOrDefault() ?? []))
            {
                result[key] = f switch
                {
                    1 => Encoding.UTF8.GetString(bytes!),
                    2 => raw != 0,
                    3 => (long)raw,
                    4 => BitConverter.Int64BitsToDouble((long)raw),
                    _ => "(unsupported)",
                };
            }
        }

        return result;
    }

    /// <summary>The length-delimited values of one field of a protobuf message.</summary>
    private static IEnumerable<byte[]> Fields(byte[] message, int field) =>
        Wire(message).Where(w => w.Field == field && w.Bytes is not null).Select(w => w.Bytes!);

    /// <summary>The protobuf wire format: (field, wire type, varint or fixed value, length-delimited bytes).</summary>
    private static List<(int Field, int Type, ulong Raw, byte[]? Bytes)> Wire(byte[] m)
    {
        var list = new List<(int, int, ulong, byte[]?)>();
        var i = 0;
        ulong Varint()
        {
            ulong v = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = m[i++];
                v |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return v;
                }
            }
        }

        while (i < m.Length)
        {
            var tag = Varint();
            var (field, type) = ((int)(tag >> 3), (int)(tag & 7));
            switch (type)
            {
                case 0:
                    list.Add((field, type, Varint(), null));
                    break;
                case 1:
                    list.Add((field, type, BitConverter.ToUInt64(m, i), null));
                    i += 8;
                    break;
                case 2:
                    var len = (int)Varint();
                    list.Add((field, type, 0, m[i..(i + len)]));
                    i += len;
                    break;
                case 5:
                    list.Add((field, type, BitConverter.ToUInt32(m, i), null));
                    i += 4;
                    break;
                default:
                    throw new InvalidDataException($"protobuf wire type {type} at byte {i}");
            }
        }

        return list;
    }
}
