namespace Fluxo.Flimp.Semantics;

/// <summary>
/// After <c>x != none</c> holds, <c>x</c> is known to be present: the scope seen by the guarded code
/// re-binds it with its non-optional type, so reading its fields needs no extra syntax.
/// </summary>
internal static class Narrowing
{
    public static Scope WhenTrue(BoundExpr condition, Scope scope) => Apply(condition, scope, positive: true);

    public static Scope WhenFalse(BoundExpr condition, Scope scope) => Apply(condition, scope, positive: false);

    private static Scope Apply(BoundExpr condition, Scope scope, bool positive)
    {
        var narrowed = new Scope(scope);
        Collect(condition, narrowed, positive);
        return narrowed;
    }

    private static void Collect(BoundExpr condition, Scope into, bool positive)
    {
        switch (condition)
        {
            case BoundBinary { Operator: "&&" } b when positive:
                Collect(b.Left, into, positive);
                Collect(b.Right, into, positive);
                break;
            case BoundBinary { Operator: "||" } b when !positive:
                Collect(b.Left, into, positive);
                Collect(b.Right, into, positive);
                break;
            case BoundUnary { Operator: "!" } u:
                Collect(u.Operand, into, !positive);
                break;
            case BoundBinary { Operator: "!=" or "==" } b:
                var present = (b.Operator == "!=") == positive;
                if (present && NoneCheck(b) is { } v && v.Type is OptionalType opt)
                {
                    into.Narrow(v.Symbol, opt.Inner);
                }

                break;
        }
    }

    private static BoundVar? NoneCheck(BoundBinary b) => (b.Left, b.Right) switch
    {
        (BoundVar v, BoundLiteral { Type: PrimType { Name: "none" } }) => v,
        (BoundLiteral { Type: PrimType { Name: "none" } }, BoundVar v) => v,
        _ => null,
    };
}
