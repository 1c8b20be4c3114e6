namespace Fluxo.Optimizer.Replay;

/// <summary>
/// Maps 64-bit keys to dense ids 0, 1, 2... in first-seen order. Open addressing with linear probing on
/// the key's low bits: keys are already well-mixed hashes, and a million of them intern several times
/// faster than through a general dictionary.
/// </summary>
internal sealed class KeyInterner
{
    private ulong[] _keys;
    private int[] _ids;
    private int _mask;

    public KeyInterner(int expected)
    {
        var size = 16;
        while (size < expected * 2)
        {
            size <<= 1;
        }

        _keys = LargeArrays.Zeroed<ulong>(size);
        _ids = LargeArrays.Zeroed<int>(size);
        _mask = size - 1;
    }

    public int Count { get; private set; }

    public int Intern(ulong key)
    {
        var i = (int)key & _mask;
        while (true)
        {
            // Id 0 is stored as 1 so that a zero slot means empty.
            var id = _ids[i];
            if (id == 0)
            {
                _keys[i] = key;
                _ids[i] = ++Count;
                // Up to three quarters full: a million keys take 12 MB rather than 24, and a few more probes.
                if (Count * 4L > _keys.Length * 3L)
                {
                    Grow();
                }

                return Count - 1;
            }

            if (_keys[i] == key)
            {
                return id - 1;
            }

            i = (i + 1) & _mask;
        }
    }

    private void Grow()
    {
        var keys = _keys;
        var ids = _ids;
        _keys = LargeArrays.Zeroed<ulong>(keys.Length * 2);
        _ids = LargeArrays.Zeroed<int>(keys.Length * 2);
        _mask = _keys.Length - 1;
        for (var j = 0; j < keys.Length; j++)
        {
            if (ids[j] != 0)
            {
                var i = (int)keys[j] & _mask;
                while (_ids[i] != 0)
                {
                    i = (i + 1) & _mask;
                }

                _keys[i] = keys[j];
                _ids[i] = ids[j];
            }
        }
    }
}
