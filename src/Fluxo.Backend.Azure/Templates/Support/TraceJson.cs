using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fluxo.Trace;

/// <summary>
/// The trace header's JSON options, as Fluxo.Core's TraceJson sets them (camelCase, like the IR's JSON); the
/// service ships without the IR, so it states them here. <c>fluxo traces pull</c> reads what this writes.
/// </summary>
public static class TraceJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
