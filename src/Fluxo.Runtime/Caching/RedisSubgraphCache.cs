using Fluxo.Policy;
using Fluxo.Values;
using StackExchange.Redis;

namespace Fluxo.Runtime.Caching;

/// <summary>
/// A cache whose values live in Redis. Redis cannot hold a byte budget per key prefix, so the LRU
/// bookkeeping (which keys are in, their sizes, recency) is kept here and evictions are deleted in Redis.
/// </summary>
public sealed class RedisSubgraphCache(IDatabase db, CacheDecision decision, string prefix) : ISubgraphCache
{
    private readonly LruIndex<bool> _index = new(decision.Bytes, decision.TtlMs);

    public CacheDecision Decision { get; } = decision;

    public CacheCounters Stats { get; } = new();

    private RedisKey Key(ulong key) => prefix + key.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    public async ValueTask<Value[]?> GetAsync(ulong key, double nowMs, CancellationToken ct)
    {
        bool present, expired;
        lock (_index)
        {
            var had = _index.Contains(key);
            present = _index.TryGet(key, nowMs, out _);
            expired = had && !present;
        }

        if (expired)
        {
            await db.KeyDeleteAsync(Key(key), CommandFlags.FireAndForget).ConfigureAwait(false);
        }

        var stored = present ? await db.StringGetAsync(Key(key)).ConfigureAwait(false) : RedisValue.Null;
        if (stored.IsNull)
        {
            if (present)
            {
                // Redis dropped it under its own memory limit: forget it here too.
                lock (_index)
                {
                    _index.Remove(key);
                }
            }

            Stats.Miss();
            return null;
        }

        Stats.Hit();
        return [.. ValueJson.Parse(stored.ToString()).AsList];
    }

    public async ValueTask SetAsync(ulong key, Value[] outputs, long bytes, double nowMs, CancellationToken ct)
    {
        List<ulong> evicted;
        bool kept;
        lock (_index)
        {
            evicted = _index.Add(key, bytes, true, nowMs);
            kept = _index.Contains(key);
            Stats.Bytes = _index.Bytes;
            Stats.Entries = _index.Count;
        }

        // An entry larger than the whole budget is not kept; writing it would leave a value nothing ever deletes.
        if (kept)
        {
            await db.StringSetAsync(Key(key), ValueJson.Serialize(Value.List(outputs))).ConfigureAwait(false);
        }

        foreach (var k in evicted)
        {
            Stats.Evicted();
            await db.KeyDeleteAsync(Key(k), CommandFlags.FireAndForget).ConfigureAwait(false);
        }
    }
}

/// <summary>Creates one Redis cache per policy decision, each under its own key prefix.</summary>
public sealed class RedisCacheFactory(IConnectionMultiplexer redis, string prefix = "fluxo") : ICacheFactory
{
    /// <summary>Entry keys are <see cref="CacheKey.Combine"/> of the entering edges' value hashes, in hex.</summary>
    public const string KeyScheme = CacheKey.KeyScheme;

    public ISubgraphCache Create(CacheDecision decision, int index) =>
        new RedisSubgraphCache(redis.GetDatabase(), decision, $"{prefix}:{CacheKey.Keyspace(KeyScheme, decision.Handler, decision.GraphHash, decision.Nodes)}:");
}
