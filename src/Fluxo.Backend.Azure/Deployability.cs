using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Pipes;

namespace Fluxo.Backend.Azure;

/// <summary>
/// Refuses, at its source location, every node the generated service could not compute: emitting it anyway would
/// give a solution that does not build or answers none where the local runtime answers a value, or one that
/// invents answers for a pipe module whose service is gone.
/// </summary>
internal static class Deployability
{
    public static void Check(IrModule module, DiagnosticBag diagnostics)
    {
        foreach (var g in module.Graphs)
        {
            // Pipe modules run on the shipped module source; only those whose service is gone cannot.
            PipeDeployment.Check(g, diagnostics);
            foreach (var n in g.Nodes.Where(n => n.Id != g.SourceId && n.Id != g.SinkId && n.Kind != NodeKind.PipeModule))
            {
                if (n.Expr is null)
                {
                    diagnostics.Add(Diag.AzureUndeployableNode(n.Span, $"node {n.Id} ({n.Kind}) of '{g.Name}'", "it carries no expression to compile"));
                }
            }
        }
    }
}
