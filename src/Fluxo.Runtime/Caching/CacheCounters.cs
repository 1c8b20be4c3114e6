namespace Fluxo.Runtime.Caching;

/// <summary>Live counters of one runtime cache (the replay's figures are the optimizer's CacheStats).</summary>
public sealed class CacheCounters
{
    private long _hits;
    private long _misses;
    private long _evictions;

    public long Hits => Interlocked.Read(ref _hits);

    public long Misses => Interlocked.Read(ref _misses);

    public long Evictions => Interlocked.Read(ref _evictions);

    public long Bytes { get; set; }

    public long Entries { get; set; }

    public void Hit() => Interlocked.Increment(ref _hits);

    public void Miss() => Interlocked.Increment(ref _misses);

    public void Evicted() => Interlocked.Increment(ref _evictions);
}
