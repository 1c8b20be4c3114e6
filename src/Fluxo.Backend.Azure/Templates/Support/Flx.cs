using System.Collections.Immutable;
using Fluxo.Builtins;
using Fluxo.Values;

namespace Fluxo.Support;

/// <summary>The helpers compiled Flimp expressions call; the meaning of every operator lives in <see cref="Operators"/>.</summary>
public static class Flx
{
    public static Value Field(Value target, string field)
    {
        if (target.IsNull)
        {
            throw new FlimpRuntimeException($"field '{field}' of none");
        }

        return target.GetField(field) ?? throw new FlimpRuntimeException($"{target.Kind.ToString().ToLowerInvariant()} has no field '{field}'");
    }

    /// <summary>An if condition or a side of <c>&amp;&amp;</c>/<c>||</c>: must be a bool, as in the runtime.</summary>
    public static bool Truth(Value v, string what) => v.Kind == ValueKind.Bool
        ? v.AsBool
        : throw new FlimpRuntimeException($"{what} must be a bool, not {(v.IsNull ? "none" : v.Kind.ToString().ToLowerInvariant())}");

    public static Value Builtin(RequestScope scope, string name, params Value[] args)
    {
        var info = BuiltinCatalog.Find(name) ?? throw new FlimpRuntimeException($"unknown builtin '{name}'");
        try
        {
            return info.Invoke(scope.Builtins, args);
        }
        catch (InvalidCastException)
        {
            throw new FlimpRuntimeException($"builtin '{name}' cannot apply to these arguments");
        }
    }

    public static Value Record(params (string Name, Value Value)[] fields) =>
        Value.Record(fields.Select(f => new KeyValuePair<string, Value>(f.Name, f.Value)).ToImmutableArray());

    public static Value List(params Value[] items) => Value.List(items.ToImmutableArray());

    public static ImmutableArray<Value> Items(Value list) =>
        list.Kind == ValueKind.List ? list.AsList : list.IsNull ? [] : throw new FlimpRuntimeException("map, filter and fold need a list");

    public static async Task<Value> Map(Value list, Func<Value, Task<Value>> body)
    {
        var result = ImmutableArray.CreateBuilder<Value>();
        foreach (var item in Items(list))
        {
            result.Add(await body(item));
        }

        return Value.List(result.ToImmutable());
    }

    public static async Task<Value> Filter(Value list, Func<Value, Task<Value>> body)
    {
        var result = ImmutableArray.CreateBuilder<Value>();
        foreach (var item in Items(list))
        {
            if (Operators.IsTrue(await body(item)))
            {
                result.Add(item);
            }
        }

        return Value.List(result.ToImmutable());
    }

    public static async Task<Value> Fold(Value list, Value init, Func<Value, Value, Task<Value>> body)
    {
        var acc = init;
        foreach (var item in Items(list))
        {
            acc = await body(acc, item);
        }

        return acc;
    }

    public static Task<Value> Let(Value value, Func<Value, Task<Value>> body) => body(value);

    /// <summary>Guards and filters: only the boolean true passes.</summary>
    public static bool Test(Value v) => Operators.IsTrue(v);
}
