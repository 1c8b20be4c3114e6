using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Values;

namespace Fluxo.Pipes.Modules;

/// <summary>A call of a sub-pipe: its settings feed the sub-pipe's user inputs by name, and its output is the sub-pipe's.</summary>
internal sealed class SubPipeModule
{
    private readonly ConcurrentDictionary<string, Graph> _graphs = new(StringComparer.Ordinal);

    public async Task<Value> RunAsync(ModuleCall call)
    {
        var sub = call.Conf[ModuleCatalog.SubPipeKey] as JsonObject
            ?? throw call.BadSetting(ModuleCatalog.SubPipeKey, "the sub-pipe was not resolved at import");
        var graph = Graph(call, sub);
        var request = Value.Record(call.Conf
            .Where(kv => !kv.Key.StartsWith("fluxo:", StringComparison.Ordinal))
            .Select(kv => new KeyValuePair<string, Value>(kv.Key, call.Resolve(kv.Value))));
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = await PipeEvaluator.EvaluateAsync(graph, request, call.Executor, call.Cancellation);
        call.WaitedMs += System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        call.LatencyMs += result.LatencyMs;
        return result.Value;
    }

    private Graph Graph(ModuleCall call, JsonObject sub)
    {
        var json = sub["pipe"]?.ToJsonString() ?? "{}";
        return _graphs.GetOrAdd(json, text =>
        {
            var diags = new DiagnosticBag();
            var module = PipeImporter.Import(sub["file"]?.ToString() ?? "sub-pipe", text, PipeSearchPath.Empty, diags);
            return module?.Graphs[0] ?? throw call.Fail(diags.Items.FirstOrDefault(d => d.Severity == Severity.Error)
                ?? Diag.PipeBadShape(call.Span, "the embedded sub-pipe does not import"));
        });
    }
}
