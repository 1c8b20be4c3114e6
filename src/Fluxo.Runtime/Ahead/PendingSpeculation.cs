using Fluxo.Values;

namespace Fluxo.Runtime.Ahead;

/// <summary>A speculated part of the next request one client is expected to send, with what it cost.</summary>
public sealed class PendingSpeculation(int index, string handler, ulong key, Value[] values, double readyAtMs, double workMs, long[] versions)
{
    /// <summary>The decision's position in the policy's speculate list.</summary>
    public int Index { get; } = index;

    public string Handler { get; } = handler;

    /// <summary>The key the expected request's entering values must have (<see cref="Policy.CacheKey"/>).</summary>
    public ulong Key { get; } = key;

    /// <summary>When the speculated values were ready, in ms from the run's start.</summary>
    public double ReadyAtMs { get; } = readyAtMs;

    public double WorkMs { get; } = workMs;

    /// <summary>Write counts of the tables the speculation read, when it read them.</summary>
    public long[] Versions { get; } = versions;

    public bool Used { get; private set; }

    internal Value[] Use()
    {
        Used = true;
        return values;
    }
}

/// <summary>Counters of the work done ahead of requests in one run.</summary>
public sealed record AheadStats(
    long Speculations, long Used, long Wasted, double UsedWorkMs, double WastedWorkMs, long Refreshes, double RefreshWorkMs);
