using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Text.Json.Nodes;
using Fluxo.Diagnostics;
using Fluxo.Pipes.Import;
using Fluxo.Pipes.Modules;
using Fluxo.Runtime;
using Fluxo.Runtime.Engine;
using Fluxo.Values;

namespace Fluxo.Pipes.Running;

/// <summary>
/// Sub-pipes on the runtime engine: each distinct sub-pipe is imported once (so its errors name its own file) and
/// compiled into an engine whose modules run on the calling executor; a run charges what the sub-pipe's modules
/// charged, along its critical path.
/// </summary>
internal sealed class EngineSubPipes(PipeModuleExecutor executor) : ISubPipes
{
    private readonly ConcurrentDictionary<string, Lazy<ServiceEngine>> _engines = new(StringComparer.Ordinal);

    public async Task<ModuleResult> RunAsync(JsonObject subPipe, Value request, CancellationToken cancellationToken)
    {
        var engine = _engines.GetOrAdd(SubPipeNames.Definition(subPipe), _ => new Lazy<ServiceEngine>(() => Create(subPipe))).Value;
        var graph = engine.Module.Graphs[0];
        var result = await engine.RunAsync(graph.Name, UserInputs.Complete(graph, request), new RequestInfo(0, 0, 0), cancellationToken);
        if (!result.Succeeded)
        {
            // The sub-pipe's own located diagnostic (or cancellation) is what stops the calling module.
            ExceptionDispatchInfo.Throw(result.Failure ?? new InvalidOperationException(result.Error));
        }

        return new ModuleResult(result.Value!, result.LatencyMs);
    }

    private ServiceEngine Create(JsonObject subPipe)
    {
        var file = subPipe["file"]?.ToString() ?? "sub-pipe";
        var diags = new DiagnosticBag();
        var module = PipeImporter.Import(file, SubPipeNames.Definition(subPipe), PipeSearchPath.Empty, diags);
        var engine = module is null ? null : ServiceEngine.Create(module, new EngineOptions { Executors = [executor], TimeLimit = null }, diags);
        return engine ?? throw new PipeRuntimeException(diags.Items.FirstOrDefault(d => d.Severity == Severity.Error)
            ?? Diag.PipeBadShape(SourceSpan.None(file), "the embedded sub-pipe does not import"));
    }
}
