using System.Collections.Immutable;
using Fluxo.Ir;

namespace Fluxo.Flimp.Lowering;

/// <summary>Rebuilds an expression tree bottom-up, letting <c>leaf</c> replace any node first.</summary>
internal static class ExprRewriter
{
    public static Expr Rewrite(Expr e, Func<Expr, Expr?> leaf)
    {
        if (leaf(e) is { } replaced)
        {
            return replaced;
        }

        Expr R(Expr x) => Rewrite(x, leaf);
        ImmutableArray<FieldInit> F(ImmutableArray<FieldInit> fs) => [.. fs.Select(f => f with { Value = R(f.Value) })];

        return e switch
        {
            LitExpr or InputExpr or VarExpr or NodeRefExpr => e,
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
            _ => throw new InvalidOperationException($"unknown expression {e.GetType().Name}"),
        };
    }
}
