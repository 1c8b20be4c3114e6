using Fluxo.Policy;
using Fluxo.Values;

namespace Fluxo.Runtime.Caching;

/// <summary>The embedded default: values in this process, LRU by bytes within the decision's budget.</summary>
public sealed class InProcessLruCache(CacheDecision decision) : ISubgraphCache
{
    private readonly LruIndex<Value[]> _index = new(decision.Bytes, decision.TtlMs);

    public CacheDecision Decision { get; } = decision;

    public CacheCounters Stats { get; } = new();

    public ValueTask<Value[]?> GetAsync(ulong key, double nowMs, CancellationToken ct)
    {
        lock (_index)
        {
            if (_index.TryGet(key, nowMs, out var v))
            {
                Stats.Hit();
                return new(v);
            }
        }

        Stats.Miss();
        return new((Value[]?)null);
    }

    public ValueTask SetAsync(ulong key, Value[] outputs, long bytes, double nowMs, CancellationToken ct)
    {
        lock (_index)
        {
            foreach (var _ in _index.Add(key, bytes, outputs, nowMs))
            {
                Stats.Evicted();
            }

            Stats.Bytes = _index.Bytes;
            Stats.Entries = _index.Count;
        }

        return default;
    }
}

public sealed class InProcessCacheFactory : ICacheFactory
{
    public ISubgraphCache Create(CacheDecision decision, int index) => new InProcessLruCache(decision);
}
