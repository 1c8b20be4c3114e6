using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace Fluxo.Values;

/// <summary>The fields a named record type declares (a record, or a table's row), each as (name, type text); null when
/// no record type has that name.</summary>
public delegate IReadOnlyList<(string Name, string Type)>? DeclaredFields(string type);

/// <summary>
/// Request values checked against a parameter's type text, so a wrong value is refused where it is given instead of
/// failing later inside a node with no location. Ints are accepted where floats are asked for. The one rule for every
/// door a request comes in by: <c>fluxo run</c>'s inputs, a workload's requests and the generated service's binder
/// (which ships this file).
/// </summary>
public static class ParamValues
{
    /// <summary>The fields a value of a table's row type carries, in the order rows are checked and stored: the
    /// partition key, the row key, then the declared fields.</summary>
    public static IReadOnlyList<(string Name, string Type)> RowFields(
        (string Name, string Type) partitionKey, (string Name, string Type) rowKey, IEnumerable<(string Name, string Type)> fields) =>
        [partitionKey, rowKey, .. fields];

    /// <summary>A value written on a command line: scalars as written, anything else as JSON. Null when it does not fit; <paramref name="problem"/> says why.</summary>
    public static Value? FromText(string text, string type, DeclaredFields records, out string? problem)
    {
        problem = null;
        var inner = type.TrimEnd('?');
        if (type.EndsWith('?') && text is "none" or "null")
        {
            return Value.Null;
        }

        switch (inner)
        {
            case "string":
                return Value.String(text);
            case "int":
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i))
                {
                    return Value.Int(i);
                }

                problem = "expected a whole number";
                return null;
            case "float":
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
                {
                    return Value.Float(d);
                }

                problem = "expected a finite number";
                return null;
            case "bool":
                if (text is "true" or "false")
                {
                    return Value.Bool(text == "true");
                }

                problem = "expected true or false";
                return null;
        }

        Value parsed;
        try
        {
            parsed = ValueJson.Parse(text);
        }
        catch (JsonException) when (inner == "any")
        {
            return Value.String(text);
        }
        catch (JsonException e)
        {
            problem = $"expected JSON ({e.Message})";
            return null;
        }

        return Conform(parsed, type, records, "value", out problem);
    }

    /// <summary>The value as the type wants it (ints widened to floats), or null with the first mismatch in <paramref name="problem"/>.</summary>
    public static Value? Conform(Value v, string type, DeclaredFields records, string where, out string? problem)
    {
        problem = null;
        if (type.EndsWith('?'))
        {
            return v.IsNull ? v : Conform(v, type[..^1], records, where, out problem);
        }

        switch (type)
        {
            case "any":
            case "string" when v.Kind == ValueKind.String:
            case "int" when v.Kind == ValueKind.Int:
            case "bool" when v.Kind == ValueKind.Bool:
            case "float" when v.Kind == ValueKind.Float:
            case "unit" when v.IsNull:
                return v;
            case "float" when v.Kind == ValueKind.Int:
                return Value.Float(v.AsFloat);
        }

        if (type.StartsWith("list<", StringComparison.Ordinal) && type.EndsWith('>') && v.Kind == ValueKind.List)
        {
            var items = ImmutableArray.CreateBuilder<Value>(v.AsList.Length);
            for (var k = 0; k < v.AsList.Length; k++)
            {
                if (Conform(v.AsList[k], type[5..^1], records, $"{where}[{k}]", out problem) is not { } item)
                {
                    return null;
                }

                items.Add(item);
            }

            return Value.List(items.MoveToImmutable());
        }

        if (records(type) is { } declared && v.Kind == ValueKind.Record)
        {
            var unknown = v.AsRecord.FirstOrDefault(kv => !declared.Any(f => f.Name == kv.Key)).Key;
            if (unknown is not null)
            {
                problem = $"{where} has field '{unknown}', which {type} does not declare";
                return null;
            }

            var conformed = ImmutableArray.CreateBuilder<KeyValuePair<string, Value>>(declared.Count);
            foreach (var f in declared)
            {
                var fv = v.GetField(f.Name);
                if (fv is null && !f.Type.EndsWith('?'))
                {
                    problem = $"{where} lacks field '{f.Name}' ({f.Type})";
                    return null;
                }

                if (Conform(fv ?? Value.Null, f.Type, records, $"{where}.{f.Name}", out problem) is not { } field)
                {
                    return null;
                }

                conformed.Add(new(f.Name, field));
            }

            return Value.Record(conformed.MoveToImmutable());
        }

        problem = $"{where} is {Describe(v)}, not {type}";
        return null;
    }

    private static string Describe(Value v) => v.Kind switch
    {
        ValueKind.Null => "none",
        ValueKind.Bool => "a bool",
        ValueKind.Int => "an int",
        ValueKind.Float => "a float",
        ValueKind.String => "a string",
        ValueKind.List => "a list",
        _ => "a record",
    };
}
