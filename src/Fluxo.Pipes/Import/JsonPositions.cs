using System.Text;
using System.Text.Json;

namespace Fluxo.Pipes.Import;

/// <summary>Line and column of every value in a JSON text, by JSON path (<c>$.modules[3].conf</c>), for located diagnostics.</summary>
internal sealed class JsonPositions
{
    private readonly Dictionary<string, (int Line, int Column)> _at = new(StringComparer.Ordinal);

    public (int Line, int Column) this[string path] =>
        _at.TryGetValue(path, out var p) ? p : (1, 1);

    /// <summary>Maps the text; throws <see cref="JsonException"/> (with its line and position) when it is not JSON or an
    /// object gives a property twice.</summary>
    public static JsonPositions Build(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                lineStarts.Add(i + 1);
            }
        }

        var result = new JsonPositions();
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        var stack = new Stack<Frame>();
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    var name = reader.GetString()!;
                    // JsonNode accepts a property given twice and throws on the first read of its object, which for
                    // an embedded module's settings is as late as compile: refuse it here, where it can be located.
                    if (!stack.Peek().Seen.Add(name))
                    {
                        var (line, column) = Locate(lineStarts, (int)reader.TokenStartIndex);
                        throw new JsonException($"The property '{name}' is given twice in one object.", null, line - 1, column - 1);
                    }

                    stack.Peek().Property = name;
                    continue;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    stack.Pop();
                    Advance(stack);
                    continue;
            }

            var path = stack.Count == 0 ? "$" : stack.Peek().ChildPath();
            result._at[path] = Locate(lineStarts, (int)reader.TokenStartIndex);
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                stack.Push(new Frame(path, reader.TokenType == JsonTokenType.StartArray));
            }
            else
            {
                Advance(stack);
            }
        }

        return result;
    }

    private static void Advance(Stack<Frame> stack)
    {
        if (stack.Count > 0 && stack.Peek().IsArray)
        {
            stack.Peek().Index++;
        }
    }

    private static (int, int) Locate(List<int> lineStarts, int offset)
    {
        var line = lineStarts.BinarySearch(offset);
        if (line < 0)
        {
            line = ~line - 1;
        }

        return (line + 1, offset - lineStarts[line] + 1);
    }

    /// <summary>The path of a property below <paramref name="parent"/>, in the notation this map uses.</summary>
    public static string Child(string parent, string property) =>
        property.Length > 0 && property.All(c => char.IsLetterOrDigit(c) || c is '_' or '-' or ':')
            ? $"{parent}.{property}"
            : $"{parent}['{property.Replace("'", "\\'", StringComparison.Ordinal)}']";

    public static string Element(string parent, int index) => $"{parent}[{index}]";

    private sealed class Frame(string path, bool isArray)
    {
        public bool IsArray { get; } = isArray;
        public int Index { get; set; }
        public string? Property { get; set; }
        public HashSet<string> Seen { get; } = new(StringComparer.Ordinal);

        public string ChildPath() => IsArray ? Element(path, Index) : Child(path, Property ?? "");
    }
}
