using System.Collections.Concurrent;
using Fluxo.Trace;

namespace Fluxo.Optimizer.Replay;

/// <summary>
/// Nearest-rank percentiles without a sort. Latencies are sums of times a trace keeps to the microsecond, so a
/// histogram of whole microseconds (or of a few, when the latencies spread over many more microseconds than there are
/// latencies) finds the bucket of each rank in one pass; the exact value is then selected among the latencies in that
/// bucket, so the result is the very value a sort would give.
/// </summary>
internal static class Percentiles
{
    /// <summary>Beyond this many buckets per latency a histogram costs more than selection.</summary>
    private const int MaxBucketsPerValue = 4;

    /// <summary>Buckets are widened until they hold this many latencies on average (or there are at most 64 plus a few).</summary>
    private const int MinValuesPerBucket = 16;

    // Histograms (a few MB for latencies of seconds at microseconds) are pooled, not kept per thread: replays run on
    // whichever pool threads are free, and a buffer per thread that ever ran one would add up.
    private static readonly ConcurrentBag<int[]> Histograms = [];

    [ThreadStatic]
    private static double[]? ThreadBucket;

    /// <summary>The 0-based index of the nearest-rank p-th percentile among n values.</summary>
    public static int Rank(double p, int n) => (int)LatencyHistogram.Rank(p, n);

    /// <summary>The 50th, 95th and 99th percentiles of values[0..n] (n &gt; 0); values may be reordered.</summary>
    public static (double P50, double P95, double P99) Of(double[] values, int n)
    {
        var min = double.MaxValue;
        var max = double.MinValue;
        for (var i = 0; i < n; i++)
        {
            min = Math.Min(min, values[i]);
            max = Math.Max(max, values[i]);
        }

        return Of(values, n, min, max);
    }

    /// <summary><see cref="Of(double[], int)"/> given the values' least and greatest, for a caller that passed over them already.</summary>
    public static (double P50, double P95, double P99) Of(double[] values, int n, double min, double max)
    {
        var low = Bucket(min, 0);
        var span = Bucket(max, low) + 1;
        if (span > (long)n * MaxBucketsPerValue + 1024 || !double.IsFinite(min) || !double.IsFinite(max))
        {
            var q99 = NearestRank(values, 0.99, n, n);
            var q95 = NearestRank(values, 0.95, n, Rank(0.99, n));
            return (NearestRank(values, 0.50, n, Rank(0.95, n)), q95, q99);
        }

        // Buckets of 2^shift microseconds, so that clearing and scanning the counts costs little beside the passes over the
        // values; the selection within a rank's bucket is exact whatever its width.
        var shift = 0;
        while ((span >> shift) > (n / MinValuesPerBucket) + 64)
        {
            shift++;
        }

        span = (span >> shift) + 1;
        var counts = Histograms.TryTake(out var c) && c.Length >= span ? c : new int[Math.Max(span, 1024)];
        try
        {
            return Of(values, n, low, shift, span, counts);
        }
        finally
        {
            Histograms.Add(counts);
        }
    }

    private static (double P50, double P95, double P99) Of(double[] values, int n, long low, int shift, long span, int[] counts)
    {
        Array.Clear(counts, 0, (int)span);
        for (var i = 0; i < n; i++)
        {
            counts[Bucket(values[i], low) >> shift]++;
        }

        Span<int> ranks = [Rank(0.50, n), Rank(0.95, n), Rank(0.99, n)];
        Span<long> buckets = stackalloc long[3];
        Span<int> below = stackalloc int[3];
        var seen = 0L;
        var next = 0;
        for (var b = 0L; b < span && next < 3; b++)
        {
            while (next < 3 && ranks[next] < seen + counts[b])
            {
                buckets[next] = b;
                below[next] = (int)seen;
                next++;
            }

            seen += counts[b];
        }

        return Select(values, n, low, shift, ranks, buckets, below, counts);
    }

    /// <summary>
    /// Each rank's value, selected among the latencies of its bucket (<paramref name="below"/> latencies lie in lower
    /// buckets): one pass gathers the latencies of the (at most three) buckets, side by side.
    /// </summary>
    private static (double, double, double) Select(double[] values, int n, long low, int shift, ReadOnlySpan<int> ranks, ReadOnlySpan<long> buckets, ReadOnlySpan<int> below, int[] counts)
    {
        // The buckets ascend with the ranks, so equal ones are neighbours and share a stretch of the buffer.
        Span<int> start = stackalloc int[3];
        var total = 0;
        for (var q = 0; q < 3; q++)
        {
            if (q > 0 && buckets[q] == buckets[q - 1])
            {
                start[q] = start[q - 1];
                continue;
            }

            start[q] = total;
            total += counts[buckets[q]];
        }

        var gathered = ThreadBucket is { } t && t.Length >= total ? t : ThreadBucket = new double[Math.Max(total, 256)];
        Span<int> fill = [start[0], start[1], start[2]];
        var (b0, b1, b2) = (buckets[0], buckets[1], buckets[2]);
        for (var i = 0; i < n; i++)
        {
            var b = Bucket(values[i], low) >> shift;
            if (b == b0)
            {
                gathered[fill[0]++] = values[i];
            }
            else if (b == b1)
            {
                gathered[fill[1]++] = values[i];
            }
            else if (b == b2)
            {
                gathered[fill[2]++] = values[i];
            }
        }

        Span<double> found = stackalloc double[3];
        for (var q = 0; q < 3; q++)
        {
            var count = counts[buckets[q]];
            found[q] = NearestRankAt(gathered.AsSpan(start[q], count), ranks[q] - below[q], count, count);
        }

        return (found[0], found[1], found[2]);
    }

    // Monotonic: a <= b gives Bucket(a) <= Bucket(b), which is all the ranks need.
    private static long Bucket(double ms, long low) => (long)Math.Floor(ms * 1000.0) - low;

    /// <summary>
    /// The p-th percentile of values[0..n] by selection; partially reorders the array. Pass a smaller
    /// <paramref name="limit"/> after asking for a higher percentile: everything from that rank on is already above.
    /// </summary>
    public static double NearestRank(double[] values, double p, int n, int limit) => NearestRankAt(values, Rank(p, n), n, limit);

    private static double NearestRankAt(Span<double> values, int k, int n, int limit)
    {
        int lo = 0, hi = Math.Min(n, Math.Max(limit, k + 1)) - 1;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) / 2);
            var pivot = MedianOf3(values[lo], values[mid], values[hi]);
            int i = lo, j = hi;
            while (i <= j)
            {
                while (values[i] < pivot)
                {
                    i++;
                }

                while (values[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j)
            {
                hi = j;
            }
            else if (k >= i)
            {
                lo = i;
            }
            else
            {
                break;
            }
        }

        return values[k];
    }

    private static double MedianOf3(double a, double b, double c) => Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
}
