namespace Fluxo.Trace;

/// <summary>
/// Latencies counted per microsecond, the resolution traces keep (<see cref="TraceWriter.ToMicros"/>), for nearest-rank
/// percentiles that are exact at that resolution: a run's report holds the percentiles of the latencies its trace
/// records. Memory follows the range of latencies seen, not their number: counts live in pages of 1,024 microseconds
/// (4 KB), each made when a latency first falls in it. Not thread-safe.
/// </summary>
public sealed class LatencyHistogram
{
    private const int PageBits = 10;
    private const int PageMask = (1 << PageBits) - 1;

    private readonly Dictionary<long, int[]> _pages = [];

    // Latencies cluster: the page of the last one usually takes the next, without a look-up.
    private long _lastKey = -1;
    private int[] _last = [];

    /// <summary>How many latencies were added.</summary>
    public long Count { get; private set; }

    /// <summary>The sum of the latencies as added, unrounded (so the mean is as exact as the values).</summary>
    public double Sum { get; private set; }

    public double Mean => Count == 0 ? 0 : Sum / Count;

    /// <summary>The 0-based index of the nearest-rank <paramref name="p"/>-th percentile among <paramref name="n"/> ascending values.</summary>
    public static long Rank(double p, long n) => Math.Clamp((long)Math.Ceiling(p * n) - 1, 0, Math.Max(n - 1, 0));

    public void Add(double ms)
    {
        var micros = TraceWriter.ToMicros(ms);
        var key = micros >> PageBits;
        if (key != _lastKey)
        {
            if (!_pages.TryGetValue(key, out var page))
            {
                _pages[key] = page = new int[1 << PageBits];
            }

            (_lastKey, _last) = (key, page);
        }

        _last[micros & PageMask]++;
        Count++;
        Sum += ms;
    }

    /// <summary>Adds every latency <paramref name="other"/> holds.</summary>
    public void AddAll(LatencyHistogram other)
    {
        foreach (var (key, counts) in other._pages)
        {
            if (!_pages.TryGetValue(key, out var page))
            {
                _pages[key] = page = new int[1 << PageBits];
            }

            for (var i = 0; i < counts.Length; i++)
            {
                page[i] += counts[i];
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
            var counts = _pages[key];
            for (var i = 0; i < counts.Length; i++)
            {
                seen += counts[i];
                if (seen > rank)
                {
                    return ((key << PageBits) + i) / 1000.0;
                }
            }
        }

        throw new InvalidOperationException("the histogram's counts do not add up to its count");
    }
}
