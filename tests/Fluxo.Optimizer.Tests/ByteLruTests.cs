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
}
