using System.Collections.Immutable;
using System.Globalization;
using Fluxo.Values;

namespace Fluxo.Pipes.Modules;

/// <summary>Items as Yahoo saw them: records whose fields are reached by dotted paths ("a.1.content").</summary>
public static class Items
{
    public static Value Record(params (string Name, Value Value)[] fields) =>
        Value.Record(fields.Select(f => new KeyValuePair<string, Value>(f.Name, f.Value)));

    /// <summary>Text of a value the way a module compares or concatenates it.</summary>
    public static string Text(Value? v) => v switch
    {
        null => "",
        { Kind: ValueKind.Null } => "",
        { Kind: ValueKind.String } => v.AsString,
        { Kind: ValueKind.Int } => v.AsInt.ToString(CultureInfo.InvariantCulture),
        { Kind: ValueKind.Float } => FormatNumber(v.AsFloat),
        { Kind: ValueKind.Bool } => v.AsBool ? "true" : "false",
        { Kind: ValueKind.List } => v.AsList.Length == 0 ? "" : Text(v.AsList[0]),
        _ => v.GetField("content") is { } c ? Text(c) : v.GetField("utime") is { } u ? Text(u) : ValueJson.Serialize(v),
    };

    public static string FormatNumber(double d) =>
        Math.Floor(d) == d && Math.Abs(d) < 1e15 ? ((long)d).ToString(CultureInfo.InvariantCulture) : d.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A field of an item by dotted path. A name applied to a list reads the first element; an
    /// index applied to a non-list reads the value itself at 0 (a one-element list written bare).</summary>
    public static Value? Get(Value? item, string path)
    {
        var v = item;
        foreach (var seg in path.Split('.'))
        {
            if (v is null || seg.Length == 0)
            {
                return seg.Length == 0 ? v : null;
            }

            if (int.TryParse(seg, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                v = v.Kind == ValueKind.List ? (index < v.AsList.Length ? v.AsList[index] : null)
                    : index == 0 ? v : null;
                continue;
            }

            while (v.Kind == ValueKind.List && v.AsList.Length > 0)
            {
                v = v.AsList[0];
            }

            v = v.GetField(seg);
        }

        return v;
    }

    /// <summary>A path into fetched data: a name applied to a list is applied to every element, flattening.</summary>
    public static Value? Select(Value? data, string path)
    {
        var current = new List<Value>();
        if (data is not null)
        {
            current.Add(data);
        }

        var listed = false;
        foreach (var seg in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var next = new List<Value>();
            var isIndex = int.TryParse(seg, NumberStyles.None, CultureInfo.InvariantCulture, out var index);
            foreach (var v in current)
            {
                if (isIndex)
                {
                    if (v.Kind == ValueKind.List && index < v.AsList.Length)
                    {
                        next.Add(v.AsList[index]);
                    }
                    else if (v.Kind != ValueKind.List && index == 0)
                    {
                        next.Add(v);
                    }

                    continue;
                }

                foreach (var element in v.Kind == ValueKind.List ? v.AsList : [v])
                {
                    if (element.GetField(seg) is { } f)
                    {
                        if (f.Kind == ValueKind.List)
                        {
                            next.AddRange(f.AsList);
                            listed = true;
                        }
                        else
                        {
                            next.Add(f);
                        }
                    }
                }
            }

            if (current.Count > 1)
            {
                listed = true;
            }

            current = next;
        }

        return current.Count switch
        {
            0 => null,
            1 when !listed => current[0],
            _ => Value.List(current),
        };
    }

    /// <summary>The items a value stands for: a list's records, a record alone, a scalar as {content}.</summary>
    public static ImmutableArray<Value> AsItems(Value? v) => v switch
    {
        null or { Kind: ValueKind.Null } => [],
        { Kind: ValueKind.List } => [.. v.AsList.Select(e => e.Kind == ValueKind.Record ? e : Record(("content", e)))],
        { Kind: ValueKind.Record } => [v],
        _ => [Record(("content", v))],
    };

    /// <summary>The item with a field set (dotted names create or replace nested records).</summary>
    public static Value With(Value item, string path, Value value)
    {
        var dot = path.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0 && dot < path.Length - 1)
        {
            var head = path[..dot];
            var inner = item.GetField(head) is { Kind: ValueKind.Record } r ? r : Value.Record([]);
            return WithTop(item, head, With(inner, path[(dot + 1)..], value));
        }

        return WithTop(item, path, value);
    }

    private static Value WithTop(Value item, string name, Value value)
    {
        var fields = item.Kind == ValueKind.Record ? item.AsRecord : [];
        var kv = new KeyValuePair<string, Value>(name, value);
        for (var i = 0; i < fields.Length; i++)
        {
            if (fields[i].Key == name)
            {
                return Value.Record(fields.SetItem(i, kv));
            }
        }

        return Value.Record(fields.Add(kv));
    }

    public static Value Without(Value item, string name) =>
        item.Kind == ValueKind.Record ? Value.Record(item.AsRecord.Where(kv => kv.Key != name)) : item;
}
