using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Fluxo.Values;

namespace Fluxo.Builtins;

/// <summary>
/// A builtin's signature and properties. Types are IR type text; <c>T</c> is the one type variable,
/// <c>any</c> accepts every type. <see cref="CostMs"/> is the nominal latency charged under virtual time.
/// <see cref="Example"/> is a Flimp expression shown in docs/builtins.md.
/// </summary>
public sealed record BuiltinInfo(
    string Name,
    ImmutableArray<string> ParamTypes,
    string ReturnType,
    bool Deterministic,
    string Description,
    double CostMs,
    Func<IBuiltinContext, Value[], Value> Invoke,
    string Example = "",
    BuiltinLimit? Limit = null);

/// <summary>An upper bound on the integer argument <see cref="Arg"/> (0-based): beyond it the call is a compile-time error
/// when the argument is a literal and a request error naming the builtin otherwise, never a silently shortened result.</summary>
public sealed record BuiltinLimit(int Arg, long Max, string Text);

/// <summary>Every builtin Flimp offers, with its semantics. Builtins never have side effects.</summary>
public static partial class BuiltinCatalog
{
    /// <summary>PBKDF2 iterations: deliberately slow, so a stolen table is expensive to attack.</summary>
    public const int PasswordIterations = 20_000;

    public static readonly FrozenDictionary<string, BuiltinInfo> All = Build().Select(WithExample).ToFrozenDictionary(b => b.Name, StringComparer.Ordinal);

    public static BuiltinInfo? Find(string name) => All.GetValueOrDefault(name);

    /// <summary>The most items <c>range</c> builds: a request's lists stay in memory.</summary>
    public const long MaxRange = 100_000;

    private static BuiltinInfo Pure(string name, string[] ps, string ret, string doc, Func<Value[], Value> f, double cost = 0.001) =>
        new(name, [.. ps], ret, true, doc, cost, (_, a) => f(a));

    /// <summary>Checks a limited argument at run time; the message names the builtin, as the compile-time error does.</summary>
    public static long Within(string builtin, long value, BuiltinLimit limit) => value <= limit.Max
        ? value
        : throw new FlimpRuntimeException($"{builtin}: {value.ToString(CultureInfo.InvariantCulture)} is beyond its limit ({limit.Text})");

    private static BuiltinLimit RangeLimit => new(0, MaxRange, "at most 100,000 items");

    private static Value Range(long n) =>
        Value.List(Enumerable.Range(0, (int)Math.Max(0, Within("range", n, RangeLimit))).Select(i => Value.Int(i)));

    private static Value AtMost(ImmutableArray<Value> list, long max) => list.Length <= max
        ? Value.List(list)
        : throw new FlimpRuntimeException($"atMost: the list has {list.Length} items, more than the {max.ToString(CultureInfo.InvariantCulture)} allowed");

    private static IEnumerable<BuiltinInfo> Build()
    {
        // Strings
        yield return Pure("length", ["string"], "int", "number of characters", a => Value.Int(a[0].AsString.Length));
        yield return Pure("upper", ["string"], "string", "upper case", a => Value.String(a[0].AsString.ToUpperInvariant()));
        yield return Pure("lower", ["string"], "string", "lower case", a => Value.String(a[0].AsString.ToLowerInvariant()));
        yield return Pure("trim", ["string"], "string", "without leading and trailing white space", a => Value.String(a[0].AsString.Trim()));
        yield return Pure("contains", ["string", "string"], "bool", "whether the first contains the second", a => Value.Bool(a[0].AsString.Contains(a[1].AsString, StringComparison.Ordinal)));
        yield return Pure("startsWith", ["string", "string"], "bool", "whether the first starts with the second", a => Value.Bool(a[0].AsString.StartsWith(a[1].AsString, StringComparison.Ordinal)));
        yield return Pure("endsWith", ["string", "string"], "bool", "whether the first ends with the second", a => Value.Bool(a[0].AsString.EndsWith(a[1].AsString, StringComparison.Ordinal)));
        yield return Pure("indexOf", ["string", "string"], "int", "position of the second in the first, or -1", a => Value.Int(a[0].AsString.IndexOf(a[1].AsString, StringComparison.Ordinal)));
        yield return Pure("substring", ["string", "int", "int"], "string", "at most `count` characters from `start` (clamped)", a => Value.String(Substring(a[0].AsString, a[1].AsInt, a[2].AsInt)));
        yield return Pure("replace", ["string", "string", "string"], "string", "every occurrence of the second replaced by the third", a => Value.String(a[1].AsString.Length == 0 ? a[0].AsString : a[0].AsString.Replace(a[1].AsString, a[2].AsString, StringComparison.Ordinal)));
        yield return Pure("split", ["string", "string"], "list<string>", "the parts between separators", a => Value.List(Split(a[0].AsString, a[1].AsString)));
        yield return Pure("join", ["list<string>", "string"], "string", "the parts with a separator between them", a => Value.String(string.Join(a[1].AsString, a[0].AsList.Select(v => v.AsString))));
        yield return Pure("str", ["any"], "string", "a value as text", a => Value.String(a[0].ToString()));
        yield return Pure("parseInt", ["string"], "int?", "the integer in a text, or none", a => long.TryParse(a[0].AsString.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? Value.Int(i) : Value.Null);
        yield return Pure("parseFloat", ["string"], "float?", "the number in a text, or none", a => double.TryParse(a[0].AsString.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? Value.Float(d) : Value.Null);
        yield return Pure("htmlEscape", ["string"], "string", "safe to place inside HTML", a => Value.String(WebUtility.HtmlEncode(a[0].AsString)));
        yield return Pure("urlEncode", ["string"], "string", "safe to place inside a URL", a => Value.String(Uri.EscapeDataString(a[0].AsString)));
        yield return Pure("sha256", ["string"], "string", "hex SHA-256 of the UTF-8 text", a => Value.String(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(a[0].AsString)))), 0.005);

        // Numbers
        yield return Pure("abs", ["float"], "float", "absolute value", a => Value.Float(Math.Abs(a[0].AsFloat)));
        yield return Pure("min", ["float", "float"], "float", "the smaller", a => Value.Float(Math.Min(a[0].AsFloat, a[1].AsFloat)));
        yield return Pure("max", ["float", "float"], "float", "the larger", a => Value.Float(Math.Max(a[0].AsFloat, a[1].AsFloat)));
        yield return Pure("round", ["float"], "int", "nearest integer, halves away from zero", a => Value.Int((long)Math.Round(a[0].AsFloat, MidpointRounding.AwayFromZero)));
        yield return Pure("floor", ["float"], "int", "largest integer not above", a => Value.Int((long)Math.Floor(a[0].AsFloat)));
        yield return Pure("toFloat", ["int"], "float", "the same number as a float", a => Value.Float(a[0].AsFloat));

        // Lists
        yield return Pure("count", ["list<T>"], "int", "number of items", a => Value.Int(a[0].AsList.Length));
        yield return Pure("at", ["list<T>", "int"], "T?", "the item at a position (from 0), or none", a => a[1].AsInt >= 0 && a[1].AsInt < a[0].AsList.Length ? a[0].AsList[(int)a[1].AsInt] : Value.Null);
        yield return Pure("take", ["list<T>", "int"], "list<T>", "the first n items", a => Value.List(a[0].AsList.Take((int)Math.Clamp(a[1].AsInt, 0, int.MaxValue))));
        yield return Pure("append", ["list<T>", "T"], "list<T>", "the list with one more item at the end", a => Value.List(a[0].AsList.Add(a[1])));
        yield return Pure("concat", ["list<T>", "list<T>"], "list<T>", "both lists, one after the other", a => Value.List(a[0].AsList.AddRange(a[1].AsList)));
        yield return Pure("reverse", ["list<T>"], "list<T>", "items in reverse order", a => Value.List(a[0].AsList.Reverse()));
        yield return Pure("range", ["int"], "list<int>", "0, 1, ... n-1 (empty when n <= 0)", a => Range(a[0].AsInt)) with { Limit = RangeLimit };
        yield return Pure("atMost", ["list<T>", "int"], "list<T>", "the list itself; a request error when it has more than n items (what 'for each ... max n' checks)", a => AtMost(a[0].AsList, a[1].AsInt));

        // Time and ids: not deterministic, so nothing that depends on them is ever cached.
        yield return new("now", [], "int", false, "milliseconds since 1970 on the runtime's clock", 0.001, (c, _) => Value.Int(c.NowMs));
        yield return new("newId", [], "string", false, "a new unique id", 0.001, (c, _) => Value.String(c.NewId()));
        yield return new("random", [], "float", false, "a number in [0, 1)", 0.001, (c, _) => Value.Float(c.NextRandom()));
        yield return new("newSalt", [], "string", false, "a new random salt for hashPassword", 0.001, (c, _) => Value.String(c.NewId()));
        yield return Pure("formatTime", ["int", "string"], "string", "a time (ms since 1970) formatted, e.g. \"yyyy-MM-dd HH:mm\" (UTC)", a => Value.String(FormatTime(a[0].AsInt, a[1].AsString)));

        // Passwords: deliberately slow. The same inputs give the same answer, but they are marked not
        // deterministic so no cache, pre-computation or speculation ever keeps a password-derived key
        // or skips the slowness that protects stored hashes.
        yield return new("hashPassword", ["string", "string"], "string", false, "PBKDF2-SHA256 of a password with a salt (never cached)", 25, (_, a) => Value.String(HashPassword(a[0].AsString, a[1].AsString)));
        yield return new("verifyPassword", ["string", "string", "string"], "bool", false, "whether a password with a salt matches a stored hash, in constant time (never cached)", 25, (_, a) => Value.Bool(VerifyPassword(a[0].AsString, a[1].AsString, a[2].AsString)));
    }

    private static string Substring(string s, long start, long count)
    {
        var from = (int)Math.Clamp(start, 0, s.Length);
        var n = (int)Math.Clamp(count, 0, s.Length - from);
        return s.Substring(from, n);
    }

    private static IEnumerable<Value> Split(string s, string sep) =>
        sep.Length == 0 ? s.Select(ch => Value.String(ch.ToString())) : s.Split(sep).Select(Value.String);

    private static string FormatTime(long ms, string format)
    {
        try
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString(format, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException)
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(ms, 0, 253402300799999)).UtcDateTime.ToString("o", CultureInfo.InvariantCulture);
        }
    }

    public static string HashPassword(string password, string salt)
    {
        var bytes = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(salt), PasswordIterations, HashAlgorithmName.SHA256, 32);
        return Convert.ToHexStringLower(bytes);
    }

    public static bool VerifyPassword(string password, string salt, string expectedHash)
    {
        var actual = Encoding.ASCII.GetBytes(HashPassword(password, salt));
        var expected = Encoding.ASCII.GetBytes(expectedHash);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }
}
