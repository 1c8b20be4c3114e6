using Fluxo.Ir;

namespace Fluxo.Backend.Azure;

/// <summary>
/// How handlers are cut into tiers. A handler that writes a table or enqueues, or that is itself enqueued,
/// runs in the worker tier behind a queue: its work is journaled and retried until done, so a lost worker loses
/// nothing. Every other handler (read-only) runs in the front end, where a retry is harmless and a queue hop
/// would only add latency.
/// </summary>
internal static class Tiers
{
    public static bool OnWorker(IrModule module, Graph graph) =>
        graph.Nodes.Any(n => n.Kind is NodeKind.TablePut or NodeKind.TableDelete or NodeKind.Enqueue || Contains<EnqueueExpr>(n.Expr))
        || module.Graphs.SelectMany(g => g.Nodes).Any(n => Enqueues(n.Expr, graph.Name) || (n.Kind == NodeKind.Enqueue && n.Target == graph.Name));

    private static bool Contains<T>(Expr? e) where T : Expr => Walk(e).OfType<T>().Any();

    private static bool Enqueues(Expr? e, string handler) => Walk(e).OfType<EnqueueExpr>().Any(q => q.Handler == handler);

    /// <summary>Every expression in a tree, parents first.</summary>
    public static IEnumerable<Expr> Walk(Expr? e)
    {
        if (e is null)
        {
            yield break;
        }

        yield return e;
        Expr[] children = e switch
        {
            UnaryExpr u => [u.Operand],
            BinaryExpr b => [b.Left, b.Right],
            IfExpr i => [i.Condition, i.Then, i.Else],
            LetExpr l => [l.Value, l.Body],
            CallExpr c => [.. c.Args],
            RecordExpr r => [.. r.Fields.Select(f => f.Value)],
            FieldExpr f => [f.Target],
            ListExpr l => [.. l.Items],
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
        foreach (var c in children)
        {
            foreach (var d in Walk(c))
            {
                yield return d;
            }
        }
    }

    /// <summary>Inputs an expression evaluates whatever the data: not under a branch, a short-circuit or a lambda.</summary>
    public static IEnumerable<int> StrictInputs(Expr? e) => e switch
    {
        null => [],
        InputExpr i => [i.Index],
        BinaryExpr { Operator: "&&" or "||" } b => StrictInputs(b.Left),
        IfExpr i => StrictInputs(i.Condition),
        MapExpr m => StrictInputs(m.List),
        FilterExpr f => StrictInputs(f.List),
        FoldExpr f => StrictInputs(f.List).Concat(StrictInputs(f.Init)),
        LetExpr l => StrictInputs(l.Value).Concat(StrictInputs(l.Body)),
        _ => ChildrenStrict(e),
    };

    private static IEnumerable<int> ChildrenStrict(Expr e) => e switch
    {
        UnaryExpr u => StrictInputs(u.Operand),
        BinaryExpr b => StrictInputs(b.Left).Concat(StrictInputs(b.Right)),
        CallExpr c => c.Args.SelectMany(StrictInputs),
        RecordExpr r => r.Fields.SelectMany(f => StrictInputs(f.Value)),
        FieldExpr f => StrictInputs(f.Target),
        ListExpr l => l.Items.SelectMany(StrictInputs),
        TableGetExpr g => StrictInputs(g.PartitionKey).Concat(StrictInputs(g.RowKey)),
        TableQueryExpr q => StrictInputs(q.PartitionKey).Concat(StrictInputs(q.RowKeyPrefix)),
        TablePutExpr p => StrictInputs(p.PartitionKey).Concat(StrictInputs(p.RowKey)).Concat(p.Fields.SelectMany(f => StrictInputs(f.Value))),
        TableDeleteExpr d => StrictInputs(d.PartitionKey).Concat(StrictInputs(d.RowKey)),
        EnqueueExpr q => q.Args.SelectMany(f => StrictInputs(f.Value)),
        _ => [],
    };
}
