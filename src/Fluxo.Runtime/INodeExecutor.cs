using System.Collections.Immutable;
using Fluxo.Ir;
using Fluxo.Values;

namespace Fluxo.Runtime;

/// <summary>What a node produced; <see cref="LatencyMs"/> is charged under the virtual clock when set
/// (e.g. a fetch served from a fixture), otherwise the engine uses its own latency model.</summary>
public readonly record struct NodeOutcome(Value Value, double? LatencyMs = null);

/// <summary>
/// Runs node kinds the engine does not know itself (Yahoo Pipes modules). Inputs arrive aligned with
/// <see cref="Node.Inputs"/>, so an executor finds a terminal by <see cref="NodeInput.Port"/>.
/// </summary>
public interface INodeExecutor
{
    bool CanExecute(Node node);

    ValueTask<NodeOutcome> ExecuteAsync(Node node, ImmutableArray<Value> inputs, CancellationToken cancellationToken);
}
