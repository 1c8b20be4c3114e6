using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using Fluxo.Values;

namespace Fluxo.Backend.Azure;

/// <summary>
/// The one way text from a program (names, labels, file names, string values) enters generated source: string
/// literals, comments, XML doc text and identifiers all go through here, so no input can end a literal or a
/// comment, or name a keyword, and two different names never become the same identifier.
/// </summary>
internal static class CSharp
{
    /// <summary>Reserved keywords, and <c>await</c>, which no async method may use as a name (other contextual keywords are legal where names go).</summary>
    private static readonly FrozenSet<string> Keywords = FrozenSet.ToFrozenSet(
    [
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue",
        "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally",
        "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock",
        "long", "namespace", "new", "null", "object", "operator", "out", "override", "params", "private", "protected",
        "public", "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static", "string",
        "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort",
        "using", "virtual", "void", "volatile", "while", "await",
    ], StringComparer.Ordinal);

    /// <summary>
    /// Names a service's root namespace must not take: the namespaces the generated code and its packages use, and
    /// the types it names without qualification (a top-level namespace would hide them inside the service's own).
    /// </summary>
    private static readonly FrozenSet<string> ReservedRoots = FrozenSet.ToFrozenSet(
    [
        "System", "Microsoft", "Azure", "Fluxo", "StackExchange", "Windows", "Value", "ValueKind", "Values", "Flx", "Operators",
        "Task", "Lock", "RequestScope", "ServiceModel", "HandlerInfo", "RecordSchema", "TableSchema", "CacheSpec", "ParamInfo",
        "ServiceDefinition", "Fns", "HandlerEndpoints", "QueueWorker", "HttpContext", "WebApplication", "IHostedService",
        "ActivatorUtilities", "Support", "Handlers", "FrontEnd", "Worker",
    ], StringComparer.Ordinal);

    public static string String(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var ch in s)
        {
            sb.Append(ch switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                _ => Printable(ch) ? ch.ToString() : Escape(ch),
            });
        }

        return sb.Append('"').ToString();
    }

    /// <summary>The text of a <c>//</c> comment: every character outside printable ASCII (so every line terminator) as <c>\uXXXX</c>.</summary>
    public static string Comment(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var ch in s)
        {
            sb.Append(Printable(ch) ? ch.ToString() : Escape(ch));
        }

        return sb.ToString();
    }

    /// <summary>Text for a <c>///</c> XML doc comment: a comment with the XML markup characters escaped.</summary>
    public static string Xml(string s) => Comment(s)
        .Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>A JSON or YAML scalar: as it is when made of name characters only, else a double-quoted string (the C# escapes are valid in both).</summary>
    public static string Scalar(string s) => s.Length > 0 && s.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-' or '.') ? s : String(s);

    /// <summary>A Bicep single-quoted string: quote, backslash and <c>$</c> (interpolation) escaped, every other non-printable character as <c>\u{X}</c>.</summary>
    public static string Bicep(string s)
    {
        var sb = new StringBuilder("'");
        foreach (var ch in s)
        {
            sb.Append(ch switch
            {
                '\'' => "\\'",
                '\\' => "\\\\",
                '$' => "\\$",
                _ => Printable(ch) ? ch.ToString() : "\\u{" + ((int)ch).ToString("X", CultureInfo.InvariantCulture) + "}",
            });
        }

        return sb.Append('\'').ToString();
    }

    private static bool Printable(char ch) => ch >= 0x20 && ch <= 0x7e;

    private static string Escape(char ch) => "\\u" + ((int)ch).ToString("x4", CultureInfo.InvariantCulture);

    /// <summary>An expression that builds <paramref name="v"/> at run time.</summary>
    public static string Value(Value v) => v.Kind switch
    {
        ValueKind.Null => "Value.Null",
        ValueKind.Bool => v.AsBool ? "Value.True" : "Value.False",
        ValueKind.Int => v.AsInt == long.MinValue ? "Value.Int(long.MinValue)" : $"Value.Int({v.AsInt.ToString(CultureInfo.InvariantCulture)}L)",
        ValueKind.Float => $"Value.Float({Double(v.AsFloat)})",
        ValueKind.String => $"Value.String({String(v.AsString)})",
        ValueKind.List => $"Flx.List({string.Join(", ", v.AsList.Select(Value))})",
        _ => $"Flx.Record({string.Join(", ", v.AsRecord.Select(kv => $"({String(kv.Key)}, {Value(kv.Value)})"))})",
    };

    private static string Double(double d) =>
        double.IsNaN(d) ? "double.NaN"
        : double.IsPositiveInfinity(d) ? "double.PositiveInfinity"
        : double.IsNegativeInfinity(d) ? "double.NegativeInfinity"
        : d.ToString("R", CultureInfo.InvariantCulture) + "d";

    /// <summary>
    /// A C# identifier for any name, one-to-one. A plain name (ASCII letters, digits and single underscores, not a
    /// keyword) stays as it is; any other becomes <c>x__</c> followed by its letters and digits, every other
    /// character written <c>_XXXX_</c> in hex. Plain names have no double underscore and encoded ones always do,
    /// and the encoding can be read back, so distinct names never share an identifier.
    /// </summary>
    public static string Identifier(string name)
    {
        if (IsPlain(name))
        {
            return name;
        }

        var sb = new StringBuilder("x__");
        foreach (var ch in name)
        {
            if (char.IsAsciiLetterOrDigit(ch))
            {
                sb.Append(ch);
            }
            else
            {
                sb.Append('_').Append(((int)ch).ToString("X4", CultureInfo.InvariantCulture)).Append('_');
            }
        }

        return sb.ToString();
    }

    /// <summary>An identifier for a member of <paramref name="type"/>: as <see cref="Identifier"/>, encoded when it would be the type's own name.</summary>
    public static string Member(string name, string type)
    {
        var id = Identifier(name);
        return id == type ? "x__" + id : id;
    }

    private static bool IsPlain(string name) =>
        name.Length > 0
        && !char.IsAsciiDigit(name[0])
        && name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_')
        && !name.Contains("__", StringComparison.Ordinal)
        && !Keywords.Contains(name);

    /// <summary>A PascalCase identifier for project and namespace names, never a namespace the generated code depends on.</summary>
    public static string Pascal(string name)
    {
        var letters = new string(name.Select(ch => char.IsAsciiLetterOrDigit(ch) ? ch : '_').ToArray()).Trim('_');
        while (letters.Contains("__", StringComparison.Ordinal))
        {
            letters = letters.Replace("__", "_", StringComparison.Ordinal);
        }

        var id = letters.Length == 0 ? "Service" : char.ToUpperInvariant(letters[0]) + letters[1..];
        return char.IsAsciiDigit(id[0]) || ReservedRoots.Contains(id) || Keywords.Contains(id) ? "Svc" + id : id;
    }
}
