using Fluxo.Trace;

namespace Fluxo.Core.Tests;

/// <summary>Reading a time back divides its microseconds by 1000 without a division: the result must be the quotient's, bit for bit.</summary>
public class TraceTimeTests
{
    [Fact]
    public void Milliseconds_of_microseconds_are_the_correctly_rounded_quotient_for_small_values()
    {
        for (long us = 0; us < 1 << 22; us++)
        {
            if (TraceWriter.FromMicros(us) != us / 1000.0)
            {
                Assert.Fail($"{us} us: {TraceWriter.FromMicros(us):R} != {us / 1000.0:R}");
            }
        }
    }

    [Fact]
    public void Milliseconds_of_microseconds_are_the_correctly_rounded_quotient_at_every_magnitude()
    {
        var random = new Random(1000);
        for (var i = 0; i < 4_000_000; i++)
        {
            var bits = random.Next(1, 64);
            var us = random.NextInt64() & (long)((1UL << bits) - 1);
            if (TraceWriter.FromMicros(us) != us / 1000.0)
            {
                Assert.Fail($"{us} us: {TraceWriter.FromMicros(us):R} != {us / 1000.0:R}");
            }
        }

        Assert.Equal(long.MaxValue / 1000.0, TraceWriter.FromMicros(long.MaxValue));
    }
}
