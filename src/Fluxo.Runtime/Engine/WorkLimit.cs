using System.Globalization;
using Fluxo.Limits;
using Fluxo.Values;

namespace Fluxo.Runtime.Engine;

/// <summary>The request's work limit, and the point where long evaluation notices cancellation (SIGINT, SIGTERM, a time limit).</summary>
internal sealed class WorkLimit(long limit, CompiledGraph g, CancellationToken ct)
{
    private long _steps;

    /// <summary>One step of work in node <paramref name="nodeId"/>: a fn call, or an item visited by map, filter or fold.</summary>
    public void Step(int nodeId)
    {
        var n = Interlocked.Increment(ref _steps);
        if (n > limit)
        {
            var node = g.Nodes[nodeId].Node;
            throw new FlimpRuntimeException(string.Create(CultureInfo.InvariantCulture,
                $"the request did more than {limit:N0} steps of work (fn calls and list items), its work limit, in node #{node.Id} '{node.Label}' at {node.Span}"));
        }

        if (n % EvaluationLimits.StepsPerCancellationCheck == 0)
        {
            ct.ThrowIfCancellationRequested();
        }
    }
}
