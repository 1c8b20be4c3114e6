using System.Text.Json.Nodes;

namespace Fluxo.Pipes.Modules;

/// <summary>Reading settings that may have any shape: a property of something that is not an object is absent.</summary>
internal static class JsonAccess
{
    public static JsonNode? At(this JsonNode? node, string key) => node is JsonObject o ? o[key] : null;
}
