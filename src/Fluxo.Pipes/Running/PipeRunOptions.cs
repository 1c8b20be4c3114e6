using Fluxo.Builtins;
using Fluxo.Pipes.Fetching;

namespace Fluxo.Pipes;

/// <summary>What running pipe modules needs from outside: the web, the clock, and the regex time limit.</summary>
public sealed record PipeRunOptions(IFetcher Fetcher, IBuiltinContext Clock, TimeSpan RegexTimeout)
{
    public static PipeRunOptions With(IFetcher fetcher, IBuiltinContext? clock = null) =>
        new(fetcher, clock ?? SystemBuiltinContext.Instance, TimeSpan.FromSeconds(1));
}
