using Fluxo.Optimizer.Replay;

namespace Fluxo.Optimizer.Tests;

public sealed class ByteLruTests
{
    [Fact]
    public void Evicts_least_recently_used_entries_until_the_new_one_fits_by_bytes()
    {
        var lru = new ByteLru(100, 8);
        Assert.False(lru.Access(1, 40));
        Assert.False(lru.Access(2, 40));
        Assert.True(lru.Access(1, 40)); // 1 is now most recent
        Assert.False(lru.Access(3, 30)); // 110 > 100: evicts 2, the least recent
        Assert.Equal(70, lru.UsedBytes);
        Assert.True(lru.Access(1, 40));
        Assert.False(lru.Access(2, 40));
        Assert.Equal(2, lru.Count); // 2 (40) + 1 (40); 3 was evicted next
        Assert.Equal(80, lru.PeakBytes);
    }

    [Fact]
    public void An_entry_larger_than_the_budget_is_not_stored_and_evicts_nothing()
    {
        var lru = new ByteLru(50, 8);
        lru.Access(1, 20);
        Assert.False(lru.Access(2, 60));
        Assert.Equal(1, lru.Count);
        Assert.False(lru.Access(2, 60));
        Assert.True(lru.Access(1, 20));
    }

    [Theory]
    [InlineData(1_000, 100_000, 1)]
    [InlineData(64, 5_000, 2)]
    [InlineData(4_000, 300, 3)]
    public void Sized_by_its_budget_it_behaves_as_when_sized_by_the_keys(int capacity, int keys, int seed)
    {
        // The small one keeps a slot table found by key id (the budget holds at most capacity / 10 entries);
        // the reference has a slot per key. Skewed keys so that hits, evictions and reuse of freed slots all happen.
        var rng = new Random(seed);
        var small = new ByteLru(capacity, keys, minEntryBytes: 10);
        var reference = new ByteLru(capacity, keys);
        var sizes = Enumerable.Range(0, keys).Select(_ => 10 + rng.Next(60)).ToArray();
        var hits = 0;
        for (var i = 0; i < 200_000; i++)
        {
            var key = (int)Math.Min(keys - 1, Math.Floor(Math.Pow(rng.NextDouble(), 3) * keys));
            var hit = reference.Access(key, sizes[key]);
            Assert.Equal(hit, small.Access(key, sizes[key]));
            hits += hit ? 1 : 0;
            Assert.Equal(reference.UsedBytes, small.UsedBytes);
            Assert.Equal(reference.Count, small.Count);
        }

        Assert.InRange(hits, 1, 199_999);
        Assert.Equal(reference.PeakBytes, small.PeakBytes);
    }

    [Fact]
    public void A_pooled_cache_behaves_as_one_of_its_own_and_gives_its_array_back_clean()
    {
        // Round after round on arrays from the pool: a key left behind by an earlier round would hit where the reference misses.
        var rng = new Random(4);
        for (var round = 0; round < 20; round++)
        {
            var keys = 50 + rng.Next(5_000);
            var capacity = 40 + rng.Next(4_000);
            var pooled = ByteLru.Pooled(capacity, keys, minEntryBytes: 10);
            var reference = new ByteLru(capacity, keys);
            for (var i = 0; i < 20_000; i++)
            {
                var key = (int)Math.Min(keys - 1, Math.Floor(Math.Pow(rng.NextDouble(), 2) * keys));
                var size = 10 + (key % 50);
                Assert.Equal(reference.Access(key, size), pooled.Access(key, size));
                Assert.Equal(reference.UsedBytes, pooled.UsedBytes);
            }

            Assert.Equal(reference.PeakBytes, pooled.PeakBytes);
            pooled.Release();
        }
    }
}
