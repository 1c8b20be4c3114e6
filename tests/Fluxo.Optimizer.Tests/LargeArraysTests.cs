using Fluxo.Optimizer.Replay;
using Xunit;

namespace Fluxo.Optimizer.Tests;

public sealed class LargeArraysTests
{
    // Large enough to take the huge-page path (uninitialized memory, advised, then cleared).
    private const int Length = 3 << 20;

    [Fact]
    public void A_large_array_is_zeroed_even_where_the_collector_hands_back_used_memory()
    {
        for (var round = 0; round < 4; round++)
        {
            var dirty = LargeArrays.Zeroed<long>(Length);
            Assert.Equal(Length, dirty.Length);
            Assert.DoesNotContain(dirty, v => v != 0);
            Array.Fill(dirty, -1L);
            dirty = null;
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    [Fact]
    public void Resizing_keeps_the_elements_that_fit_and_zeroes_the_rest()
    {
        var small = new int[1000];
        for (var i = 0; i < small.Length; i++)
        {
            small[i] = i + 1;
        }

        LargeArrays.Resize(ref small, Length);
        Assert.Equal(Length, small.Length);
        Assert.Equal(Enumerable.Range(1, 1000), small.Take(1000));
        Assert.DoesNotContain(small.Skip(1000), v => v != 0);

        LargeArrays.Resize(ref small, 10);
        Assert.Equal(Enumerable.Range(1, 10), small);
    }

    [Fact]
    public void Elements_of_any_size_are_counted_in_bytes()
    {
        var order = LargeArrays.Zeroed<(int Builder, int Row, long Client)>(1 << 20);
        Assert.Equal(1 << 20, order.Length);
        Assert.All(order.Take(100), o => Assert.Equal(default, o));
    }
}
