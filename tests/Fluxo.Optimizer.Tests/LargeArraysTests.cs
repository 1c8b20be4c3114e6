using Fluxo.Diagnostics;
using Fluxo.Optimizer.Candidates;
using Fluxo.Optimizer.Replay;
using Fluxo.TestSupport;
using Fluxo.Trace;
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

    [Fact]
    public void A_flat_trace_read_into_used_memory_holds_only_its_requests_values()
    {
        var facts = new GraphFacts(WeatherIr.Module().Graphs[0]);
        var n = facts.NodeCount;
        var edges = facts.Edges.Count;
        for (var round = 0; round < 4; round++)
        {
            // Dirty memory of the sizes the builder's columns take, in their order: the collector hands it back for them
            // (in most rounds), and the builder does not clear its columns first.
            const int requests = 1 << 18;
            Dirty([requests * 8L, requests * n * 8L, requests * edges * 8L, requests * edges * 4L, requests * 4L]);
            var builder = new FlatTraceBuilder(facts, 1.0, 1.0, "t", new DiagnosticBag());
            builder.Reserve(requests);
            var all = Enumerable.Range(0, n).Select(v => new NodeEvent(v, 0, 1.5, NodeStatus.Ran)).ToArray();
            var crossed = facts.Edges.Select(e => new EdgeEvent(e.From, e.To, 0xABCDUL, 10)).ToArray();
            var first = new[] { new NodeEvent(0, 0, 2.5, NodeStatus.Ran) };

            // Fewer requests than reserved: the rows past them are zero, as they were when the columns were cleared first.
            var added = requests - 1000;
            for (var r = 0; r < added; r++)
            {
                Assert.True(r % 2 == 0 ? builder.Add(r, all, crossed, r) : builder.Add(r, first, [], r));
            }

            var trace = builder.Build();
            Assert.Equal(added, trace.Requests);
            for (var r = 0; r < added; r += 997)
            {
                var whole = r % 2 == 0;
                for (var v = 0; v < n; v++)
                {
                    Assert.Equal(whole ? 1.5 : v == 0 ? 2.5 : 0.0, trace.Self[(r * n) + v]);
                }

                for (var e = 0; e < edges; e++)
                {
                    Assert.Equal(whole ? 0xABCDUL : 0UL, trace.EdgeHash[(r * edges) + e]);
                    Assert.Equal(whole ? 10 : -1, trace.EdgeBytes[(r * edges) + e]);
                }

                Assert.Equal(r, trace.Arrivals[r]);
            }

            Assert.DoesNotContain(trace.Self.Skip(added * n), v => v != 0);
            Assert.DoesNotContain(trace.EdgeHash.Skip(added * edges), v => v != 0);
            Assert.DoesNotContain(trace.EdgeBytes.Skip(added * edges), v => v != 0);
            Assert.DoesNotContain(trace.ShapeOf.Skip(added), v => v != 0);
            Assert.DoesNotContain(trace.Arrivals.Skip(added), v => v != 0);
        }
    }

    private static void Dirty(long[] sizes)
    {
        var arrays = sizes.Select(bytes => GC.AllocateUninitializedArray<byte>((int)bytes)).ToArray();
        foreach (var a in arrays)
        {
            a.AsSpan().Fill(0xFF);
        }

        arrays = null;
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }
}
