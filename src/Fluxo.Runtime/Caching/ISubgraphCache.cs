using Fluxo.Policy;
using Fluxo.Values;

namespace Fluxo.Runtime.Caching;

/// <summary>One cache of a policy: entries are the output values of a subgraph, keyed by <see cref="CacheKey"/>.</summary>
public interface ISubgraphCache
{
    CacheDecision Decision { get; }

    /// <summary>The stored outputs, or null on a miss, for a request that arrived at <paramref name="nowMs"/> (ms of the run's clock);
    /// a hit makes the entry the most recently used, an entry older than the decision's TTL is a miss (<see cref="CacheKey.Expired"/>).</summary>
    ValueTask<Value[]?> GetAsync(ulong key, double nowMs, CancellationToken ct);

    /// <summary>Stores an entry of <paramref name="bytes"/> stamped <paramref name="nowMs"/>, evicting least recently used entries to stay within the budget.</summary>
    ValueTask SetAsync(ulong key, Value[] outputs, long bytes, double nowMs, CancellationToken ct);

    CacheCounters Stats { get; }
}

/// <summary>Creates the caches a policy asks for (one per decision).</summary>
public interface ICacheFactory
{
    ISubgraphCache Create(CacheDecision decision, int index);
}
