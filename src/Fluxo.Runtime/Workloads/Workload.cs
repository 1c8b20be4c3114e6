using System.Collections.Immutable;
using Fluxo.Runtime.Externs;
using Fluxo.Values;

namespace Fluxo.Runtime.Workloads;

/// <summary>One handler call of a session: how each input is drawn, and how long the client thinks before the next.</summary>
public sealed record StepPlan(string Handler, ImmutableArray<(string Param, InputSampler Sampler)> Inputs, InputSampler? Request, LatencyDistribution Think)
{
    public Value Draw(SessionState session)
    {
        if (Request is not null)
        {
            return Request.Sample(session);
        }

        var fields = new KeyValuePair<string, Value>[Inputs.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = new(Inputs[i].Param, Inputs[i].Sampler.Sample(session));
        }

        return Value.Record(ImmutableArray.Create(fields));
    }
}

/// <summary>A sequence of calls one client makes (a plain request mix entry is a one-step session).</summary>
public sealed record SessionPlan(string Name, double Weight, ImmutableArray<StepPlan> Steps);

/// <summary>A parsed workload (format in docs/workload-format.md).</summary>
public sealed record Workload(
    ulong Seed,
    double RatePerSecond,
    bool PoissonArrivals,
    ImmutableArray<SessionPlan> Sessions,
    long? CacheBudgetBytes,
    string? Description)
{
    public const string CurrentFormat = "fluxo-workload/1";

    /// <summary>A recorded log replayed in order instead of sessions drawn at random (<see cref="RequestLog"/>); empty for a drawn workload.</summary>
    public ImmutableArray<LoggedRequest> Log { get; init; } = [];

    /// <summary>A workload that replays <paramref name="log"/>: the requests, clients and arrival times as recorded.</summary>
    public static Workload Replay(ImmutableArray<LoggedRequest> log, string? description = null, long? cacheBudgetBytes = null) =>
        new(1, 1, false, [], cacheBudgetBytes, description) { Log = log };

    public SessionPlan Pick(double u)
    {
        var total = Sessions.Sum(s => s.Weight);
        var acc = 0.0;
        foreach (var s in Sessions)
        {
            acc += s.Weight / total;
            if (u < acc)
            {
                return s;
            }
        }

        return Sessions[^1];
    }

    /// <summary>Milliseconds until the next session starts.</summary>
    public double NextGapMs(double u) => PoissonArrivals ? -Math.Log(1 - u) * 1000.0 / RatePerSecond : 1000.0 / RatePerSecond;
}
