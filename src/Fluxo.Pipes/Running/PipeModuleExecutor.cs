using System.Collections.Immutable;
using Fluxo.Ir;
using Fluxo.Pipes.Modules;
using Fluxo.Runtime;
using Fluxo.Values;

namespace Fluxo.Pipes.Running;

/// <summary>
/// The engine's door to pipe modules (<see cref="NodeKind.PipeModule"/> nodes): hands each node's terminals to
/// <see cref="PipeModules"/> and charges the module's time in <see cref="NodeOutcome.LatencyMs"/>, so a trace shows
/// where a pipe's time goes. Sub-pipes run on the engine too (<see cref="EngineSubPipes"/>), through this executor.
/// </summary>
public sealed class PipeModuleExecutor : INodeExecutor
{
    private readonly EngineSubPipes _subPipes;

    public PipeModuleExecutor(PipeRunOptions options)
    {
        Modules = new PipeModules(options);
        _subPipes = new EngineSubPipes(this);
    }

    public PipeModules Modules { get; }

    public PipeRunOptions Options => Modules.Options;

    public bool CanExecute(Node node) => node.Kind == NodeKind.PipeModule;

    public async ValueTask<NodeOutcome> ExecuteAsync(Node node, ImmutableArray<Value> inputs, CancellationToken cancellationToken)
    {
        var ports = node.Inputs.Select((input, i) => (input.Port ?? "_INPUT", i < inputs.Length ? inputs[i] : Value.Null)).ToList();
        var result = await Modules.RunAsync(node.Target ?? "", node.Config ?? [], node.Label, ports, node.Span, _subPipes, cancellationToken);
        return new NodeOutcome(result.Value, result.LatencyMs);
    }
}
