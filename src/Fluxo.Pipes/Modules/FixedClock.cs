using Fluxo.Builtins;

namespace Fluxo.Pipes.Modules;

/// <summary>A clock that always reads the same instant: what "now" means for pipes under the virtual clock.</summary>
public sealed class FixedClock(long nowMs) : IBuiltinContext
{
    public long NowMs => nowMs;

    public string NewId() => "00000000000000000000000000000000";

    public double NextRandom() => 0.5;
}
