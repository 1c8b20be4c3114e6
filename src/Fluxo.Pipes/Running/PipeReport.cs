using System.Collections.Immutable;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Pipes.Fetching;
using Fluxo.Pipes.Import;
using Fluxo.Pipes.Modules;

namespace Fluxo.Pipes.Running;

/// <summary>One pipe in the corpus report.</summary>
public sealed record PipeReportRow(
    string File,
    bool Imported,
    bool? Ran,
    int? Items,
    string? Reason,
    int ModuleNodes,
    ImmutableArray<string> Precomputable)
{
    /// <summary>Warnings of the run ("FLX3200: ..."): responses a module could not read, which gave no items.</summary>
    public ImmutableArray<string> Warnings { get; init; } = [];
}

/// <summary>
/// The corpus report: for every pipe, whether it imports and runs and why not, its item count, and its
/// pre-computable nodes (modules that depend on no user input, so their result could be computed ahead of requests).
/// </summary>
public static class PipeReport
{
    public static async Task<ImmutableArray<PipeReportRow>> BuildAsync(string directory, PipeRunOptions? run, CancellationToken cancellationToken = default)
    {
        var rows = new List<PipeReportRow>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            rows.Add(await RowAsync(file, run, cancellationToken));
        }

        return [.. rows];
    }

    private static async Task<PipeReportRow> RowAsync(string file, PipeRunOptions? run, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(file);
        var diags = new DiagnosticBag();
        var module = PipeImporter.ImportFile(file, null, diags);
        if (module is null)
        {
            return new PipeReportRow(name, false, null, null, FirstError(diags), 0, []);
        }

        var graph = module.Graphs[0];
        var modules = graph.Nodes.Where(n => n.Kind == NodeKind.PipeModule).ToList();
        var precomputable = modules.Where(n => !n.Props.DependsOnInput).Select(n => n.Label).ToImmutableArray();
        if (run is null)
        {
            return new PipeReportRow(name, true, null, null, "not run (no fixtures given)", modules.Count, precomputable);
        }

        var importDiags = diags.Items.Count;
        var result = await PipeRunner.RunAsync(module, new Dictionary<string, string>(), run, diags, cancellationToken);
        return new PipeReportRow(name, true, result is not null, result?.Value.AsList.Length, result is null ? FirstError(diags) : null, modules.Count, precomputable)
        {
            Warnings = [.. diags.Items.Skip(importDiags).Where(d => d.Severity == Severity.Warning).Select(d => $"{d.Code}: {d.Message}")],
        };
    }

    private static string FirstError(DiagnosticBag diags) =>
        diags.Items.FirstOrDefault(d => d.Severity == Severity.Error) is { } d ? $"{d.Code}: {d.Message}" : "unknown";

    /// <summary>Plain-text table and totals.</summary>
    public static void Write(ImmutableArray<PipeReportRow> rows, TextWriter output)
    {
        foreach (var r in rows)
        {
            var ran = r.Ran switch { true => $"ran, {r.Items} items", false => "did not run", null => "not run" };
            ran += r.Warnings.IsEmpty ? "" : $", {r.Warnings.Length} warning(s)";
            output.WriteLine($"{r.File}: {(r.Imported ? "imported" : "not imported")}; {ran}; pre-computable {r.Precomputable.Length}/{r.ModuleNodes}");
            if (r.Reason is not null)
            {
                output.WriteLine($"    why: {r.Reason}");
            }

            foreach (var w in r.Warnings)
            {
                output.WriteLine($"    warning: {w}");
            }

            if (r.Precomputable.Length > 0)
            {
                output.WriteLine($"    pre-computable: {string.Join(", ", r.Precomputable)}");
            }
        }

        var imported = rows.Count(r => r.Imported);
        var ranCount = rows.Count(r => r.Ran == true);
        var withPre = rows.Count(r => r.Precomputable.Length > 0);
        var withInputs = rows.Where(r => r.Imported && r.Precomputable.Length < r.ModuleNodes).ToList();
        output.WriteLine();
        output.WriteLine($"pipes: {rows.Length}; imported: {imported}; ran: {ranCount}; with pre-computable nodes: {withPre} ({Percent(withPre, rows.Length)}); " +
            $"pre-computable nodes: {rows.Sum(r => r.Precomputable.Length)} of {rows.Sum(r => r.ModuleNodes)} module nodes");
        output.WriteLine($"pipes with user inputs: {withInputs.Count}; of those with pre-computable nodes: {withInputs.Count(r => r.Precomputable.Length > 0)}");
    }

    private static string Percent(int part, int whole) => whole == 0 ? "0%" : $"{100.0 * part / whole:0}%";
}
