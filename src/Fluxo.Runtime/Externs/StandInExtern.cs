using Fluxo.Ir;
using Fluxo.Values;

namespace Fluxo.Runtime.Externs;

/// <summary>A local stand-in: answers by a rule and takes a drawn latency (slept only under the real clock).</summary>
public sealed class StandInExtern(ResponseRule rule, LatencyDistribution latency) : IExternBinding
{
    public ResponseRule Rule { get; } = rule;

    public LatencyDistribution Latency { get; } = latency;

    public ValueTask<ExternResult> CallAsync(ExternDecl decl, Value[] args, CallSite site, CancellationToken cancellationToken)
    {
        var value = Rule.Respond(decl, args);
        var ms = Latency.Sample(site.Draw());
        return site.Clock == ClockMode.Real && ms > 0
            ? SleepThen(value, ms, cancellationToken)
            : new ValueTask<ExternResult>(new ExternResult(value, ms));
    }

    private static async ValueTask<ExternResult> SleepThen(Value value, double ms, CancellationToken ct)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(ms), ct).ConfigureAwait(false);
        return new ExternResult(value, ms);
    }
}
