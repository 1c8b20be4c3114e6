using Fluxo.Builtins;
using Fluxo.Diagnostics;
using Fluxo.Pipes.Fetching;

namespace Fluxo.Pipes.Modules;

/// <summary>What running pipe modules needs from outside: the web, the clock, the regex time limit, and where warnings go
/// (a module that reads no items from a response warns and the pipe goes on).</summary>
public sealed record PipeRunOptions(IFetcher Fetcher, IBuiltinContext Clock, TimeSpan RegexTimeout)
{
    /// <summary>Receives run-time warnings; may be called from several requests at once. Null drops them.</summary>
    public Action<Diagnostic>? Warn { get; init; }

    /// <summary>Whether a module charges its own measured time besides its fetches; off only where a run must charge
    /// exactly the same time twice (comparing two runs).</summary>
    public bool ChargeOwnTime { get; init; } = true;

    public static PipeRunOptions With(IFetcher fetcher, IBuiltinContext? clock = null) =>
        new(fetcher, clock ?? SystemBuiltinContext.Instance, TimeSpan.FromSeconds(1));

    /// <summary>These options with warnings added to <paramref name="diags"/>, each distinct warning once however many requests give it.</summary>
    public PipeRunOptions WarningsTo(DiagnosticBag diags)
    {
        var seen = new HashSet<Diagnostic>(diags.Items);
        return this with
        {
            Warn = d =>
            {
                lock (seen)
                {
                    if (seen.Add(d))
                    {
                        diags.Add(d);
                    }
                }
            },
        };
    }
}
