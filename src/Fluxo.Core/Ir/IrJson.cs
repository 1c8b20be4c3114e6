using System.IO.Hashing;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fluxo.Ir;

/// <summary>The IR's JSON form: lossless, so every stage can be run and inspected alone.</summary>
public static class IrJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        // Expressions nest (let chains in fns, operator chains); the front end keeps them below this.
        MaxDepth = 1024,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string Serialize(IrModule module) => JsonSerializer.Serialize(module, Options) + "\n";

    /// <summary>Reads IR JSON; throws <see cref="JsonException"/> on malformed input (callers turn it into a diagnostic).</summary>
    public static IrModule Deserialize(string json) =>
        JsonSerializer.Deserialize<IrModule>(json, Options) ?? throw new JsonException("IR JSON is null");

    /// <summary>
    /// A graph's identity for traces and policies: a hash of its nodes without source spans or the
    /// hash itself, so moving a handler in its file or reformatting it keeps its traces valid.
    /// </summary>
    public static string ComputeHash(Graph graph)
    {
        var canonical = graph with
        {
            Hash = "",
            Span = Diagnostics.SourceSpan.None(""),
            Nodes = [.. graph.Nodes.Select(n => n with { Span = Diagnostics.SourceSpan.None("") })],
        };
        var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(canonical, Options));
        return XxHash64.HashToUInt64(bytes).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }

    public static Graph WithHash(Graph graph) => graph with { Hash = ComputeHash(graph) };
}
