namespace Fluxo.Optimizer.Replay;

/// <summary>
/// An LRU cache of keys with byte sizes and a byte budget. A miss inserts the entry after evicting
/// least recently used entries until it fits; an entry larger than the whole budget therefore empties
/// the cache and is not stored. Under that rule the cache always holds the longest prefix of the
/// recency stack that fits, which is what makes byte-weighted stack distances exact.
/// </summary>
public sealed class ByteLru
{
    private readonly Dictionary<ulong, int> _slots = [];
    private ulong[] _keys = new ulong[16];
    private int[] _sizes = new int[16];
    private int[] _prev = new int[16];
    private int[] _next = new int[16];
    private int _head = -1;
    private int _tail = -1;
    private int _free = -1;
    private int _count;

    public ByteLru(long capacity)
    {
        Capacity = capacity;
    }

    public long Capacity { get; }

    public long UsedBytes { get; private set; }

    public long PeakBytes { get; private set; }

    public int Count => _slots.Count;

    /// <summary>Looks the key up; on a miss stores it. True on a hit.</summary>
    public bool Access(ulong key, int size)
    {
        if (_slots.TryGetValue(key, out var slot))
        {
            if (slot != _head)
            {
                Unlink(slot);
                PushFront(slot);
            }

            return true;
        }

        while (_tail >= 0 && UsedBytes + size > Capacity)
        {
            var victim = _tail;
            Unlink(victim);
            _slots.Remove(_keys[victim]);
            UsedBytes -= _sizes[victim];
            _next[victim] = _free;
            _free = victim;
        }

        if (size > Capacity)
        {
            return false;
        }

        slot = Allocate();
        _keys[slot] = key;
        _sizes[slot] = size;
        _slots.Add(key, slot);
        PushFront(slot);
        UsedBytes += size;
        PeakBytes = Math.Max(PeakBytes, UsedBytes);
        return false;
    }

    private int Allocate()
    {
        if (_free >= 0)
        {
            var slot = _free;
            _free = _next[slot];
            return slot;
        }

        if (_count == _keys.Length)
        {
            var size = _keys.Length * 2;
            Array.Resize(ref _keys, size);
            Array.Resize(ref _sizes, size);
            Array.Resize(ref _prev, size);
            Array.Resize(ref _next, size);
        }

        return _count++;
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
