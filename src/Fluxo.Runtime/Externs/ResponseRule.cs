using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using Fluxo.Ir;
using Fluxo.Values;

namespace Fluxo.Runtime.Externs;

/// <summary>What a local stand-in answers: always a deterministic function of the arguments.</summary>
public abstract record ResponseRule
{
    public abstract Value Respond(ExternDecl decl, Value[] args);

    /// <summary>The arguments as one text key: the single argument's text, or the texts joined by '|'.</summary>
    public static string KeyOf(Value[] args) => args.Length == 1 ? args[0].ToString() : string.Join("|", args.Select(a => a.ToString()));

    public static ulong HashOf(Value[] args) => args.Length == 1 ? args[0].StableHash : Value.List(args).StableHash;
}

public sealed record ConstRule(Value Value) : ResponseRule
{
    public override Value Respond(ExternDecl decl, Value[] args) => Value;
}

/// <summary>A table from argument text to answer, and a rule for every other argument.</summary>
public sealed record LookupRule(FrozenDictionary<string, Value> Table, ResponseRule Default) : ResponseRule
{
    public override Value Respond(ExternDecl decl, Value[] args) =>
        Table.TryGetValue(KeyOf(args), out var v) ? v : Default.Respond(decl, args);
}

/// <summary>
/// Text built from a template: <c>{param}</c> is an argument by name, <c>{hash}</c> 8 hex digits of the
/// arguments' hash, <c>{hash%N}</c> a number below N, <c>{pick:a|b|c}</c> one option chosen by the hash,
/// <c>{pad:N}</c> N filler characters (to give answers a realistic size). The text becomes the extern's declared
/// type: an int, float or bool is parsed from it, a list or record read as JSON, so <c>-&gt; float</c> gets a float.
/// </summary>
public sealed record TemplateRule(string Template) : ResponseRule
{
    public override Value Respond(ExternDecl decl, Value[] args)
    {
        var sb = new StringBuilder(Template.Length + 32);
        var hash = HashOf(args);
        var i = 0;
        while (i < Template.Length)
        {
            var open = Template.IndexOf('{', i);
            var close = open < 0 ? -1 : Template.IndexOf('}', open);
            if (close < 0)
            {
                sb.Append(Template, i, Template.Length - i);
                break;
            }

            sb.Append(Template, i, open - i);
            sb.Append(Expand(Template.AsSpan(open + 1, close - open - 1), decl, args, hash));
            i = close + 1;
        }

        return Typed(sb.ToString(), decl);
    }

    private static Value Typed(string text, ExternDecl decl)
    {
        var type = decl.ReturnType.TrimEnd('?');
        var value = type switch
        {
            "string" or "any" => Value.String(text),
            "int" => long.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? Value.Int(i) : null,
            "float" => double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? Value.Float(d) : null,
            "bool" => bool.TryParse(text.Trim(), out var b) ? Value.Bool(b) : null,
            _ => Json(text),
        };
        return value ?? throw new FlimpRuntimeException($"stand-in of extern '{decl.Name}' made \"{(text.Length > 60 ? text[..60] + "..." : text)}\", which is not a {decl.ReturnType}");
    }

    private static Value? Json(string text)
    {
        try
        {
            return ValueJson.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static string Expand(ReadOnlySpan<char> slot, ExternDecl decl, Value[] args, ulong hash)
    {
        if (slot is "hash")
        {
            return (hash >> 32).ToString("x8", CultureInfo.InvariantCulture);
        }

        if (slot.StartsWith("hash%") && ulong.TryParse(slot[5..], CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            return (hash % n).ToString(CultureInfo.InvariantCulture);
        }

        if (slot.StartsWith("pick:"))
        {
            var options = slot[5..].ToString().Split('|');
            return options[(int)(hash % (ulong)options.Length)];
        }

        if (slot.StartsWith("pad:") && int.TryParse(slot[4..], CultureInfo.InvariantCulture, out var pad))
        {
            return new string('.', Math.Clamp(pad, 0, 1 << 20));
        }

        for (var p = 0; p < decl.Params.Length && p < args.Length; p++)
        {
            if (slot.SequenceEqual(decl.Params[p].Name))
            {
                return args[p].ToString();
            }
        }

        return "{" + slot.ToString() + "}";
    }

    /// <summary>Slot names a template may use besides parameters.</summary>
    public static bool IsKnownSlot(string slot, ExternDecl decl) =>
        slot == "hash" || slot.StartsWith("hash%", StringComparison.Ordinal) || slot.StartsWith("pick:", StringComparison.Ordinal)
        || slot.StartsWith("pad:", StringComparison.Ordinal) || decl.Params.Any(p => p.Name == slot);
}
