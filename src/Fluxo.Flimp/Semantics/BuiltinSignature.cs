using System.Collections.Immutable;
using Fluxo.Builtins;
using Fluxo.Diagnostics;
using Fluxo.Flimp.Syntax;

namespace Fluxo.Flimp.Semantics;

/// <summary>Checks a builtin call against its catalog signature, where <c>T</c> is bound by the first argument that fixes it.</summary>
internal static class BuiltinSignature
{
    public static FlimpType Check(ExprBinder binder, CallExprSyntax call, BuiltinInfo builtin, ImmutableArray<BoundExpr> args)
    {
        if (builtin.ParamTypes.Length != args.Length)
        {
            binder.Diagnostics.Add(Diag.FlimpArgumentCount(call.NameSpan, call.Name, builtin.ParamTypes.Length, args.Length));
            return Parse(builtin.ReturnType, FlimpType.Error);
        }

        FlimpType? t = null;
        for (var i = 0; i < args.Length; i++)
        {
            Bind(Parse(builtin.ParamTypes[i], null), args[i].Type, ref t);
        }

        var tv = t ?? FlimpType.Nothing;
        for (var i = 0; i < args.Length; i++)
        {
            binder.Expect(args[i], Parse(builtin.ParamTypes[i], tv), $"argument {i + 1} of '{call.Name}'");
        }

        return Parse(builtin.ReturnType, tv);
    }

    /// <summary>A literal argument beyond the builtin's limit is known to fail, so it is an error now rather than at every request.</summary>
    public static void CheckLimit(ExprBinder binder, CallExprSyntax call, BuiltinInfo builtin, ImmutableArray<BoundExpr> args)
    {
        if (builtin.Limit is { } limit && limit.Arg < args.Length && LiteralInt(args[limit.Arg]) is { } value && value > limit.Max)
        {
            binder.Diagnostics.Add(Diag.FlimpBuiltinLimit(args[limit.Arg].Span, call.Name, value, limit.Text));
        }
    }

    /// <summary>The value of an integer literal argument, if it is one.</summary>
    public static long? LiteralInt(BoundExpr e) => e is BoundLiteral { Value.Kind: Fluxo.Values.ValueKind.Int } l ? l.Value.AsInt : null;

    // Walks the parameter pattern and the argument type together to find what T stands for.
    private static void Bind(FlimpType pattern, FlimpType arg, ref FlimpType? t)
    {
        switch (pattern, arg)
        {
            case (PrimType { Name: "T" }, _) when t is null || t == FlimpType.Nothing:
                t = arg == FlimpType.Nothing ? t ?? arg : arg;
                break;
            case (PrimType { Name: "T" }, _):
                t = TypeRules.Join(t!, arg) ?? t;
                break;
            case (ListType p, ListType a):
                Bind(p.Element, a.Element, ref t);
                break;
            case (OptionalType p, OptionalType a):
                Bind(p.Inner, a.Inner, ref t);
                break;
        }
    }

    /// <summary>Reads catalog type text; <c>T</c> becomes <paramref name="t"/> (or stays a placeholder when null).</summary>
    private static FlimpType Parse(string text, FlimpType? t)
    {
        if (text.EndsWith('?'))
        {
            return TypeRules.MakeOptional(Parse(text[..^1], t));
        }

        if (text.StartsWith("list<", StringComparison.Ordinal) && text.EndsWith('>'))
        {
            return new ListType(Parse(text[5..^1], t));
        }

        return text switch
        {
            "T" => t ?? new PrimType("T"),
            "string" => FlimpType.String,
            "int" => FlimpType.Int,
            "float" => FlimpType.Float,
            "bool" => FlimpType.Bool,
            "unit" => FlimpType.Unit,
            "any" => FlimpType.Any,
            _ => FlimpType.Error,
        };
    }
}
