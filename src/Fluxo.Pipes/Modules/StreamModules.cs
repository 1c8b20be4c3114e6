using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Fluxo.Values;

namespace Fluxo.Pipes.Modules;

/// <summary>Operators on item streams: filter, sort, rename, union, uniq, split, count, truncate, tail, reverse.</summary>
internal static class StreamModules
{
    public static Value Stream(ModuleCall call) => Value.List(Items.AsItems(call.Input));

    /// <summary>Both outputs of a split carry the input's items; each wire reads its own output by name.</summary>
    public static Value Split(ModuleCall call)
    {
        var items = Stream(call);
        return Value.Record(ModuleCatalog.SplitOutputs.Select(o => new KeyValuePair<string, Value>(o, items)));
    }

    /// <summary>Sub-element: the values at a dotted path of every item (lists at any step flattened) become the items;
    /// a value that is not a record becomes {content}.</summary>
    public static Value SubElement(ModuleCall call)
    {
        var setting = call.Conf["path"];
        var path = Settings.Subkey(setting) ?? call.Text(setting);
        if (path.Length == 0)
        {
            throw call.BadSetting("path", "is empty");
        }

        return Value.List(Items.AsItems(call.Input).SelectMany(item => Items.AsItems(Items.Select(item, path))));
    }

    public static Value Union(ModuleCall call) =>
        Value.List(call.Inputs(p => p.StartsWith("_INPUT", StringComparison.Ordinal) || p.StartsWith("_OTHER", StringComparison.Ordinal)).SelectMany(v => Items.AsItems(v)));

    public static Value Count(ModuleCall call) => Value.Int(Items.AsItems(call.Input).Length);

    public static Value Truncate(ModuleCall call) => Value.List(Items.AsItems(call.Input).Take(CountSetting(call)));

    public static Value Tail(ModuleCall call) => Value.List(Items.AsItems(call.Input).TakeLast(CountSetting(call)));

    public static Value Reverse(ModuleCall call) => Value.List(Items.AsItems(call.Input).Reverse());

    private static int CountSetting(ModuleCall call)
    {
        var n = call.Number("count") ?? throw call.BadSetting("count", "is not a number");
        return (int)Math.Clamp(n, 0, int.MaxValue);
    }

    public static Value Uniq(ModuleCall call)
    {
        var field = call.Text("field");
        return Value.List(Items.AsItems(call.Input).DistinctBy(i => Items.Text(Items.Get(i, field)), StringComparer.Ordinal));
    }

    public static Value Rename(ModuleCall call)
    {
        var rules = call.List("RULE");
        return Value.List(Items.AsItems(call.Input).Select(item =>
        {
            foreach (var rule in rules)
            {
                var field = call.Text(rule.At("field"), item);
                var target = call.Text(rule.At("newval"), item);
                if (field.Length == 0 || target.Length == 0 || Items.Get(item, field) is not { } value)
                {
                    continue;
                }

                item = Items.With(item, target, value);
                if (call.Text(rule.At("op")) == "rename" && field != target)
                {
                    item = Items.Without(item, field);
                }
            }

            return item;
        }));
    }

    public static Value Filter(ModuleCall call)
    {
        var permit = call.Text("MODE") != "block";
        var any = call.Text("COMBINE") == "or";
        var rules = call.List("RULE");
        return Value.List(Items.AsItems(call.Input).Where(item =>
        {
            var results = rules.Select(r => Test(call, item, r));
            var matched = rules.Count == 0 || (any ? results.Any(x => x) : results.All(x => x));
            return matched == permit;
        }));
    }

    private static bool Test(ModuleCall call, Value item, JsonNode? rule)
    {
        var op = call.Text(rule.At("op"));
        var actual = Items.Get(item, call.Text(rule.At("field"), item));
        var expected = call.Resolve(rule.At("value"), item);
        if (actual is null || actual.IsNull)
        {
            return op == "doesnotcontain";
        }

        var a = Items.Text(actual);
        var e = Items.Text(expected);
        return op switch
        {
            "contains" => a.Contains(e, StringComparison.OrdinalIgnoreCase),
            "doesnotcontain" => !a.Contains(e, StringComparison.OrdinalIgnoreCase),
            "matches" => RegexCache.Guard(call, e, () => call.Modules.Regexes.Get(call, e, RegexOptions.None).IsMatch(a)),
            "is" => string.Equals(a, e, StringComparison.Ordinal),
            "isnot" => !string.Equals(a, e, StringComparison.Ordinal),
            "greater" => Compare(actual, expected, call.Now) > 0,
            "less" => Compare(actual, expected, call.Now) < 0,
            "after" => DateParsing.FromValue(actual, call.Now) > DateParsing.FromValue(expected, call.Now),
            "before" => DateParsing.FromValue(actual, call.Now) < DateParsing.FromValue(expected, call.Now),
            _ => throw call.BadSetting("RULE", $"unknown comparison '{op}'"),
        };
    }

    public static Value Sort(ModuleCall call)
    {
        var items = Items.AsItems(call.Input).ToList();
        var keys = call.List("KEY");
        IOrderedEnumerable<Value>? ordered = null;
        foreach (var key in keys)
        {
            var field = call.Text(key.At("field"));
            var descending = call.Text(key.At("dir")).Equals("DESC", StringComparison.OrdinalIgnoreCase);
            var comparer = ColumnComparer(items.Select(i => Items.Get(i, field)), call.Now);
            Func<Value, Value?> selector = i => Items.Get(i, field);
            ordered = ordered is null
                ? (descending ? items.OrderByDescending(selector, comparer) : items.OrderBy(selector, comparer))
                : (descending ? ordered.ThenByDescending(selector, comparer) : ordered.ThenBy(selector, comparer));
        }

        return Value.List(ordered ?? (IEnumerable<Value>)items);
    }

    /// <summary>Sorts a column as numbers when all its values are numbers, as dates when all are dates, else as text.</summary>
    private static IComparer<Value?> ColumnComparer(IEnumerable<Value?> column, DateTimeOffset now)
    {
        var present = column.Where(v => v is not null && Items.Text(v).Length > 0).ToList();
        if (present.All(v => Number(v) is not null))
        {
            return Comparer<Value?>.Create((x, y) => Nullable.Compare(Number(x), Number(y)));
        }

        if (present.All(v => DateParsing.FromValue(v, now) is not null))
        {
            return Comparer<Value?>.Create((x, y) => Nullable.Compare(DateParsing.FromValue(x, now), DateParsing.FromValue(y, now)));
        }

        return Comparer<Value?>.Create((x, y) => string.Compare(Items.Text(x), Items.Text(y), StringComparison.OrdinalIgnoreCase));
    }

    private static int Compare(Value a, Value b, DateTimeOffset now)
    {
        if (Number(a) is { } x && Number(b) is { } y)
        {
            return x.CompareTo(y);
        }

        if (DateParsing.FromValue(a, now) is { } da && DateParsing.FromValue(b, now) is { } db)
        {
            return da.CompareTo(db);
        }

        return string.Compare(Items.Text(a), Items.Text(b), StringComparison.OrdinalIgnoreCase);
    }

    private static double? Number(Value? v) =>
        v is { IsNumber: true } ? v.AsFloat
        : v is not null && double.TryParse(Items.Text(v), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
}
