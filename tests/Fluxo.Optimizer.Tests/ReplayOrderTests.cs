using Fluxo.Optimizer.Ahead;
using Xunit;

namespace Fluxo.Optimizer.Tests;

public sealed class ReplayOrderTests
{
    [Fact]
    public void One_part_in_row_order_gives_back_what_was_added()
    {
        var added = Enumerable.Range(0, 5000).Select(i => (Part: 2, Row: i, Client: (long)(i * 7 % 13))).ToArray();
        var order = ReplayOrder.From(added);
        Assert.Equal(added.Length, order.Count);
        Assert.Equal(added, Enumerable.Range(0, order.Count).Select(i => order[i]));

        order.Renumber([9, 9, 0]);
        Assert.Equal(added.Select(a => (0, a.Row, a.Client)), Enumerable.Range(0, order.Count).Select(i => order[i]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3000)]
    public void A_request_elsewhere_keeps_every_place_before_and_after_it(int at)
    {
        // One part in row order up to `at`, then a request in another part, then the first part again.
        var added = Enumerable.Range(0, 5000)
            .Select(i => i < at ? (0, i, (long)i) : i == at ? (1, 0, -5L) : (0, i - 1, (long)i))
            .ToArray();
        var order = ReplayOrder.From(added);
        Assert.Equal(added, Enumerable.Range(0, order.Count).Select(i => order[i]));

        order.Renumber([1, 0]);
        Assert.Equal(added.Select(a => (1 - a.Item1, a.Item2, a.Item3)), Enumerable.Range(0, order.Count).Select(i => order[i]));
    }

    [Fact]
    public void Rows_that_do_not_count_up_from_zero_are_kept()
    {
        var added = new[] { (0, 1, 10L), (0, 2, 11L), (0, 4, 12L) };
        var order = ReplayOrder.From(added);
        Assert.Equal(added, Enumerable.Range(0, order.Count).Select(i => order[i]));
    }
}
