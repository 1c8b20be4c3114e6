namespace Fluxo.Optimizer.Replay;

/// <summary>
/// An LRU cache with a byte budget over dense key ids (0..keyCount-1, interned once per candidate, so
/// a replay never hashes). A miss inserts the entry after evicting least recently used entries until
/// it fits; an entry larger than the whole budget is not stored and evicts nothing (as the runtime's
/// caches do). While every entry fits the budget, the cache holds the longest prefix of the recency
/// stack that fits, which is what makes byte-weighted stack distances exact.
/// </summary>
public sealed class ByteLru
{
    private readonly int[] _size;
    private readonly int[] _prev;
    private readonly int[] _next;
    private int _head = -1;
    private int _tail = -1;

    public ByteLru(long capacity, int keyCount)
    {
        Capacity = capacity;
        _size = new int[keyCount];
        _prev = new int[keyCount];
        _next = new int[keyCount];
    }

    public long Capacity { get; }

    public long UsedBytes { get; private set; }

    public long PeakBytes { get; private set; }

    public int Count { get; private set; }

    /// <summary>Looks key id <paramref name="key"/> up; on a miss stores it. True on a hit. Sizes must be positive.</summary>
    public bool Access(int key, int size)
    {
        if (_size[key] != 0)
        {
            if (key != _head)
            {
                Unlink(key);
                PushFront(key);
            }

            return true;
        }

        if (size > Capacity)
        {
            return false;
        }

        while (_tail >= 0 && UsedBytes + size > Capacity)
        {
            var victim = _tail;
            Unlink(victim);
            UsedBytes -= _size[victim];
            _size[victim] = 0;
            Count--;
        }

        _size[key] = size;
        PushFront(key);
        UsedBytes += size;
        Count++;
        PeakBytes = Math.Max(PeakBytes, UsedBytes);
        return false;
    }

    private void Unlink(int slot)
    {
        var p = _prev[slot];
        var n = _next[slot];
        if (p >= 0)
        {
            _next[p] = n;
        }
        else
        {
            _head = n;
        }

        if (n >= 0)
        {
            _prev[n] = p;
        }
        else
        {
            _tail = p;
        }
    }

    private void PushFront(int slot)
    {
        _prev[slot] = -1;
        _next[slot] = _head;
        if (_head >= 0)
        {
            _prev[_head] = slot;
        }

        _head = slot;
        if (_tail < 0)
        {
            _tail = slot;
        }
    }
}
