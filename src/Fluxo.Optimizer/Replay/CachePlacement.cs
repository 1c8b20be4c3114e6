using Fluxo.Optimizer.Candidates;

namespace Fluxo.Optimizer.Replay;

/// <summary>One cache of a policy as the simulator and the searches see it: a candidate subgraph and its byte budget.</summary>
public readonly record struct CachePlacement(Candidate Candidate, long Bytes)
{
    public override string ToString() => $"{Candidate}:{Bytes}B";
}
