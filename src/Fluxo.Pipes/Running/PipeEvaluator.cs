using Fluxo.Ir;
using Fluxo.Runtime;
using Fluxo.Values;

namespace Fluxo.Pipes;

/// <summary>The value at a pipe graph's Sink and the virtual time it took (the critical path of charged latencies).</summary>
public readonly record struct PipeResult(Value Value, double LatencyMs);

/// <summary>
/// Evaluates a pipe graph node by node in id order (ids are topological). Used for sub-pipes, which run inside
/// their calling module, and by <see cref="PipeRunner"/>. Every module of an imported pipe feeds the output, so
/// evaluating all nodes is what demand-driven evaluation from the Sink would do.
/// </summary>
public static class PipeEvaluator
{
    public static async Task<PipeResult> EvaluateAsync(Graph graph, Value request, INodeExecutor executor, CancellationToken cancellationToken)
    {
        var values = new Value[graph.Nodes.Length];
        var finish = new double[graph.Nodes.Length];
        foreach (var node in graph.Nodes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var inputs = node.Inputs.Select(i => i.Field is null ? values[i.From] : values[i.From].GetField(i.Field) ?? Value.Null).ToList();
            var start = node.Inputs.Select(i => finish[i.From]).DefaultIfEmpty(0).Max();
            switch (node.Kind)
            {
                case NodeKind.Source:
                    values[node.Id] = request;
                    break;
                case NodeKind.Sink:
                    values[node.Id] = inputs.Count > 0 ? inputs[0] : Value.Null;
                    break;
                default:
                    var outcome = await executor.ExecuteAsync(node, [.. inputs], cancellationToken);
                    values[node.Id] = outcome.Value;
                    start += outcome.LatencyMs ?? 0;
                    break;
            }

            finish[node.Id] = start;
        }

        return new PipeResult(values[graph.SinkId], finish[graph.SinkId]);
    }
}
