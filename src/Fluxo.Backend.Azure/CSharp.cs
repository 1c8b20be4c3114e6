using System.Globalization;
using System.Text;
using Fluxo.Values;

namespace Fluxo.Backend.Azure;

/// <summary>C# source text for literals and names.</summary>
internal static class CSharp
{
    public static string String(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var ch in s)
        {
            sb.Append(ch switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                _ when ch < 0x20 || ch > 0x7e => "\\u" + ((int)ch).ToString("x4", CultureInfo.InvariantCulture),
                _ => ch.ToString(),
            });
        }

        return sb.Append('"').ToString();
    }

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

    /// <summary>A C# identifier from any name: letters, digits and underscores, not starting with a digit.</summary>
    public static string Identifier(string name)
    {
        var sb = new StringBuilder();
        foreach (var ch in name)
        {
            sb.Append(char.IsAsciiLetterOrDigit(ch) ? ch : '_');
        }

        if (sb.Length == 0 || char.IsAsciiDigit(sb[0]))
        {
            sb.Insert(0, '_');
        }

        return sb.ToString();
    }

    /// <summary>A PascalCase identifier for project and namespace names.</summary>
    public static string Pascal(string name)
    {
        var id = Identifier(name).Trim('_');
        return id.Length == 0 ? "Service" : char.ToUpperInvariant(id[0]) + id[1..];
    }
}
