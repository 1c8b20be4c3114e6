namespace Fluxo.Runtime.Caching;

/// <summary>
/// Byte-budget LRU bookkeeping: which keys are in, in recency order, and their sizes. The in-process
/// cache keeps values beside it; the Redis cache keeps only this, because Redis cannot hold a budget per cache.
/// With a TTL, entries are stamped and a lookup of an expired one removes it (<see cref="Fluxo.Policy.CacheKey.Expired"/>).
/// </summary>
public sealed class LruIndex<TPayload>(long budgetBytes, double ttlMs = 0)
{
    private readonly Dictionary<ulong, LinkedListNode<(ulong Key, long Bytes, TPayload Payload)>> _map = [];
    private readonly Dictionary<ulong, double> _stamps = [];
    private readonly LinkedList<(ulong Key, long Bytes, TPayload Payload)> _order = new();

    public long BudgetBytes { get; } = budgetBytes;

    public double TtlMs { get; } = ttlMs;

    public long Bytes { get; private set; }

    public int Count => _map.Count;

    /// <summary>Whether <paramref name="key"/> is in, expired or not, without touching its recency.</summary>
    public bool Contains(ulong key) => _map.ContainsKey(key);

    /// <summary>A hit for a request arriving at <paramref name="nowMs"/> moves the entry to the front; an expired entry is removed (a miss).</summary>
    public bool TryGet(ulong key, double nowMs, out TPayload payload)
    {
        if (TtlMs > 0 && _stamps.TryGetValue(key, out var stamp) && Fluxo.Policy.CacheKey.Expired(stamp, nowMs, TtlMs))
        {
            Remove(key);
        }

        if (_map.TryGetValue(key, out var node))
        {
            _order.Remove(node);
            _order.AddFirst(node);
            payload = node.Value.Payload;
            return true;
        }

        payload = default!;
        return false;
    }

    public void Remove(ulong key)
    {
        if (_map.Remove(key, out var node))
        {
            _stamps.Remove(key);
            _order.Remove(node);
            Bytes -= node.Value.Bytes;
        }
    }

    /// <summary>Inserts or replaces, stamped <paramref name="nowMs"/>; returns the evicted keys. An entry larger than the whole budget is not stored.</summary>
    public List<ulong> Add(ulong key, long bytes, TPayload payload, double nowMs = 0)
    {
        var evicted = new List<ulong>();
        Remove(key);
        if (bytes > BudgetBytes)
        {
            return evicted;
        }

        while (Bytes + bytes > BudgetBytes && _order.Last is { } last)
        {
            evicted.Add(last.Value.Key);
            Remove(last.Value.Key);
        }

        _map[key] = _order.AddFirst((key, bytes, payload));
        if (TtlMs > 0)
        {
            _stamps[key] = nowMs;
        }

        Bytes += bytes;
        return evicted;
    }
}
