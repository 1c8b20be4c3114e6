using System.Text.Json.Nodes;

namespace Fluxo.Pipes.Modules;

/// <summary>Reading Yahoo's settings: typed values that may also be written as a terminal or an item field.</summary>
internal static class Settings
{
    /// <summary>The request field a user-input module reads: its name setting, when it has one.</summary>
    public static string? InputName(JsonObject conf)
    {
        var name = conf["name"].At("value")?.ToString();
        return string.IsNullOrEmpty(name) ? null : name;
    }

    /// <summary>A list setting, accepting Yahoo's quirk of a one-element list written as the bare element.</summary>
    public static IEnumerable<(JsonNode? Node, string Path)> ListOrBare(JsonNode? node, string path)
    {
        switch (node)
        {
            case null:
                yield break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    yield return (array[i], $"{path}[{i}]");
                }

                break;
            default:
                yield return (node, path);
                break;
        }
    }

    public static IReadOnlyList<JsonNode?> List(JsonNode? node) => [.. ListOrBare(node, "").Select(x => x.Node)];

    public static string? Terminal(JsonNode? setting) => NonEmpty(setting.At("terminal"));

    public static string? Subkey(JsonNode? setting) => NonEmpty(setting.At("subkey"));

    public static string? Literal(JsonNode? setting) => setting is JsonValue v ? v.ToString() : setting.At("value")?.ToString();

    public static string? TypeOf(JsonNode? setting) => setting.At("type")?.ToString();

    private static string? NonEmpty(JsonNode? n)
    {
        var s = n?.ToString();
        return string.IsNullOrEmpty(s) ? null : s;
    }
}
