using System.Text;
using System.Text.Json;

namespace Fluxo.Diagnostics;

/// <summary>Finds where a JSON path (<c>$.a[2].b</c>) starts in a document, so a diagnostic about a decoded value points at its text.</summary>
public static class JsonLocation
{
    /// <summary>The span of the value at <paramref name="jsonPath"/>; the document's first position when the path is absent or the text is not JSON.</summary>
    public static SourceSpan Of(string file, string json, string jsonPath)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var offset = Find(bytes, jsonPath);
        if (offset < 0)
        {
            return new SourceSpan(file, 1, 1, 1, 1, jsonPath);
        }

        var (line, col) = (1, 1);
        for (var i = 0; i < offset; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                (line, col) = (line + 1, 1);
            }
            else if ((bytes[i] & 0xC0) != 0x80)
            {
                col++;
            }
        }

        return new SourceSpan(file, line, col, line, col, jsonPath);
    }

    private static long Find(byte[] bytes, string target)
    {
        var path = new List<string>();
        var index = new Stack<int>();
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        string? property = null;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    property = reader.GetString();
                    continue;
                }

                if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    index.Pop();
                    if (path.Count > 0)
                    {
                        path.RemoveAt(path.Count - 1);
                    }

                    continue;
                }

                // A value: its path is its parent's plus the property name or the array position.
                var segment = index.Count == 0 ? "$" : property is not null ? "." + property : $"[{index.Peek()}]";
                if (index.Count > 0 && property is null)
                {
                    index.Push(index.Pop() + 1);
                }

                property = null;
                var here = string.Concat(path) + segment;
                if (string.Equals(here, target, StringComparison.Ordinal))
                {
                    return reader.TokenStartIndex;
                }

                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    path.Add(segment);
                    index.Push(0);
                }
            }
        }
        catch (JsonException)
        {
        }

        return -1;
    }
}
