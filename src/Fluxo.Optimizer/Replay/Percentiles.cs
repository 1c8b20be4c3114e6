namespace Fluxo.Optimizer.Replay;

/// <summary>Nearest-rank percentiles by selection (linear time), since a replay must not pay a full sort.</summary>
internal static class Percentiles
{
    /// <summary>The 0-based index of the nearest-rank p-th percentile among n values.</summary>
    public static int Rank(double p, int n) => Math.Clamp((int)Math.Ceiling(p * n) - 1, 0, n - 1);

    /// <summary>
    /// The p-th percentile of values[0..n]; partially reorders the array. Pass a smaller <paramref name="limit"/>
    /// after asking for a higher percentile: everything from that rank on is already above.
    /// </summary>
    public static double NearestRank(double[] values, double p, int limit)
    {
        var k = Rank(p, values.Length);
        int lo = 0, hi = Math.Max(limit, k + 1) - 1;
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
