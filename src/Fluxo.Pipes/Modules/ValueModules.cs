using System.Globalization;
using Fluxo.Values;

namespace Fluxo.Pipes.Modules;

/// <summary>Modules that compute one value: user inputs, strings, URLs, dates and arithmetic; and the services that are gone.</summary>
internal static class ValueModules
{
    /// <summary>A user input: the request's value, or the declared default when the request leaves it out or empty.</summary>
    public static Value UserInput(ModuleCall call)
    {
        var given = call.Input is { IsNull: false } v && Items.Text(v).Length > 0 ? v : null;
        var text = given is not null ? Items.Text(given) : call.Text("default");
        if (call.Type != "numberinput")
        {
            return Value.String(text);
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            ? Value.Float(d)
            : text.Length == 0 ? Value.Null : throw call.BadSetting(Settings.InputName(call.Conf) ?? "default", $"'{text}' is not a number");
    }

    public static Value StrConcat(ModuleCall call) =>
        Value.String(string.Concat(call.List("part").Select(p => call.Text(p))));

    public static Value StringTokenizer(ModuleCall call)
    {
        var text = Items.Text(call.Input);
        var delimiter = call.Text("to-str");
        IEnumerable<string> tokens = delimiter.Length == 0 ? [text] : text.Split(delimiter);
        tokens = tokens.Where(t => t.Length > 0);
        if (call.Text("dedupe") is { Length: > 0 } d && d != "false")
        {
            tokens = tokens.Distinct(StringComparer.Ordinal);
        }

        if (call.Text("sort") is { Length: > 0 } s && s != "false")
        {
            tokens = tokens.Order(StringComparer.Ordinal);
        }

        return Value.List(tokens.Select(t => Items.Record(("content", Value.String(t)))));
    }

    public static Value UrlBuilder(ModuleCall call)
    {
        var url = call.Text("BASE");
        var path = call.List("PATH").Select(p => call.Text(p).Trim('/')).Where(p => p.Length > 0).ToList();
        if (path.Count > 0)
        {
            url = url.TrimEnd('/') + "/" + string.Join("/", path);
        }

        var query = call.List("PARAM")
            .Select(p => (Key: call.Text(p.At("key")), Value: call.Text(p.At("value"))))
            .Where(p => p.Key.Length > 0)
            .Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value))
            .ToList();
        if (query.Count > 0)
        {
            url += (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + string.Join("&", query);
        }

        return Value.String(url);
    }

    public static Value DateBuilder(ModuleCall call)
    {
        var given = call.Resolve(call.Conf["DATE"]);
        var date = DateParsing.FromValue(given, call.Now) ?? throw call.BadSetting("DATE", $"'{Items.Text(given)}' is not a date");
        return DateParsing.ToRecord(date);
    }

    public static Value DateFormat(ModuleCall call)
    {
        var date = DateParsing.FromValue(call.Input, call.Now) ?? throw call.BadSetting("_INPUT", $"'{Items.Text(call.Input)}' is not a date");
        return Value.String(DateParsing.Format(date, call.Text("format")));
    }

    public static Value SimpleMath(ModuleCall call)
    {
        var a = Number(call, call.Input, "_INPUT");
        var b = Number(call, call.Resolve(call.Conf["OTHER"]), "OTHER");
        return Value.Float(call.Text("OP") switch
        {
            "add" => a + b,
            "subtract" => a - b,
            "multiply" => a * b,
            "divide" => b == 0 ? throw call.BadSetting("OTHER", "division by zero") : a / b,
            "modulo" => b == 0 ? throw call.BadSetting("OTHER", "division by zero") : a % b,
            "power" => Math.Pow(a, b),
            var op => throw call.BadSetting("OP", $"unknown operation '{op}'"),
        });
    }

    private static double Number(ModuleCall call, Value? v, string name) =>
        v is { IsNumber: true } ? v.AsFloat
        : double.TryParse(Items.Text(v), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
        : throw call.BadSetting(name, $"'{Items.Text(v)}' is not a number");

    /// <summary>String Replace: each rule replaces its text in the input, at the first (1), last (2) or every (3) place.</summary>
    public static Value StrReplace(ModuleCall call)
    {
        var text = Items.Text(call.Input);
        foreach (var rule in call.List("RULE"))
        {
            var find = call.Text(rule.At("find"));
            if (find.Length == 0)
            {
                continue;
            }

            var replace = call.Text(rule.At("replace"));
            var at = call.Text(rule.At("param")) switch
            {
                "1" or "first" => text.IndexOf(find, StringComparison.Ordinal),
                "2" or "last" => text.LastIndexOf(find, StringComparison.Ordinal),
                "3" or "every" or "" => -2,
                var other => throw call.BadSetting("RULE", $"'{other}' is not 1 (first), 2 (last) or 3 (every)"),
            };
            text = at == -2 ? text.Replace(find, replace, StringComparison.Ordinal)
                : at < 0 ? text
                : string.Concat(text.AsSpan(0, at), replace, text.AsSpan(at + find.Length));
        }

        return Value.String(text);
    }

    /// <summary>Sub String: <c>length</c> characters from <c>from</c> (0-based), clamped to the string; no length means to the end.</summary>
    public static Value SubString(ModuleCall call)
    {
        var text = Items.Text(call.Input);
        var from = (int)Math.Clamp(call.Number("from") ?? 0, 0, text.Length);
        var length = (int)Math.Clamp(call.Number("length") ?? text.Length, 0, text.Length - from);
        return Value.String(text.Substring(from, length));
    }
}
