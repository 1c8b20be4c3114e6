namespace Fluxo.Support;

/// <summary>
/// The Redis side of the LRU contract (<c>Fluxo.Policy.CacheKey</c>). Redis cannot hold a byte budget per key
/// prefix, so each cache keeps its own accounting, updated atomically by these scripts. KEYS: the entry's value
/// key, the recency order (a sorted set scored by a counter), the counter, the byte total, the entry sizes (a
/// hash). ARGV of Insert: the entry's key, its stored value, its cost, the budget, the value keys' prefix.
/// </summary>
public static class CacheScripts
{
    public const string Lookup = """
        local v = redis.call('GET', KEYS[1])
        if v then
          local t = redis.call('INCR', KEYS[3])
          redis.call('ZADD', KEYS[2], t, ARGV[1])
        end
        return v
        """;

    public const string Insert = """
        local size = tonumber(ARGV[3])
        local budget = tonumber(ARGV[4])
        if size > budget then return 0 end
        local old = redis.call('HGET', KEYS[5], ARGV[1])
        if old then
          if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
          redis.call('DECRBY', KEYS[4], tonumber(old))
        end
        redis.call('SET', KEYS[1], ARGV[2])
        redis.call('HSET', KEYS[5], ARGV[1], size)
        local t = redis.call('INCR', KEYS[3])
        redis.call('ZADD', KEYS[2], t, ARGV[1])
        local total = redis.call('INCRBY', KEYS[4], size)
        local evicted = 0
        while total > budget do
          local oldest = redis.call('ZPOPMIN', KEYS[2])
          if #oldest == 0 then break end
          local m = oldest[1]
          local s = tonumber(redis.call('HGET', KEYS[5], m) or '0')
          redis.call('HDEL', KEYS[5], m)
          redis.call('DEL', ARGV[5] .. m)
          total = redis.call('DECRBY', KEYS[4], s)
          evicted = evicted + 1
        end
        return 1 + evicted
        """;
}
