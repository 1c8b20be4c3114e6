using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Values;

namespace Fluxo.Runtime.Workloads;

/// <summary>One recorded request: when it arrived (ms after the log's first request), who sent it, and what.</summary>
public sealed record LoggedRequest(double TimeMs, long Client, string Handler, Value Input);

/// <summary>
/// Reads a request log to replay in order (docs/workload-format.md): JSON Lines, one request per line,
/// <c>{"time": 12.5, "client": "u7", "handler": "weather", "inputs": {"ip": "1.2.3.4", "zip": ""}}</c>. <c>time</c> is
/// in seconds (any origin, e.g. unix time; not decreasing), <c>client</c> a string or number naming the client (clients
/// get ids in order of first appearance), <c>inputs</c> every parameter of the handler, checked against its type
/// (an optional one may be left out). Every bad line is a diagnostic at its line and column.
/// </summary>
public static class RequestLog
{
    /// <summary>After this many bad lines the rest of the log is not checked: the file is not a log of this service.</summary>
    public const int MaxErrors = 20;

    public static ImmutableArray<LoggedRequest>? Read(string path, IrModule module, DiagnosticBag diags)
    {
        var text = InputFile.ReadText(path, diags);
        return text is null ? null : Parse(path, text, module, diags);
    }

    public static ImmutableArray<LoggedRequest>? Parse(string path, string text, IrModule module, DiagnosticBag diags)
    {
        var requests = ImmutableArray.CreateBuilder<LoggedRequest>();
        var clients = new Dictionary<string, long>(StringComparer.Ordinal);
        var errors = 0;
        double? origin = null;
        var last = double.NegativeInfinity;
        var lineNo = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNo++;
            var line = raw.TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (errors >= MaxErrors)
            {
                diags.Add(Diag.RequestLogTooManyErrors(path, MaxErrors));
                return null;
            }

            var entry = ParseLine(path, lineNo, line, module, clients, ref last, diags);
            if (entry is null)
            {
                errors++;
                continue;
            }

            origin ??= entry.TimeMs;
            requests.Add(entry with { TimeMs = entry.TimeMs - origin.Value });
        }

        if (errors > 0)
        {
            return null;
        }

        if (requests.Count == 0)
        {
            diags.Add(Diag.RequestLogEmpty(path));
            return null;
        }

        return requests.ToImmutable();
    }

    private static LoggedRequest? ParseLine(string path, int lineNo, string line, IrModule module, Dictionary<string, long> clients, ref double last, DiagnosticBag diags)
    {
        SourceSpan At(string jsonPath)
        {
            var inLine = JsonLocation.Of(path, line, jsonPath);
            return new SourceSpan(path, lineNo, inLine.Column, lineNo, inLine.Column, jsonPath);
        }

        LoggedRequest? Invalid(string jsonPath, string reason)
        {
            diags.Add(Diag.RequestLogInvalid(At(jsonPath), reason));
            return null;
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            diags.Add(Diag.RequestLogMalformed(SourceSpan.At(path, lineNo, (int)(e.BytePositionInLine ?? 0) + 1), e.Message));
            return null;
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Invalid("$", "a line is one JSON object: {\"time\": seconds, \"client\": id, \"handler\": name, \"inputs\": {...}}");
            }

            foreach (var p in root.EnumerateObject().Where(p => p.Name is not ("time" or "client" or "handler" or "inputs")))
            {
                return Invalid("$." + p.Name, $"unknown field '{p.Name}'; a line has time, client, handler and inputs");
            }

            if (!root.TryGetProperty("time", out var time) || time.ValueKind != JsonValueKind.Number || !time.TryGetDouble(out var seconds) || !double.IsFinite(seconds))
            {
                return Invalid(root.TryGetProperty("time", out _) ? "$.time" : "$", "'time' must be a number of seconds");
            }

            if (seconds < last)
            {
                return Invalid("$.time", $"time {seconds.ToString(CultureInfo.InvariantCulture)} is before the previous line's {last.ToString(CultureInfo.InvariantCulture)}; a log is replayed in order");
            }

            last = seconds;
            string clientName;
            if (root.TryGetProperty("client", out var client) && client.ValueKind is JsonValueKind.String or JsonValueKind.Number)
            {
                clientName = client.ValueKind == JsonValueKind.String ? "s:" + client.GetString() : "n:" + client.GetRawText();
            }
            else
            {
                return Invalid(root.TryGetProperty("client", out _) ? "$.client" : "$", "'client' must be a string or a number");
            }

            if (!root.TryGetProperty("handler", out var handler) || handler.ValueKind != JsonValueKind.String)
            {
                return Invalid(root.TryGetProperty("handler", out _) ? "$.handler" : "$", "'handler' must be a handler's name");
            }

            var graph = module.FindGraph(handler.GetString()!);
            if (graph is null)
            {
                return Invalid("$.handler", $"the service has no handler '{handler.GetString()}' (it has {string.Join(", ", module.Graphs.Select(g => g.Name))})");
            }

            var inputs = root.TryGetProperty("inputs", out var given) ? given : default;
            if (inputs.ValueKind != JsonValueKind.Object)
            {
                return Invalid(inputs.ValueKind == JsonValueKind.Undefined ? "$" : "$.inputs", "'inputs' must be an object of the handler's parameters");
            }

            foreach (var p in inputs.EnumerateObject().Where(p => graph.Params.All(q => q.Name != p.Name)))
            {
                return Invalid("$.inputs." + p.Name, $"handler '{graph.Name}' has no parameter '{p.Name}'");
            }

            var fields = ImmutableArray.CreateBuilder<KeyValuePair<string, Value>>();
            foreach (var p in graph.Params)
            {
                if (!inputs.TryGetProperty(p.Name, out var v))
                {
                    if (!p.Type.EndsWith('?'))
                    {
                        return Invalid("$.inputs", $"handler '{graph.Name}' needs input '{p.Name}' ({p.Type})");
                    }

                    fields.Add(new(p.Name, Value.Null));
                    continue;
                }

                var value = ParamValues.Conform(ValueJson.FromElement(v), p.Type, module.DeclaredFields, p.Name, out var problem);
                if (value is null)
                {
                    return Invalid("$.inputs." + p.Name, problem ?? $"expected {p.Type}");
                }

                fields.Add(new(p.Name, value));
            }

            if (!clients.TryGetValue(clientName, out var id))
            {
                clients[clientName] = id = clients.Count + 1;
            }

            return new LoggedRequest(seconds * 1000, id, graph.Name, Value.Record(fields.ToImmutable()));
        }
    }
}
