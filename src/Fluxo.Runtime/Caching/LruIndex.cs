namespace Fluxo.Runtime.Caching;

/// <summary>
/// Byte-budget LRU bookkeeping: which keys are in, in recency order, and their sizes. The in-process
/// cache keeps values beside it; the Redis cache keeps only this, because Redis cannot hold a budget per cache.
/// </summary>
public sealed class LruIndex<TPayload>(long budgetBytes)
{
    private readonly Dictionary<ulong, LinkedListNode<(ulong Key, long Bytes, TPayload Payload)>> _map = [];
    private readonly LinkedList<(ulong Key, long Bytes, TPayload Payload)> _order = new();

    public long BudgetBytes { get; } = budgetBytes;

    public long Bytes { get; private set; }

    public int Count => _map.Count;

    public bool TryGet(ulong key, out TPayload payload)
    {
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
            _order.Remove(node);
            Bytes -= node.Value.Bytes;
        }
    }

    /// <summary>Inserts or replaces; returns the evicted keys. An entry larger than the whole budget is not stored.</summary>
    public List<ulong> Add(ulong key, long bytes, TPayload payload)
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
        Bytes += bytes;
        return evicted;
    }
}
