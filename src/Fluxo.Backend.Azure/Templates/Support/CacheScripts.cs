namespace Fluxo.Support;

/// <summary>
/// The Redis side of the LRU contract (<c>Fluxo.Policy.CacheKey</c>). Redis cannot hold a byte budget per key
/// prefix, so each cache keeps its own accounting, updated atomically by these scripts. KEYS: the entry's value
/// key, the recency order (a sorted set scored by a counter), the counter, the byte total, the entry sizes (a
/// hash), the entries' stamps (a hash: the arrival time, in ms, of the request that stored each). ARGV of Lookup: the
/// entry's key, the looking request's arrival time and the TTL in ms (0: never expires). ARGV of Insert: the entry's
/// key, its stored value, its cost, the budget, the value keys' prefix, and the stamp.
/// </summary>
public static class CacheScripts
{
    /// <summary>A hit moves the entry to the front; an entry older than the TTL is removed and the lookup is a miss (<c>CacheKey.Expired</c>).</summary>
    public const string Lookup = """
        local v = redis.call('GET', KEYS[1])
        if v then
          local ttl = tonumber(ARGV[3] or '0')
          if ttl > 0 and tonumber(ARGV[2]) - tonumber(redis.call('HGET', KEYS[6], ARGV[1]) or '-1e300') > ttl then
            redis.call('DEL', KEYS[1])
            redis.call('ZREM', KEYS[2], ARGV[1])
            redis.call('DECRBY', KEYS[4], tonumber(redis.call('HGET', KEYS[5], ARGV[1]) or '0'))
            redis.call('HDEL', KEYS[5], ARGV[1])
            redis.call('HDEL', KEYS[6], ARGV[1])
            return false
          end
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
        if ARGV[6] and KEYS[6] then redis.call('HSET', KEYS[6], ARGV[1], ARGV[6]) end
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
          if KEYS[6] then redis.call('HDEL', KEYS[6], m) end
          redis.call('DEL', ARGV[5] .. m)
          total = redis.call('DECRBY', KEYS[4], s)
          evicted = evicted + 1
        end
        return 1 + evicted
        """;

    /// <summary>As <see cref="Insert"/>, but a newer entry replaces the one under the same key (a client's waiting speculation).</summary>
    public const string Replace = "redis.call('DEL', KEYS[1])\n" + Insert;

    /// <summary>
    /// A request arrives: count it in its client's generation (KEYS[1]) and take the client's waiting entry (KEYS[2], with
    /// the accounting keys of <see cref="Insert"/> after it; ARGV[1] its member), so no later request can use it.
    /// Answers the new generation and the entry, if any.
    /// </summary>
    public const string Take = """
        local g = redis.call('INCR', KEYS[1])
        redis.call('EXPIRE', KEYS[1], 86400)
        local v = redis.call('GET', KEYS[2])
        if v then
          redis.call('DEL', KEYS[2])
          local s = tonumber(redis.call('HGET', KEYS[5], ARGV[1]) or '0')
          redis.call('HDEL', KEYS[5], ARGV[1])
          redis.call('ZREM', KEYS[3], ARGV[1])
          redis.call('DECRBY', KEYS[4], s)
        end
        return {g, v}
        """;

    /// <summary>A table write: tick the write clock (KEYS[1]) and stamp the table (KEYS[2]) and partition (KEYS[3]) with it.</summary>
    public const string Stamp = """
        local c = redis.call('INCR', KEYS[1])
        redis.call('SET', KEYS[2], c, 'EX', 86400)
        redis.call('SET', KEYS[3], c, 'EX', 86400)
        return c
        """;
}
