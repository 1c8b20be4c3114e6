namespace Fluxo.Trace;

/// <summary>
/// Latencies counted per microsecond, the resolution traces keep, for nearest-rank percentiles exact at that
/// resolution in memory that follows the range of latencies seen, not their number: counts (and each microsecond's
/// least latency) live in pages of 256 microseconds (3 KB, so a sparse tail costs little), each made when a latency
/// first falls in it. A percentile is the least latency of the microsecond its rank falls in: the very value a sort
/// gives when the latencies sharing that microsecond are equal (a virtual clock's sums of fixed costs), otherwise
/// less than a microsecond below it. Not thread-safe.
/// </summary>
public sealed class LatencyHistogram
{
    private const int PageBits = 8;
    private const int PageMask = (1 << PageBits) - 1;

    private readonly Dictionary<long, Page> _pages = [];

    // Latencies cluster: the page of the last one usually takes the next, without a look-up.
    private long _lastKey = -1;
    private Page _last = new();

    /// <summary>How many latencies were added.</summary>
    public long Count { get; private set; }

    /// <summary>The sum of the latencies as added, unrounded (so the mean is as exact as the values).</summary>
    public double Sum { get; private set; }

    public double Mean => Count == 0 ? 0 : Sum / Count;

    /// <summary>The 0-based index of the nearest-rank <paramref name="p"/>-th percentile among <paramref name="n"/> ascending values.</summary>
    public static long Rank(double p, long n) => Math.Clamp((long)Math.Ceiling(p * n) - 1, 0, Math.Max(n - 1, 0));

    /// <summary>
    /// The microsecond <paramref name="ms"/> falls in. A latency on the microsecond grid (as a trace's are) lies a rounding
    /// error either side of it: the small offset keeps it in its own microsecond rather than the one below.
    /// </summary>
    public static long Microsecond(double ms) => ms <= 0 ? 0 : (long)Math.Floor((ms * 1000.0) + 1e-6);

    public void Add(double ms)
    {
        var micros = Microsecond(ms);
        var key = micros >> PageBits;
        if (key != _lastKey)
        {
            if (!_pages.TryGetValue(key, out var page))
            {
                _pages[key] = page = new Page();
            }

            (_lastKey, _last) = (key, page);
        }

        _last.Add((int)(micros & PageMask), 1, ms);
        Count++;
        Sum += ms;
    }

    /// <summary>Adds every latency <paramref name="other"/> holds.</summary>
    public void AddAll(LatencyHistogram other)
    {
        foreach (var (key, theirs) in other._pages)
        {
            if (!_pages.TryGetValue(key, out var page))
            {
                _pages[key] = page = new Page();
            }

            for (var i = 0; i < theirs.Counts.Length; i++)
            {
                if (theirs.Counts[i] > 0)
                {
                    page.Add(i, theirs.Counts[i], theirs.Least[i]);
                }
            }
        }

        Count += other.Count;
        Sum += other.Sum;
        _lastKey = -1;
    }

    /// <summary>The nearest-rank <paramref name="p"/>-th percentile in milliseconds, to the microsecond; 0 when empty.</summary>
    public double Percentile(double p)
    {
        if (Count == 0)
        {
            return 0;
        }

        var rank = Rank(p, Count);
        var seen = 0L;
        foreach (var key in _pages.Keys.Order())
        {
            var page = _pages[key];
            for (var i = 0; i < page.Counts.Length; i++)
            {
                seen += page.Counts[i];
                if (seen > rank)
                {
                    return page.Least[i];
                }
            }
        }

        throw new InvalidOperationException("the histogram's counts do not add up to its count");
    }

    private sealed class Page
    {
        public int[] Counts { get; } = new int[1 << PageBits];

        public double[] Least { get; } = new double[1 << PageBits];

        public void Add(int i, int count, double least)
        {
            Least[i] = Counts[i] == 0 ? least : Math.Min(Least[i], least);
            Counts[i] += count;
        }
    }
}
