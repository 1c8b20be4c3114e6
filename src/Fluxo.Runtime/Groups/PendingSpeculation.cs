using Fluxo.Values;

namespace Fluxo.Runtime.Groups;

/// <summary>A speculated part of the next request one client is expected to send, with what it cost.</summary>
public sealed class PendingSpeculation(int index, string handler, ulong key, Value[] values, double readyAtMs, double workMs, (string Table, string? Partition)[] reads, long since)
{
    /// <summary>The decision's position in the policy's speculate list.</summary>
    public int Index { get; } = index;

    public string Handler { get; } = handler;

    /// <summary>The key the expected request's entering values must have (<see cref="Policy.CacheKey"/>).</summary>
    public ulong Key { get; } = key;

    /// <summary>When the speculated values were ready, in ms from the run's start.</summary>
    public double ReadyAtMs { get; } = readyAtMs;

    public double WorkMs { get; } = workMs;

    /// <summary>The tables (and partitions, when known) the speculation read.</summary>
    public (string Table, string? Partition)[] Reads { get; } = reads;

    /// <summary>The table store's write clock when the speculation read them.</summary>
    public long Since { get; } = since;

    public bool Used { get; private set; }

    internal Value[] Use()
    {
        Used = true;
        return values;
    }
}
