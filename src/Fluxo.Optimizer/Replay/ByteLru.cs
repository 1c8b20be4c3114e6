using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Fluxo.Optimizer.Replay;

/// <summary>
/// An LRU cache with a byte budget over dense key ids (0..keyCount-1, interned once per candidate, so
/// a replay never hashes strings). A miss inserts the entry after evicting least recently used entries until
/// it fits; an entry larger than the whole budget is not stored and evicts nothing (as the runtime's
/// caches do). While every entry fits the budget, the cache holds the longest prefix of the recency
/// stack that fits, which is what makes byte-weighted stack distances exact.
/// </summary>
/// <remarks>
/// Its slots are sized by what the budget can hold (budget / smallest entry), not by the number of keys. A slot is
/// found from a key id by a table: an open-addressing one twice the slots (a small cache over a million keys costs a
/// few hundred slots), or, when the budget could hold nearly every key or the caller lends one (<see cref="Pooled"/>),
/// an array by key id, which a lookup reads once instead of probing.
/// </remarks>
public sealed class ByteLru
{
    private const int Empty = -1;

    // Arrays by key id lent to pooled caches; each is all zero while in the pool.
    private static readonly ConcurrentBag<int[]> Maps = [];

    private readonly int[] _size;
    private readonly int[] _prev;
    private readonly int[] _next;

    // The key in each slot.
    private readonly int[] _keyOf;

    // Either 1 + the slot of each key id (0: not cached), or an open-addressing table from key to slot.
    private readonly int[]? _map;
    private readonly bool _lent;
    private readonly int[]? _table;
    private readonly int _mask;
    private int _free = Empty;
    private int _fresh;
    private int _head = Empty;
    private int _tail = Empty;

    // Only for an expiring cache: the arrival time of the request that stored each slot's entry.
    private double[]? _stamps;

    /// <param name="minEntryBytes">The smallest entry ever stored; bounds how many entries the budget holds at once.</param>
    public ByteLru(long capacity, int keyCount, int minEntryBytes = 1)
        : this(capacity, keyCount, minEntryBytes, null)
    {
    }

    private ByteLru(long capacity, int keyCount, int minEntryBytes, int[]? lent)
    {
        Capacity = capacity;
        var most = Math.Min(keyCount, capacity / Math.Max(1, minEntryBytes));
        var slots = (int)Math.Max(1, most);
        if (lent is not null)
        {
            _map = lent;
            _lent = true;
        }
        else if ((long)slots * 4 >= keyCount)
        {
            _map = new int[keyCount];
        }
        else
        {
            var size = 16;
            while (size < slots * 2)
            {
                size <<= 1;
            }

            _table = new int[size];
            Array.Fill(_table, Empty);
            _mask = size - 1;
        }

        _keyOf = new int[slots];
        _size = new int[slots];
        _prev = new int[slots];
        _next = new int[slots];
    }

    /// <summary>
    /// A cache that borrows its array by key id from a pool shared by all threads instead of allocating a table: for
    /// replays run one after another, each with a new cache; <see cref="Release"/> gives the array back.
    /// </summary>
    public static ByteLru Pooled(long capacity, int keyCount, int minEntryBytes = 1)
    {
        var map = Maps.TryTake(out var free) && free.Length >= keyCount ? free : new int[keyCount];
        return new ByteLru(capacity, keyCount, minEntryBytes, map);
    }

    /// <summary>Gives a <see cref="Pooled"/> cache's array back, zeroed again by clearing only the keys it holds; the cache is not to be used after.</summary>
    public void Release()
    {
        if (!_lent)
        {
            return;
        }

        for (var slot = _head; slot != Empty; slot = _next[slot])
        {
            _map![_keyOf[slot]] = 0;
        }

        Maps.Add(_map!);
    }

    public long Capacity { get; }

    public long UsedBytes { get; private set; }

    public long PeakBytes { get; private set; }

    public int Count { get; private set; }

    /// <summary>Looks key id <paramref name="key"/> up; on a miss stores it. True on a hit. Sizes must be positive and at least the smallest entry given.</summary>
    public bool Access(int key, int size) => AccessCore(key, size);

    /// <summary>
    /// <see cref="Access(int, int)"/> for each of a run of requests in order, skipping those whose size is negative (they do
    /// not demand the cache): sets bit i of <paramref name="hits"/> (bit i % 64 of word i / 64) at each hit; returns the lookups and hits.
    /// </summary>
    public (long Lookups, long Hits) Access(ReadOnlySpan<int> keys, ReadOnlySpan<int> sizes, Span<ulong> hits)
    {
        long lookups = 0, hitCount = 0;
        for (var i = 0; i < sizes.Length; i++)
        {
            var size = sizes[i];
            if (size < 0)
            {
                continue;
            }

            lookups++;
            if (AccessCore(keys[i], size))
            {
                hits[i >> 6] |= 1UL << i;
                hitCount++;
            }
        }

        return (lookups, hitCount);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool AccessCore(int key, int size)
    {
        var slot = _map is not null ? _map[key] - 1 : Find(key);
        if (slot != Empty)
        {
            if (slot != _head)
            {
                Unlink(slot);
                PushFront(slot);
            }

            return true;
        }

        if (size > Capacity)
        {
            return false;
        }

        while (_tail != Empty && UsedBytes + size > Capacity)
        {
            Drop(_tail);
        }

        slot = Insert(key);
        _size[slot] = size;
        PushFront(slot);
        UsedBytes += size;
        Count++;
        PeakBytes = Math.Max(PeakBytes, UsedBytes);
        return false;
    }

    /// <summary>
    /// <see cref="Access(int, int)"/> for a cache whose entries expire <paramref name="ttlMs"/> after the arrival of the request
    /// that stored them (0: never): an expired entry is dropped first and the lookup misses (<see cref="Policy.CacheKey.Expired"/>).
    /// </summary>
    public bool Access(int key, int size, double nowMs, double ttlMs)
    {
        if (ttlMs <= 0)
        {
            return Access(key, size);
        }

        _stamps ??= new double[_size.Length];
        var slot = Slot(key);
        if (slot != Empty && Policy.CacheKey.Expired(_stamps[slot], nowMs, ttlMs))
        {
            Drop(slot);
        }

        if (Access(key, size))
        {
            return true;
        }

        slot = Slot(key);
        if (slot != Empty)
        {
            _stamps[slot] = nowMs;
        }

        return false;
    }

    private int Slot(int key) => _map is not null ? _map[key] - 1 : Find(key);

    private void Drop(int slot)
    {
        Unlink(slot);
        UsedBytes -= _size[slot];
        _size[slot] = 0;
        Count--;
        if (_map is not null)
        {
            _map[_keyOf[slot]] = 0;
        }
        else
        {
            Remove(_keyOf[slot]);
        }

        _next[slot] = _free;
        _free = slot;
    }

    private int Home(int key) => (int)(((uint)key * 0x9E3779B9u) >> 8) & _mask;

    private int Find(int key)
    {
        for (var i = Home(key); ; i = (i + 1) & _mask)
        {
            var slot = _table![i];
            if (slot == Empty || _keyOf[slot] == key)
            {
                return slot;
            }
        }
    }

    private int Insert(int key)
    {
        int slot;
        if (_free != Empty)
        {
            slot = _free;
            _free = _next[slot];
        }
        else
        {
            slot = _fresh++;
        }

        _keyOf[slot] = key;
        if (_map is not null)
        {
            _map[key] = slot + 1;
            return slot;
        }

        var i = Home(key);
        while (_table![i] != Empty)
        {
            i = (i + 1) & _mask;
        }

        _table[i] = slot;
        return slot;
    }

    // Backward-shift deletion keeps every probe chain unbroken without tombstones.
    private void Remove(int key)
    {
        var table = _table!;
        var i = Home(key);
        while (_keyOf[table[i]] != key)
        {
            i = (i + 1) & _mask;
        }

        var j = i;
        while (true)
        {
            j = (j + 1) & _mask;
            if (table[j] == Empty)
            {
                break;
            }

            var k = Home(_keyOf[table[j]]);
            var between = i <= j ? i < k && k <= j : i < k || k <= j;
            if (!between)
            {
                table[i] = table[j];
                i = j;
            }
        }

        table[i] = Empty;
    }

    private void Unlink(int slot)
    {
        var p = _prev[slot];
        var n = _next[slot];
        if (p != Empty)
        {
            _next[p] = n;
        }
        else
        {
            _head = n;
        }

        if (n != Empty)
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
        _prev[slot] = Empty;
        _next[slot] = _head;
        if (_head != Empty)
        {
            _prev[_head] = slot;
        }

        _head = slot;
        if (_tail == Empty)
        {
            _tail = slot;
        }
    }
}
