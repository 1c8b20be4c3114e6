
namespace Fluxo.Runtime.Externs;

/// <summary>How long a stand-in (extern, table, queue) takes; drawn from a seeded 64-bit value.</summary>
public abstract record LatencyDistribution
{
    public static readonly LatencyDistribution Zero = new FixedLatency(0);

    public abstract double Sample(ulong bits);

    /// <summary>A standard normal variate by Box-Muller from two halves of one draw.</summary>
    protected static double StandardNormal(ulong bits)
    {
        var u1 = SeededDraw.Unit(SeededDraw.Mix(bits)) + 1e-12;
        var u2 = SeededDraw.Unit(SeededDraw.Mix(bits ^ 0x5DEECE66DUL));
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}

public sealed record FixedLatency(double Ms) : LatencyDistribution
{
    public override double Sample(ulong bits) => Ms;
}

public sealed record UniformLatency(double MinMs, double MaxMs) : LatencyDistribution
{
    public override double Sample(ulong bits) => MinMs + ((MaxMs - MinMs) * SeededDraw.Unit(bits));
}

/// <summary>Normal, cut at zero (a latency is never negative).</summary>
public sealed record NormalLatency(double MeanMs, double StdMs) : LatencyDistribution
{
    public override double Sample(ulong bits) => Math.Max(0, MeanMs + (StdMs * StandardNormal(bits)));
}

/// <summary>Log-normal given by its median and 95th percentile, the two numbers people quote for services.</summary>
public sealed record LogNormalLatency(double MedianMs, double P95Ms) : LatencyDistribution
{
    private const double Z95 = 1.6448536269514722;

    public override double Sample(ulong bits)
    {
        var sigma = Math.Log(P95Ms / MedianMs) / Z95;
        return MedianMs * Math.Exp(sigma * StandardNormal(bits));
    }
}
