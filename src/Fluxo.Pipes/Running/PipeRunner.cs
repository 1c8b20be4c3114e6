using System.Globalization;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Values;

namespace Fluxo.Pipes;

/// <summary>Runs an imported pipe once with named user inputs; failures become diagnostics.</summary>
public static class PipeRunner
{
    public static async Task<PipeResult?> RunAsync(IrModule module, IReadOnlyDictionary<string, string> inputs, PipeRunOptions options, DiagnosticBag diags, CancellationToken cancellationToken = default)
    {
        var graph = module.FindGraph(PipeImporter.HandlerName) ?? module.Graphs[0];
        var request = Request(module.SourceFile, graph, inputs, diags);
        if (request is null)
        {
            return null;
        }

        try
        {
            return await PipeEvaluator.EvaluateAsync(graph, request, new PipeModuleExecutor(options.WarningsTo(diags)), cancellationToken);
        }
        catch (PipeRuntimeException e)
        {
            diags.Add(e.Diagnostic);
            return null;
        }
    }

    /// <summary>The request record: given inputs by name (numbers for number inputs); unknown names are diagnostics.</summary>
    public static Value? Request(string file, Graph graph, IReadOnlyDictionary<string, string> inputs, DiagnosticBag diags)
    {
        var ok = true;
        foreach (var name in inputs.Keys.Where(k => !graph.Params.Any(p => p.Name == k)))
        {
            diags.Add(Diag.PipeUnknownInput(file, name, graph.Params.Select(p => p.Name)));
            ok = false;
        }

        if (!ok)
        {
            return null;
        }

        return Value.Record(graph.Params.Where(p => inputs.ContainsKey(p.Name)).Select(p => new KeyValuePair<string, Value>(p.Name,
            p.Type == "float" && double.TryParse(inputs[p.Name], NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                ? Value.Float(d)
                : Value.String(inputs[p.Name]))));
    }
}
