using System.Collections.Immutable;

namespace Fluxo.Ir;

/// <summary>
/// The one place that knows which sub-expressions each kind of expression has: passes that only need to visit
/// or rebuild children go through it, so a new expression kind is taught here once. Kinds it does not know
/// (a front end's private placeholders) are leaves.
/// </summary>
public static class ExprTree
{
    /// <summary>The direct sub-expressions, in evaluation order (a lambda's body after its list).</summary>
    public static IReadOnlyList<Expr> Children(Expr e) => e switch
    {
        UnaryExpr u => [u.Operand],
        BinaryExpr b => [b.Left, b.Right],
        IfExpr i => [i.Condition, i.Then, i.Else],
        LetExpr l => [l.Value, l.Body],
        CallExpr c => c.Args,
        RecordExpr r => [.. r.Fields.Select(f => f.Value)],
        FieldExpr f => [f.Target],
        ListExpr l => l.Items,
        MapExpr m => [m.List, m.Body],
        FilterExpr f => [f.List, f.Body],
        FoldExpr f => [f.List, f.Init, f.Body],
        TableGetExpr g => [g.PartitionKey, g.RowKey],
        TableQueryExpr q => q.RowKeyPrefix is null ? [q.PartitionKey] : [q.PartitionKey, q.RowKeyPrefix],
        TablePutExpr p => [p.PartitionKey, p.RowKey, .. p.Fields.Select(f => f.Value)],
        TableDeleteExpr d => [d.PartitionKey, d.RowKey],
        EnqueueExpr q => [.. q.Args.Select(f => f.Value)],
        _ => [],
    };

    /// <summary>Every expression in a tree, parents first; nothing for null.</summary>
    public static IEnumerable<Expr> Walk(Expr? e)
    {
        if (e is null)
        {
            yield break;
        }

        var stack = new Stack<Expr>();
        stack.Push(e);
        while (stack.Count > 0)
        {
            var x = stack.Pop();
            yield return x;
            var children = Children(x);
            for (var i = children.Count - 1; i >= 0; i--)
            {
                stack.Push(children[i]);
            }
        }
    }

    /// <summary>Rebuilds a tree bottom-up; <paramref name="replace"/> sees each expression first and may return its replacement (not descended into).</summary>
    public static Expr Rewrite(Expr e, Func<Expr, Expr?> replace)
    {
        if (replace(e) is { } replaced)
        {
            return replaced;
        }

        Expr R(Expr x) => Rewrite(x, replace);
        ImmutableArray<FieldInit> F(ImmutableArray<FieldInit> fs) => [.. fs.Select(f => f with { Value = R(f.Value) })];
        return e switch
        {
            UnaryExpr u => u with { Operand = R(u.Operand) },
            BinaryExpr b => b with { Left = R(b.Left), Right = R(b.Right) },
            IfExpr i => i with { Condition = R(i.Condition), Then = R(i.Then), Else = R(i.Else) },
            LetExpr l => l with { Value = R(l.Value), Body = R(l.Body) },
            CallExpr c => c with { Args = [.. c.Args.Select(R)] },
            RecordExpr r => r with { Fields = F(r.Fields) },
            FieldExpr f => f with { Target = R(f.Target) },
            ListExpr l => l with { Items = [.. l.Items.Select(R)] },
            MapExpr m => m with { List = R(m.List), Body = R(m.Body) },
            FilterExpr f => f with { List = R(f.List), Body = R(f.Body) },
            FoldExpr f => f with { List = R(f.List), Init = R(f.Init), Body = R(f.Body) },
            TableGetExpr g => g with { PartitionKey = R(g.PartitionKey), RowKey = R(g.RowKey) },
            TableQueryExpr q => q with { PartitionKey = R(q.PartitionKey), RowKeyPrefix = q.RowKeyPrefix is null ? null : R(q.RowKeyPrefix) },
            TablePutExpr p => p with { PartitionKey = R(p.PartitionKey), RowKey = R(p.RowKey), Fields = F(p.Fields) },
            TableDeleteExpr d => d with { PartitionKey = R(d.PartitionKey), RowKey = R(d.RowKey) },
            EnqueueExpr q => q with { Args = F(q.Args) },
            _ => e,
        };
    }
}
