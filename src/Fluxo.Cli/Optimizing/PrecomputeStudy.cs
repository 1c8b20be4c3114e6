using System.Globalization;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Pipes.Import;
using Fluxo.Policy;

namespace Fluxo.Cli.Optimizing;

/// <summary>
/// The pre-compute study over a corpus of pipes, by the optimizer's own rule (<see cref="AheadRules.MayPrecompute"/>
/// closed under inputs): the part of each pipe that `fluxo optimize` could serve from storage.
/// </summary>
internal static class PrecomputeStudy
{
    public sealed record Row(string File, int Nodes, int Precomputable);

    public static IReadOnlyList<Row> Build(string directory)
    {
        var rows = new List<Row>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            var module = PipeImporter.ImportFile(file, null, new DiagnosticBag());
            if (module is null)
            {
                continue;
            }

            var graph = module.Graphs[0];
            var inner = graph.Nodes.Count(n => n.Kind is not (NodeKind.Source or NodeKind.Sink));
            rows.Add(new Row(Path.GetFileName(file), inner, AheadRules.Closure(graph, AheadRules.MayPrecompute, _ => false).Length));
        }

        return rows;
    }

    public static void Write(IReadOnlyList<Row> rows, TextWriter output)
    {
        var with = rows.Where(r => r.Precomputable > 0).ToList();
        var share = with.Count == 0 ? 0 : with.Average(r => (double)r.Precomputable / r.Nodes);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"optimizer's pre-compute rule: {with.Count} of {rows.Count} imported pipes have pre-computable nodes; on those, {share * 100:0}% of their nodes on average ({with.Sum(r => r.Precomputable)} of {with.Sum(r => r.Nodes)}); over all pipes {rows.Sum(r => r.Precomputable)} of {rows.Sum(r => r.Nodes)} nodes"));
    }
}
