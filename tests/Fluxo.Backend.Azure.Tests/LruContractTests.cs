using Fluxo.Optimizer.Replay;
using Fluxo.Policy;
using Fluxo.Runtime.Caching;
using Fluxo.Support;
using Fluxo.TestSupport;
using Fluxo.Values;
using StackExchange.Redis;

namespace Fluxo.Backend.Azure.Tests;

/// <summary>
/// The LRU contract (<see cref="CacheKey"/>) holds in all three places that implement it: one key sequence through
/// the optimizer's replay LRU, the runtime's LRU and the generated service's Redis scripts (on a real
/// redis-server) gives the same hit or miss and the same number of evictions at every step.
/// </summary>
public sealed class LruContractTests
{
    private const long Budget = 4096;

    [Fact]
    public async Task Replay_runtime_and_generated_Redis_caches_hit_and_evict_alike()
    {
        // Skewed popularity and sizes from 10 to ~700 bytes, so entries are evicted often and in varied numbers;
        // one key is larger than the whole budget and must never be stored.
        var random = new Random(11);
        var values = Enumerable.Range(0, 120).Select(i => Value.String(new string('x', i == 7 ? 5000 : 10 + ((i * 37) % 700)))).ToArray();
        var sequence = Enumerable.Range(0, 3000).Select(_ => (int)Math.Min(values.Length - 1, Math.Floor(Math.Pow(random.NextDouble(), 2.5) * values.Length))).ToArray();
        var keys = values.Select((v, i) => CacheKey.Combine([Value.Int(i).StableHash, v.StableHash])).ToArray();
        var sizes = values.Select(v => CacheKey.EntryBytes([v.ByteSize])).ToArray();
        Assert.Equal(keys.Length, keys.Distinct().Count());

        var replay = new ByteLru(Budget, values.Length);
        var runtime = new InProcessLruCache(new CacheDecision("h", "0", [1], Budget, "lru", 0, 0));
        using var server = new RedisServer();
        await using var mux = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var db = mux.GetDatabase();
        var prefix = "fluxo:t:h.0:";
        var redisCount = 0L;
        var (hits, evictions) = (0, 0L);
        for (var step = 0; step < sequence.Length; step++)
        {
            var k = sequence[step];
            var replayCount = replay.Count;
            var replayHit = replay.Access(k, (int)sizes[k]);
            var replayEvicted = replayCount + (replayHit || sizes[k] > Budget ? 0 : 1) - replay.Count;

            var runtimeEvictionsBefore = runtime.Stats.Evictions;
            var runtimeHit = await runtime.GetAsync(keys[k], default) is not null;
            if (!runtimeHit)
            {
                await runtime.SetAsync(keys[k], [values[k]], sizes[k], default);
            }

            var member = keys[k].ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
            RedisKey[] redisKeys = [prefix + "e:" + member, prefix + "lru", prefix + "clock", prefix + "bytes", prefix + "sizes"];
            var redisHit = !(await db.ScriptEvaluateAsync(CacheScripts.Lookup, redisKeys[..3], [member])).IsNull;
            var stored = 0;
            if (!redisHit)
            {
                stored = (int)await db.ScriptEvaluateAsync(CacheScripts.Insert, redisKeys, [member, ValueJson.Serialize(Value.List([values[k]])), sizes[k], Budget, prefix + "e:"]);
            }

            var count = await db.SortedSetLengthAsync(prefix + "lru");
            var redisEvicted = redisCount + stored - count;
            redisCount = count;

            Assert.True(replayHit == runtimeHit && runtimeHit == redisHit, $"step {step}, key {k}: replay {replayHit}, runtime {runtimeHit}, redis {redisHit}");
            var runtimeEvicted = runtime.Stats.Evictions - runtimeEvictionsBefore;
            Assert.True(replayEvicted == runtimeEvicted && runtimeEvicted == redisEvicted, $"step {step}: evicted replay {replayEvicted}, runtime {runtimeEvicted}, redis {redisEvicted}");
            Assert.True((long)await db.StringGetAsync(prefix + "bytes") <= Budget);
            hits += replayHit ? 1 : 0;
            evictions += replayEvicted;
        }

        // The sequence exercises both sides of the contract, not only one.
        Assert.InRange(hits, 300, 2700);
        Assert.True(evictions > 200, $"only {evictions} evictions");
        Assert.Equal(replay.UsedBytes, runtime.Stats.Bytes);
        Assert.Equal(replay.UsedBytes, (long)await db.StringGetAsync(prefix + "bytes"));
    }
}
