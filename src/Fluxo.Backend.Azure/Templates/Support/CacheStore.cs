using System.IO.Hashing;
using Fluxo.Values;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Fluxo.Support;

/// <summary>
/// The policy's caches in Redis. Redis cannot hold a byte budget per key prefix, so each cache keeps its own
/// accounting (an LRU order, entry sizes and a byte total) updated atomically by scripts; an entry costs the
/// byte size of the values it stores plus 16. When Redis is unreachable the cache is bypassed: slower, never wrong.
/// </summary>
public sealed class CacheStore(RedisConnection redis, ServiceModel model, ILogger<CacheStore> logger)
{
    private const string LookupScript = """
        local v = redis.call('GET', KEYS[1])
        if v then
          local t = redis.call('INCR', KEYS[3])
          redis.call('ZADD', KEYS[2], t, ARGV[1])
        end
        return v
        """;

    private const string InsertScript = """
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

    /// <summary>The key prefix of one cache: every key of the cache starts with it.</summary>
    public string KeyPrefix(string cacheId) => "fluxo:" + model.Prefix + ":" + Spec(cacheId).Keyspace + ":";

    private CacheSpec Spec(string cacheId) => model.Caches.First(c => c.Id == cacheId);

    public async Task<Value[]> GetOrComputeAsync(string cacheId, Value[] inputs, Func<Task<Value[]>> compute)
    {
        var db = redis.Multiplexer is { IsConnected: true } mux ? mux.GetDatabase() : null;
        if (db is null)
        {
            return await compute();
        }

        using var span = FluxoTelemetry.StartCache(cacheId);
        var prefix = KeyPrefix(cacheId);
        var member = KeyOf(inputs);
        RedisKey[] keys = [prefix + "e:" + member, prefix + "lru", prefix + "clock", prefix + "bytes", prefix + "sizes"];
        try
        {
            var hit = await db.ScriptEvaluateAsync(LookupScript, keys[..3], [member]);
            FluxoTelemetry.CacheResult(span, cacheId, !hit.IsNull);
            if (!hit.IsNull)
            {
                return Fluxo.Values.ValueJson.Parse((string)hit!).AsList.ToArray();
            }
        }
        catch (RedisException e)
        {
            logger.LogWarning("cache {Cache} bypassed: {Message}", cacheId, e.Message);
            return await compute();
        }

        var outputs = await compute();
        var size = outputs.Sum(v => (long)v.ByteSize) + 16;
        var budget = Spec(cacheId).Bytes;
        try
        {
            var inserted = (long)await db.ScriptEvaluateAsync(InsertScript, keys, [member, ValueJson.Serialize(Value.List(outputs)), size, budget, prefix + "e:"]);
            FluxoTelemetry.Evicted(cacheId, inserted - 1);
        }
        catch (RedisException e)
        {
            logger.LogWarning("cache {Cache} insert skipped: {Message}", cacheId, e.Message);
        }

        return outputs;
    }

    /// <summary>The entry key: a 128-bit hash of the canonical encodings of the values entering the cached subgraph.</summary>
    private static string KeyOf(Value[] inputs)
    {
        var hash = new XxHash128();
        using var ms = new MemoryStream();
        foreach (var v in inputs)
        {
            ms.SetLength(0);
            v.Encode(ms);
            hash.Append(ms.GetBuffer().AsSpan(0, (int)ms.Length));
        }

        return Convert.ToHexStringLower(hash.GetCurrentHash());
    }
}
