namespace Fluxo.Builtins;

public static partial class BuiltinCatalog
{
    /// <summary>One call per builtin and what it gives, for docs/builtins.md; the deterministic ones are run by a test, so they stay true.</summary>
    // A switch, not a dictionary: static fields of partial files initialize in no guaranteed order.
    private static string? ExampleOf(string name) => name switch
    {
        "length" => "length(\"héllo\") == 5",
        "upper" => "upper(\"Ab\") == \"AB\"",
        "lower" => "lower(\"Ab\") == \"ab\"",
        "trim" => "trim(\"  a b \") == \"a b\"",
        "contains" => "contains(\"fluxo\", \"lux\") == true",
        "startsWith" => "startsWith(\"fluxo\", \"flu\") == true",
        "endsWith" => "endsWith(\"fluxo\", \"xo\") == true",
        "indexOf" => "indexOf(\"fluxo\", \"x\") == 3",
        "substring" => "substring(\"fluxo\", 1, 3) == \"lux\"",
        "replace" => "replace(\"a-b-c\", \"-\", \"+\") == \"a+b+c\"",
        "split" => "split(\"a,b,,c\", \",\") == [\"a\", \"b\", \"\", \"c\"]",
        "join" => "join([\"a\", \"b\"], \", \") == \"a, b\"",
        "str" => "str(42) == \"42\"",
        "parseInt" => "parseInt(\" 42 \") == 42",
        "parseFloat" => "parseFloat(\"2.5\") == 2.5",
        "htmlEscape" => "htmlEscape(\"<b>\") == \"&lt;b&gt;\"",
        "urlEncode" => "urlEncode(\"a b&c\") == \"a%20b%26c\"",
        "sha256" => "sha256(\"abc\") == \"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"",
        "abs" => "abs(-2.5) == 2.5",
        "min" => "min(1.5, 2.0) == 1.5",
        "max" => "max(1.5, 2.0) == 2.0",
        "round" => "round(2.5) == 3",
        "floor" => "floor(-0.5) == -1",
        "toFloat" => "toFloat(3) == 3.0",
        "count" => "count([1, 2, 3]) == 3",
        "at" => "at([10, 20], 1) == 20",
        "take" => "take([1, 2, 3], 2) == [1, 2]",
        "append" => "append([1, 2], 3) == [1, 2, 3]",
        "concat" => "concat([1], [2, 3]) == [1, 2, 3]",
        "reverse" => "reverse([1, 2, 3]) == [3, 2, 1]",
        "range" => "range(3) == [0, 1, 2]",
        "atMost" => "atMost([1, 2], 5) == [1, 2]",
        "now" => "now() > 0",
        "newId" => "length(newId()) > 0",
        "random" => "random() < 1.0",
        "newSalt" => "length(newSalt()) > 0",
        "formatTime" => "formatTime(0, \"yyyy-MM-dd\") == \"1970-01-01\"",
        "hashPassword" => "length(hashPassword(\"secret\", \"salt\")) == 64",
        "verifyPassword" => "verifyPassword(\"secret\", \"salt\", hashPassword(\"secret\", \"salt\")) == true",
        _ => null,
    };

    private static BuiltinInfo WithExample(BuiltinInfo b) =>
        b with { Example = ExampleOf(b.Name) is { } e ? e : throw new InvalidOperationException($"builtin '{b.Name}' has no example") };
}
