using Fluxo.Ir;
using Fluxo.Values;

namespace Fluxo.Runtime.Externs;

/// <summary>Identifies one call for seeded latency draws: (seed, request, node, call index within the node).</summary>
public readonly record struct CallSite(ClockMode Clock, ulong Seed, long RequestId, int NodeId, int CallIndex)
{
    public ulong Draw() => SeededDraw.Hash(Seed, RequestId, NodeId, CallIndex);
}

/// <summary>An extern's answer and the latency to charge for it under virtual time.</summary>
public readonly record struct ExternResult(Value Value, double LatencyMs);

/// <summary>How an extern is answered: a real HTTP endpoint or a local stand-in.</summary>
public interface IExternBinding
{
    ValueTask<ExternResult> CallAsync(ExternDecl decl, Value[] args, CallSite site, CancellationToken cancellationToken);
}

/// <summary>An extern call failed (non-2xx, unreachable, bad answer): the request fails, the run goes on.</summary>
public sealed class ExternFailureException(string message, Exception? inner = null) : Exception(message, inner);
