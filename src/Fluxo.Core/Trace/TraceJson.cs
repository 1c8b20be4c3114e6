using System.Text.Json;
using System.Text.Json.Serialization;
using Fluxo.Ir;

namespace Fluxo.Trace;

/// <summary>JSON options for the trace header (same naming as the IR).</summary>
public static class TraceJson
{
    public static readonly JsonSerializerOptions Options = new(IrJson.Options) { WriteIndented = false, TypeInfoResolver = TraceJsonContext.Default };
}

/// <summary>The trace header's serializers, generated at build time (see <see cref="IrJsonContext"/>).</summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(TraceHeader))]
internal sealed partial class TraceJsonContext : JsonSerializerContext;
