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

    private static bool Contains<T>(Expr? e) where T : Expr => ExprTree.Walk(e).OfType<T>().Any();

    private static bool Enqueues(Expr? e, string handler) => ExprTree.Walk(e).OfType<EnqueueExpr>().Any(q => q.Handler == handler);
}
