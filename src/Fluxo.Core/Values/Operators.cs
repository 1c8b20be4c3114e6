namespace Fluxo.Values;

/// <summary>
/// The meaning of Flimp's operators, shared by the runtime and the generated C# so both answer alike.
/// <c>+</c> joins text when either side is a string; int op int stays int (division truncates, by zero
/// gives none); a float on either side makes a float; <c>==</c> is structural equality.
/// </summary>
public static class Operators
{
    public static Value Unary(string op, Value v) => op switch
    {
        "-" when v.Kind == ValueKind.Int => Value.Int(-v.AsInt),
        "-" when v.Kind == ValueKind.Float => Value.Float(-v.AsFloat),
        "!" when v.Kind == ValueKind.Bool => Value.Bool(!v.AsBool),
        _ => throw new FlimpRuntimeException($"operator '{op}' cannot apply to {Describe(v)}"),
    };

    /// <summary>Binary operators except <c>&amp;&amp;</c> and <c>||</c>, which short-circuit and are evaluated by the caller.</summary>
    public static Value Binary(string op, Value a, Value b)
    {
        switch (op)
        {
            case "==": return Value.Bool(a.Equals(b));
            case "!=": return Value.Bool(!a.Equals(b));
            case "+" when a.Kind == ValueKind.String || b.Kind == ValueKind.String:
                return Value.String(a.ToString() + b.ToString());
        }

        if (a.Kind == ValueKind.Int && b.Kind == ValueKind.Int)
        {
            long x = a.AsInt, y = b.AsInt;
            return op switch
            {
                "+" => Value.Int(unchecked(x + y)),
                "-" => Value.Int(unchecked(x - y)),
                "*" => Value.Int(unchecked(x * y)),
                "/" => y == 0 ? Value.Null : Value.Int(x == long.MinValue && y == -1 ? x : x / y),
                "%" => y == 0 ? Value.Null : Value.Int(y == -1 ? 0 : x % y),
                "<" => Value.Bool(x < y),
                "<=" => Value.Bool(x <= y),
                ">" => Value.Bool(x > y),
                ">=" => Value.Bool(x >= y),
                _ => throw Bad(op, a, b),
            };
        }

        if (a.IsNumber && b.IsNumber)
        {
            double x = a.AsFloat, y = b.AsFloat;
            return op switch
            {
                "+" => Value.Float(x + y),
                "-" => Value.Float(x - y),
                "*" => Value.Float(x * y),
                "/" => y == 0 ? Value.Null : Value.Float(x / y),
                "%" => y == 0 ? Value.Null : Value.Float(x % y),
                "<" => Value.Bool(x < y),
                "<=" => Value.Bool(x <= y),
                ">" => Value.Bool(x > y),
                ">=" => Value.Bool(x >= y),
                _ => throw Bad(op, a, b),
            };
        }

        if (a.Kind == ValueKind.String && b.Kind == ValueKind.String)
        {
            var c = string.CompareOrdinal(a.AsString, b.AsString);
            return op switch
            {
                "<" => Value.Bool(c < 0),
                "<=" => Value.Bool(c <= 0),
                ">" => Value.Bool(c > 0),
                ">=" => Value.Bool(c >= 0),
                _ => throw Bad(op, a, b),
            };
        }

        throw Bad(op, a, b);
    }

    /// <summary>Truthiness for <c>if</c>, guards and filters: only the boolean true is true.</summary>
    public static bool IsTrue(Value v) => v.Kind == ValueKind.Bool && v.AsBool;

    private static FlimpRuntimeException Bad(string op, Value a, Value b) =>
        new($"operator '{op}' cannot apply to {Describe(a)} and {Describe(b)}");

    private static string Describe(Value v) => v.Kind switch
    {
        ValueKind.Null => "none",
        _ => v.Kind.ToString().ToLowerInvariant(),
    };
}

/// <summary>A request failed for a reason in the service's own logic (e.g. a field of none); reported, never a crash.</summary>
public sealed class FlimpRuntimeException(string message) : Exception(message);
