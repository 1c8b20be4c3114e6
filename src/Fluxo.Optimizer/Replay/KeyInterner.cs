using System.Runtime.InteropServices;

namespace Fluxo.Optimizer.Replay;

/// <summary>
/// Maps 64-bit keys to dense ids 0, 1, 2... in first-seen order. Open addressing with linear probing on
/// the key's low bits: keys are already well-mixed hashes, and a million of them intern several times
/// faster than through a general dictionary.
/// </summary>
internal sealed class KeyInterner
{
    // A slot holds its key and id side by side: a probe of a table far larger than the caches reads one line, not one per array.
    private Slot[] _slots;
    private int _mask;

    public KeyInterner(int expected)
    {
        _slots = LargeArrays.Zeroed<Slot>(SizeFor(expected));
        _mask = _slots.Length - 1;
    }

    public int Count { get; private set; }

    // Up to three quarters full: a million keys take 12 MB rather than 24, and a few more probes.
    private static bool Full(long count, int size) => count * 4L > size * 3L;

    private static int SizeFor(int keys)
    {
        var size = 16;
        while (size < keys * 2)
        {
            size <<= 1;
        }

        return size;
    }

    public int Intern(ulong key)
    {
        var i = (int)key & _mask;
        while (true)
        {
            // Id 0 is stored as 1 so that a zero slot means empty.
            ref var slot = ref _slots[i];
            if (slot.Id == 0)
            {
                slot.Key = key;
                slot.Id = ++Count;
                if (Full(Count, _slots.Length))
                {
                    Rehash(_slots.Length * 2);
                }

                return Count - 1;
            }

            if (slot.Key == key)
            {
                return slot.Id - 1;
            }

            i = (i + 1) & _mask;
        }
    }

    private void Rehash(int size)
    {
        var slots = _slots;
        _slots = LargeArrays.Zeroed<Slot>(size);
        _mask = size - 1;
        foreach (var s in slots)
        {
            if (s.Id != 0)
            {
                var i = (int)s.Key & _mask;
                while (_slots[i].Id != 0)
                {
                    i = (i + 1) & _mask;
                }

                _slots[i] = s;
            }
        }
    }

    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private struct Slot
    {
        public ulong Key;
        public int Id;
    }
}
