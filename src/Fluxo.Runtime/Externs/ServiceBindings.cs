using System.Collections.Frozen;
using System.Text.Json;
using Fluxo.Diagnostics;
using Fluxo.Ir;

namespace Fluxo.Runtime.Externs;

/// <summary>
/// How a service's externs are answered and what its simulated tables and queues cost, read from
/// <c>&lt;service&gt;.bindings.json</c> beside the service (format in docs/bindings-format.md).
/// </summary>
public sealed record ServiceBindings(
    FrozenDictionary<string, IExternBinding> Externs,
    LatencyDistribution TableLatency,
    LatencyDistribution QueueLatency)
{
    public const string CurrentFormat = "fluxo-bindings/1";

    /// <summary>Default cost of a simulated table operation or queue send: about an Azure round trip inside a region.</summary>
    public static readonly LatencyDistribution DefaultStorageLatency = new FixedLatency(2);

    public static readonly ServiceBindings Empty = new(FrozenDictionary<string, IExternBinding>.Empty, DefaultStorageLatency, DefaultStorageLatency);

    /// <summary><c>dir/weather.flimp</c> and <c>dir/weather.ir.json</c> both look for <c>dir/weather.bindings.json</c>.</summary>
    public static string PathBeside(string servicePath)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(servicePath)) ?? ".";
        var name = Path.GetFileName(servicePath);
        var stem = name.Split('.')[0];
        return Path.Combine(dir, stem + ".bindings.json");
    }

    public static ServiceBindings? Read(string path, IrModule module, HttpClient http, DiagnosticBag diags)
    {
        var json = InputFile.ReadText(path, diags);
        return json is null ? null : Parse(path, json, module, http, diags);
    }

    public static ServiceBindings? Parse(string path, string json, IrModule module, HttpClient http, DiagnosticBag diags)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            diags.Add(Diag.BindingsMalformed(path, (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1, e.Message));
            return null;
        }

        using (doc)
        {
            var shapes = new JsonShapes();
            var result = shapes.Guard(() => Parse(doc.RootElement, module, http, shapes));
            foreach (var (where, reason) in shapes.Errors)
            {
                diags.Add(Diag.BindingsInvalid(path, where, reason));
            }

            return shapes.Errors.Count == 0 ? result : null;
        }
    }

    private static ServiceBindings? Parse(JsonElement root, IrModule module, HttpClient http, JsonShapes s)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var f) || f.GetString() != CurrentFormat)
        {
            s.Error("$.format", $"expected format '{CurrentFormat}'");
            return null;
        }

        var externs = new Dictionary<string, IExternBinding>(StringComparer.Ordinal);
        if (root.TryGetProperty("externs", out var ex))
        {
            foreach (var p in ex.EnumerateObject())
            {
                var at = "$.externs." + p.Name;
                var decl = module.FindExtern(p.Name);
                if (decl is null)
                {
                    s.Error(at, $"the service declares no extern '{p.Name}'");
                    continue;
                }

                if (Extern(p.Value, at, decl, http, s) is { } b)
                {
                    externs[p.Name] = b;
                }
            }
        }

        var table = Storage(root, "tables", s);
        var queue = Storage(root, "queues", s);
        return new ServiceBindings(externs.ToFrozenDictionary(StringComparer.Ordinal), table ?? DefaultStorageLatency, queue ?? DefaultStorageLatency);
    }

    private static IExternBinding? Extern(JsonElement e, string at, ExternDecl decl, HttpClient http, JsonShapes s)
    {
        if (e.TryGetProperty("http", out var h))
        {
            var url = h.ValueKind == JsonValueKind.Object && h.TryGetProperty("url", out var u) ? u.GetString() : null;
            if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            {
                s.Error(at + ".http.url", "expected an absolute http(s) URL");
                return null;
            }

            return new HttpExtern(http, uri);
        }

        if (e.TryGetProperty("standIn", out var st))
        {
            var rule = s.Rule(s.Prop(st, "response", at + ".standIn"), at + ".standIn.response");
            var latency = st.TryGetProperty("latency", out var l) ? s.Latency(l, at + ".standIn.latency") : LatencyDistribution.Zero;
            if (rule is TemplateRule t)
            {
                CheckTemplate(t.Template, decl, at + ".standIn.response.template", s);
            }

            return rule is null || latency is null ? null : new StandInExtern(rule, latency);
        }

        s.Error(at, "an extern binding is {\"http\": {...}} or {\"standIn\": {...}}");
        return null;
    }

    private static void CheckTemplate(string template, ExternDecl decl, string at, JsonShapes s)
    {
        var i = 0;
        while ((i = template.IndexOf('{', i)) >= 0)
        {
            var close = template.IndexOf('}', i);
            if (close < 0)
            {
                return;
            }

            var slot = template[(i + 1)..close];
            if (!TemplateRule.IsKnownSlot(slot, decl))
            {
                s.Error(at, $"'{{{slot}}}' is neither a parameter of '{decl.Name}' nor hash, hash%N, pick:a|b or pad:N");
            }

            i = close + 1;
        }
    }

    private static LatencyDistribution? Storage(JsonElement root, string name, JsonShapes s) =>
        root.TryGetProperty(name, out var t) && t.TryGetProperty("latency", out var l) ? s.Latency(l, $"$.{name}.latency") : null;
}
