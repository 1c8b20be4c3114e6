using Fluxo.Optimizer.Replay;
using Fluxo.Policy;
using Fluxo.Runtime.Caching;
using Fluxo.Support;
using Fluxo.TestSupport;
using Fluxo.Values;
using StackExchange.Redis;

namespace Fluxo.Backend.Azure.Tests;

/// <summary>
/// The LRU contract (<see cref="CacheKey"/>) holds in every place that implements it: one key sequence through
/// the optimizer's replay LRU, the runtime's in-process LRU, the runtime's Redis cache (<c>fluxo run --redis</c>) and
/// the generated service's Redis scripts (both on a real redis-server) gives the same hit or miss, the same entries
/// and the same bytes at every step, with and without expiry.
/// </summary>
public sealed class LruContractTests
{
    private const long Budget = 4096;

    [Fact]
    public async Task Replay_runtime_and_generated_Redis_caches_hit_and_evict_alike()
    {
        var (hits, evictions) = await RunContract(ttlMs: 0);

        // The sequence exercises both sides of the contract, not only one.
        Assert.InRange(hits, 300, 2700);
        Assert.True(evictions > 200, $"only {evictions} evictions");
    }

    [Fact]
    public async Task Replay_runtime_and_generated_Redis_caches_expire_alike()
    {
        // Requests arrive 0 to 20 ms apart (10 ms on average); entries may serve for 150 ms, about 15 requests, so a
        // popular key is reused past its expiry many times while a tail key is evicted before it would expire.
        var (forever, _) = await RunContract(ttlMs: 0);
        var (expiring, _) = await RunContract(ttlMs: 150);
        Assert.True(expiring < forever - 100, $"expiry changed little: {expiring} hits with a TTL, {forever} without");
        Assert.True(expiring > 200, $"only {expiring} hits with a TTL");
    }

    /// <summary>
    /// Feeds one key sequence (with arrival times) through the four implementations and checks after every step that
    /// they agree on the hit, the number of entries and the bytes held. Answers the hits and the runtime's evictions.
    /// </summary>
    private static async Task<(int Hits, long Evictions)> RunContract(double ttlMs)
    {
        // Skewed popularity and sizes from 10 to ~700 bytes, so entries are evicted often and in varied numbers;
        // one key is larger than the whole budget and must never be stored.
        var random = new Random(11);
        var values = Enumerable.Range(0, 120).Select(i => Value.String(new string('x', i == 7 ? 5000 : 10 + ((i * 37) % 700)))).ToArray();
        var sequence = Enumerable.Range(0, 3000).Select(_ => (int)Math.Min(values.Length - 1, Math.Floor(Math.Pow(random.NextDouble(), 2.5) * values.Length))).ToArray();
        var arrivals = new double[sequence.Length];
        for (var i = 1; i < arrivals.Length; i++)
        {
            arrivals[i] = arrivals[i - 1] + random.Next(0, 21);
        }

        var keys = values.Select((v, i) => CacheKey.Combine([Value.Int(i).StableHash, v.StableHash])).ToArray();
        var sizes = values.Select(v => CacheKey.EntryBytes([v.ByteSize])).ToArray();
        Assert.Equal(keys.Length, keys.Distinct().Count());

        var replay = new ByteLru(Budget, values.Length);
        var decision = new CacheDecision("h", "0", [1], Budget, "lru", 0, 0, ttlMs / 1000);
        var runtime = new InProcessLruCache(decision);
        using var server = new RedisServer();
        await using var mux = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var db = mux.GetDatabase();
        var runtimeRedis = new RedisCacheFactory(mux, "fluxo-run").Create(decision, 0);
        var prefix = "fluxo:t:h.0:";
        var hits = 0;
        for (var step = 0; step < sequence.Length; step++)
        {
            var k = sequence[step];
            var now = arrivals[step];
            var replayHit = replay.Access(k, (int)sizes[k], now, ttlMs);

            var runtimeHit = await runtime.GetAsync(keys[k], now, default) is not null;
            if (!runtimeHit)
            {
                await runtime.SetAsync(keys[k], [values[k]], sizes[k], now, default);
            }

            var runtimeRedisValue = await runtimeRedis.GetAsync(keys[k], now, default);
            Assert.True(runtimeRedisValue is null || runtimeRedisValue.SequenceEqual([values[k]]), $"step {step}: the runtime's Redis cache served another value");
            if (runtimeRedisValue is null)
            {
                await runtimeRedis.SetAsync(keys[k], [values[k]], sizes[k], now, default);
            }

            Assert.True(runtimeHit == (runtimeRedisValue is not null), $"step {step}, key {k}: runtime {runtimeHit}, runtime on Redis {!runtimeHit}");
            Assert.True(runtime.Stats.Entries == runtimeRedis.Stats.Entries && runtime.Stats.Bytes == runtimeRedis.Stats.Bytes,
                $"step {step}: runtime {runtime.Stats.Entries} entries, {runtime.Stats.Bytes} bytes; on Redis {runtimeRedis.Stats.Entries}, {runtimeRedis.Stats.Bytes}");

            var member = keys[k].ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
            RedisKey[] redisKeys = [prefix + "e:" + member, prefix + "lru", prefix + "clock", prefix + "bytes", prefix + "sizes", prefix + "stamps"];
            var redisHit = !(await db.ScriptEvaluateAsync(CacheScripts.Lookup, redisKeys, [member, now, ttlMs])).IsNull;
            if (!redisHit)
            {
                await db.ScriptEvaluateAsync(CacheScripts.Insert, redisKeys, [member, ValueJson.Serialize(Value.List([values[k]])), sizes[k], Budget, prefix + "e:", now]);
            }

            Assert.True(replayHit == runtimeHit && runtimeHit == redisHit, $"step {step}, key {k}: replay {replayHit}, runtime {runtimeHit}, redis {redisHit}");
            var redisCount = await db.SortedSetLengthAsync(prefix + "lru");
            Assert.True(replay.Count == runtime.Stats.Entries && runtime.Stats.Entries == redisCount, $"step {step}: entries replay {replay.Count}, runtime {runtime.Stats.Entries}, redis {redisCount}");
            var redisBytes = (long)await db.StringGetAsync(prefix + "bytes");
            Assert.True(replay.UsedBytes == runtime.Stats.Bytes && runtime.Stats.Bytes == redisBytes, $"step {step}: bytes replay {replay.UsedBytes}, runtime {runtime.Stats.Bytes}, redis {redisBytes}");
            Assert.True(redisBytes <= Budget);
            hits += replayHit ? 1 : 0;
        }

        // Every entry Redis still counts is there, with its size and (when it expires) its stamp.
        var members = await db.SortedSetRangeByRankAsync(prefix + "lru");
        Assert.Equal(members.Length, await db.HashLengthAsync(prefix + "sizes"));
        Assert.Equal(members.Length, await db.HashLengthAsync(prefix + "stamps"));

        // The runtime's Redis cache deletes what it evicts: Redis holds exactly its entries' values.
        // (its deletes are fire-and-forget: a ping on the same connection comes back after them).
        await db.PingAsync();
        var stored = mux.GetServer(mux.GetEndPoints()[0]).Keys(pattern: "fluxo-run:*").Count();
        Assert.Equal(runtimeRedis.Stats.Entries, stored);
        return (hits, runtime.Stats.Evictions);
    }
}
