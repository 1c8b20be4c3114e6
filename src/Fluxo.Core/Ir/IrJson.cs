using System.IO.Hashing;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Fluxo.Values;

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
        // Literals in their plain JSON form; as an option rather than an attribute, so the generated metadata of Value's own properties is never built.
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase), new ValueJsonConverter() },
        TypeInfoResolver = IrJsonContext.Default,
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

/// <summary>
/// The IR's serializers, generated at build time: with <see cref="IrJson.Options"/> (which names, escapes and converts as
/// before) the JSON is the same, but no process builds them by reflection and Reflection.Emit. A type missing here fails
/// at its first use.
/// </summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(IrModule))]
[JsonSerializable(typeof(Graph))]
[JsonSerializable(typeof(Expr))]
internal sealed partial class IrJsonContext : JsonSerializerContext;
