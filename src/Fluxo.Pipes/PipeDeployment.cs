using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Pipes.Import;
using Fluxo.Pipes.Modules;

namespace Fluxo.Pipes;

/// <summary>
/// What a generated service needs of a pipe beyond its graph: every sub-pipe as a graph of its own (the service has no
/// importer; it compiles each graph it is given), user inputs that may be left out (the module's default applies, as
/// in <c>fluxo run</c>), and a located refusal of every module it cannot run.
/// </summary>
public static class PipeDeployment
{
    public static bool IsPipe(IrModule module) => module.Graphs.Any(g => g.Nodes.Any(n => n.Kind == NodeKind.PipeModule));

    /// <summary>
    /// The module with every sub-pipe, at any depth and in loops too, added once as an internal graph named by
    /// <see cref="SubPipeNames.Graph"/>. Graph hashes stay as imported, so a policy made by <c>fluxo run</c> still applies.
    /// </summary>
    public static IrModule Prepare(IrModule module, DiagnosticBag diags)
    {
        var graphs = module.Graphs.Select(Optional).ToList();
        var names = new HashSet<string>(graphs.Select(g => g.Name), StringComparer.Ordinal);
        for (var i = 0; i < graphs.Count; i++)
        {
            foreach (var (node, id, sub) in graphs[i].Nodes.SelectMany(Calls))
            {
                var name = SubPipeNames.Graph(sub);
                if (!names.Add(name))
                {
                    continue;
                }

                var file = sub["file"]?.ToString() ?? "sub-pipe";
                var imported = new DiagnosticBag();
                var subModule = PipeImporter.Import(file, SubPipeNames.Definition(sub), PipeSearchPath.Empty, imported);
                if (subModule is null)
                {
                    var first = imported.Items.FirstOrDefault(d => d.Severity == Severity.Error);
                    diags.Add(Diag.AzureSubPipeUndeployable(node.Span, id, first?.Format() ?? "it does not import"));
                    continue;
                }

                graphs.Add(Optional(subModule.Graphs[0]) with { Name = name, Internal = true });
            }
        }

        return module with { Graphs = [.. graphs] };
    }

    /// <summary>Refuses, at the module, every module the service cannot run: those whose service is gone, which
    /// <c>fluxo run</c> stops at with FLX3104 (a stand-in would invent results).</summary>
    public static void Check(Graph graph, DiagnosticBag diags)
    {
        foreach (var n in graph.Nodes.Where(n => n.Kind == NodeKind.PipeModule))
        {
            foreach (var (id, type) in Modules(n))
            {
                if (!ModuleCatalog.IsSubPipe(type) && ModuleCatalog.Find(type) is { Status: not ModuleStatus.Implemented } info)
                {
                    diags.Add(Diag.AzurePipeModuleUndeployable(n.Span, id, type, info.Notes));
                }
            }
        }
    }

    /// <summary>A node's module, and for a loop its embedded module too, as (id, type).</summary>
    private static IEnumerable<(string Id, string Type)> Modules(Node n)
    {
        var id = n.Config?["fluxo:id"]?.ToString() ?? n.Label;
        yield return (id, n.Target ?? "");
        if (n.Target == "loop" && n.Config?["embed"].At("value") is JsonObject embedded)
        {
            yield return (embedded["id"]?.ToString() ?? id, embedded["type"]?.ToString() ?? "");
        }
    }

    /// <summary>The sub-pipes a node calls (itself, or the module its loop embeds), with the calling module's id.</summary>
    private static IEnumerable<(Node Node, string Id, JsonObject SubPipe)> Calls(Node n)
    {
        if (n.Kind != NodeKind.PipeModule)
        {
            yield break;
        }

        if (n.Config?[ModuleCatalog.SubPipeKey] is JsonObject direct)
        {
            yield return (n, n.Config?["fluxo:id"]?.ToString() ?? n.Label, direct);
        }

        if (n.Target == "loop" && n.Config?["embed"].At("value") is JsonObject embedded && embedded["conf"].At(ModuleCatalog.SubPipeKey) is JsonObject inLoop)
        {
            yield return (n, embedded["id"]?.ToString() ?? n.Label, inLoop);
        }
    }

    private static Graph Optional(Graph g) =>
        g with { Params = [.. g.Params.Select(p => p.Type.EndsWith('?') ? p : p with { Type = p.Type + "?" })] };
}
