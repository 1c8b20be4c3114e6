using System.Globalization;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Pipes.Import;
using Fluxo.Pipes.Modules;
using Fluxo.Runtime;
using Fluxo.Runtime.Engine;
using Fluxo.Values;

namespace Fluxo.Pipes.Running;

/// <summary>The items at a pipe graph's Sink and the virtual time the request took (the critical path of charged latencies).</summary>
public readonly record struct PipeResult(Value Value, double LatencyMs);

/// <summary>Runs an imported pipe once, on the runtime engine, with named user inputs; failures become diagnostics.</summary>
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

        // Independent branches run concurrently, so warnings arrive in any order; they are reported in source order.
        var warnings = new DiagnosticBag();
        var engine = ServiceEngine.Create(module, new EngineOptions { Executors = [new PipeModuleExecutor(options.WarningsTo(warnings))], TimeLimit = null }, diags);
        if (engine is null)
        {
            return null;
        }

        var result = await engine.RunAsync(graph.Name, UserInputs.Complete(graph, request), new RequestInfo(1, 1, 0), cancellationToken);
        diags.AddRange(warnings.Sorted().Except(diags.Items));
        if (result.Succeeded)
        {
            return new PipeResult(result.Value!, result.LatencyMs);
        }

        cancellationToken.ThrowIfCancellationRequested();
        diags.Add(result.Failure is PipeRuntimeException e ? e.Diagnostic : Diag.RequestFailed(module.SourceFile, graph.Name, result.Error!));
        return null;
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
