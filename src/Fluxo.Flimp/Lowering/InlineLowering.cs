using Fluxo.Flimp.Semantics;
using Fluxo.Ir;
using Fluxo.Values;

namespace Fluxo.Flimp.Lowering;

/// <summary>
/// Lowers an expression that stays inside one node (a fn body, a map/filter/fold lambda): calls and table
/// reads become sub-expressions rather than nodes, and their properties accumulate in <see cref="NodeEffects"/>.
/// Handler values outside the expression are referenced through <paramref name="outer"/>.
/// </summary>
internal sealed class InlineLowering(FnProperties fns, Func<VarSymbol, Expr> outer, NodeEffects effects)
{
    public Expr Lower(BoundExpr e) => e switch
    {
        BoundLiteral l => new LitExpr(l.Value),
        BoundVar { Symbol.Kind: VarKind.Local } v => new VarExpr(v.Symbol.Name),
        BoundVar v => outer(v.Symbol),
        BoundUnary u => new UnaryExpr(u.Operator, Lower(u.Operand)),
        BoundBinary b => new BinaryExpr(b.Operator, Lower(b.Left), Lower(b.Right)),
        BoundCoalesce c => Coalesce(Lower(c.Left), Lower(c.Right)),
        BoundIf i => new IfExpr(Lower(i.Condition), Lower(i.Then), Lower(i.Else)),
        BoundField f => new FieldExpr(Lower(f.Target), f.Field),
        BoundRecord r => new RecordExpr(r.TypeName, [.. r.Fields.Select(f => new FieldInit(f.Name, Lower(f.Value)))]),
        BoundList l => new ListExpr([.. l.Items.Select(Lower)]),
        BoundCall c => Call(c),
        BoundMap m => new MapExpr(Lower(m.List), m.Var.Name, Lower(m.Body)),
        BoundFilter f => new FilterExpr(Lower(f.List), f.Var.Name, Lower(f.Body)),
        BoundFold f => new FoldExpr(Lower(f.List), Lower(f.Init), f.Acc.Name, f.Var.Name, Lower(f.Body)),
        BoundLetIn l => new LetExpr(l.Var.Name, Lower(l.Value), Lower(l.Body)),
        BoundGet g => Read(g.Table, new TableGetExpr(g.Table, Lower(g.PartitionKey), Lower(g.RowKey))),
        BoundQuery q => Read(q.Table, new TableQueryExpr(q.Table, Lower(q.PartitionKey), q.Prefix is null ? null : Lower(q.Prefix))),
        _ => throw new InvalidOperationException($"unknown expression {e.GetType().Name}"),
    };

    /// <summary><c>a ?? b</c> is <c>if a == none then b else a</c>; evaluation is lazy, so b runs only when needed.</summary>
    public static Expr Coalesce(Expr left, Expr right) =>
        new IfExpr(new BinaryExpr("==", left, new LitExpr(Value.Null)), right, left);

    private Expr Call(BoundCall c)
    {
        var (det, sef) = c.Kind == CallKind.Fn ? (fns.IsDeterministic(c.Name), true) : (c.Deterministic, c.SideEffectFree);
        effects.Deterministic &= det;
        effects.SideEffectFree &= sef;
        return new CallExpr(c.Kind, c.Name, [.. c.Args.Select(Lower)]);
    }

    // Table state changes between requests, so a read is never deterministic.
    private Expr Read(string table, Expr read)
    {
        effects.Deterministic = false;
        effects.Reads.Add(table);
        return read;
    }
}
