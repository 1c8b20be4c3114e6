namespace Fluxo.Runtime;

/// <summary>
/// Counter-based randomness: a draw is a pure function of (seed, request, node, call), so a re-run
/// with a policy draws the same latencies for the nodes that still run, whatever order they run in.
/// </summary>
public static class SeededDraw
{
    public static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    public static ulong Hash(ulong seed, long a, long b = 0, long c = 0) =>
        Mix(Mix(Mix(seed ^ (ulong)a) ^ (ulong)b) ^ (ulong)c);

    /// <summary>A float in [0, 1) from 53 random bits.</summary>
    public static double Unit(ulong bits) => (bits >> 11) * (1.0 / (1UL << 53));
}
