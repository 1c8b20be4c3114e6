using Fluxo.Policy;
using Fluxo.Values;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Fluxo.Support;

/// <summary>
/// The policy's caches in Redis, following the LRU contract of <see cref="CacheKey"/> (key, entry cost, eviction)
/// through <see cref="CacheScripts"/>, entries of an expiring cache stamped with their request's arrival time (unix ms).
/// When Redis is unreachable the cache is bypassed: slower, never wrong.
/// </summary>
public sealed class CacheStore(RedisConnection redis, ServiceModel model, ILogger<CacheStore> logger)
{
    /// <summary>The key prefix of one cache: every key of the cache starts with it.</summary>
    public string KeyPrefix(string cacheId) => "fluxo:" + model.Prefix + ":" + Spec(cacheId).Keyspace + ":";

    private CacheSpec Spec(string cacheId) => model.Caches.First(c => c.Id == cacheId);

    public async Task<Value[]> GetOrComputeAsync(string cacheId, Value[] inputs, Func<Task<Value[]>> compute, double arrivalMs = 0)
    {
        var db = redis.Multiplexer is { IsConnected: true } mux ? mux.GetDatabase() : null;
        if (db is null)
        {
            return await compute();
        }

        using var span = FluxoTelemetry.StartCache(cacheId);
        var prefix = KeyPrefix(cacheId);
        var member = KeyOf(inputs);
        RedisKey[] keys = [prefix + "e:" + member, prefix + "lru", prefix + "clock", prefix + "bytes", prefix + "sizes", prefix + "stamps"];
        var spec = Spec(cacheId);
        try
        {
            var hit = await db.ScriptEvaluateAsync(CacheScripts.Lookup, keys, [member, arrivalMs, spec.TtlMs]);
            FluxoTelemetry.CacheResult(span, cacheId, !hit.IsNull);
            if (!hit.IsNull)
            {
                return Fluxo.Values.ValueJson.Parse((string)hit!).AsList.ToArray();
            }
        }
        // A slow Redis times out with an exception that is not a RedisException: it is bypassed the same way.
        catch (Exception e) when (e is RedisException or RedisTimeoutException)
        {
            logger.LogWarning("cache {Cache} bypassed: {Message}", cacheId, e.Message);
            return await compute();
        }

        var outputs = await compute();
        var size = CacheKey.EntryBytes(outputs.Select(v => v.ByteSize));
        var budget = spec.Bytes;
        try
        {
            var inserted = (long)await db.ScriptEvaluateAsync(CacheScripts.Insert, keys, [member, ValueJson.Serialize(Value.List(outputs)), size, budget, prefix + "e:", arrivalMs]);
            FluxoTelemetry.Evicted(cacheId, inserted - 1);
        }
        catch (Exception e) when (e is RedisException or RedisTimeoutException)
        {
            logger.LogWarning("cache {Cache} insert skipped: {Message}", cacheId, e.Message);
        }

        return outputs;
    }

    /// <summary>The entry key, per the LRU contract (<see cref="CacheKey"/>): the runtime's key, in hex.</summary>
    public static string KeyOf(Value[] inputs) =>
        CacheKey.Format(CacheKey.Combine([.. inputs.Select(v => v.StableHash)]));
}
