using Fluxo.Diagnostics;
using Fluxo.Ir;

namespace Fluxo.Backend.Azure;

/// <summary>
/// Refuses, at its source location, every node the generated service could not compute: emitting it anyway would
/// give a solution that does not build or answers none where the local runtime answers a value.
/// </summary>
internal static class Deployability
{
    public static void Check(IrModule module, DiagnosticBag diagnostics)
    {
        foreach (var g in module.Graphs)
        {
            foreach (var n in g.Nodes.Where(n => n.Id != g.SourceId && n.Id != g.SinkId))
            {
                if (n.Kind == NodeKind.PipeModule)
                {
                    diagnostics.Add(Diag.AzureUndeployableNode(n.Span, $"Yahoo Pipes module '{n.Label}'", "pipe modules run only in the local runtime (fluxo run); the generated service has no implementation of them"));
                }
                else if (n.Expr is null)
                {
                    diagnostics.Add(Diag.AzureUndeployableNode(n.Span, $"node {n.Id} ({n.Kind}) of '{g.Name}'", "it carries no expression to compile"));
                }
            }
        }
    }
}
