using System.Runtime.InteropServices;
using Fluxo.Memory;

namespace Fluxo.Optimizer.Replay;

/// <summary>
/// Zeroed arrays as long as the trace (its flat columns, the candidates' keys), backed by transparent huge pages where
/// Linux offers them on request (<c>transparent_hugepage/enabled</c> = madvise, the common default). Such an array is
/// written once, page after page, soon after it is made: with 4 KB pages that is a fault per page (on a virtual machine
/// several microseconds each, most of reading a trace), with 2 MB pages one per 512 of them, and fewer TLB misses in
/// the replays that read the columns afterwards.
/// </summary>
internal static class LargeArrays
{
    private const long HugePage = 2 << 20;

    // Below a few huge pages the advice saves little and would split the heap's mapping for nothing.
    private const long Threshold = 2 * HugePage;

    /// <summary>A zeroed array of <paramref name="length"/> elements.</summary>
    public static T[] Zeroed<T>(int length)
        where T : unmanaged
    {
        if (!Advised<T>(length))
        {
            return new T[length];
        }

        var array = Uninitialized<T>(length);
        // The memory may have been used before; cleared after the advice, so that clearing is what faults the pages in.
        array.AsSpan().Clear();
        return array;
    }

    /// <summary>
    /// An array of <paramref name="length"/> elements holding whatever the memory held: for a caller that writes every
    /// element before it reads it, so the pages are first touched by the writes that fill them (while the kernel's
    /// clearing of each is still in the cache) rather than by a clearing pass over the whole array first.
    /// </summary>
    public static T[] Uninitialized<T>(int length)
        where T : unmanaged
    {
        if (!Advised<T>(length))
        {
            return GC.AllocateUninitializedArray<T>(length);
        }

        // Uninitialized so that no page is touched before the advice. A large array is not moved by the collector (the
        // large object heap is not compacted unless asked), so its address holds.
        var array = GC.AllocateUninitializedArray<T>(length);
        HugePages.Advise(Marshal.UnsafeAddrOfPinnedArrayElement(array, 0), (long)length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        return array;
    }

    private static bool Advised<T>(int length)
        where T : unmanaged => HugePages.Enabled && (long)length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>() >= Threshold;

    /// <summary><see cref="Array.Resize{T}(ref T[], int)"/> into a <see cref="Zeroed{T}(int)"/> array.</summary>
    public static void Resize<T>(ref T[] array, int length)
        where T : unmanaged => Move(ref array, length, zeroed: true);

    /// <summary>
    /// <see cref="Resize{T}(ref T[], int)"/> into an <see cref="Uninitialized{T}(int)"/> array: the elements past the old
    /// length hold anything until the caller writes them.
    /// </summary>
    public static void Grow<T>(ref T[] array, int length)
        where T : unmanaged => Move(ref array, length, zeroed: false);

    private static void Move<T>(ref T[] array, int length, bool zeroed)
        where T : unmanaged
    {
        if (array.Length == length)
        {
            return;
        }

        var moved = zeroed ? Zeroed<T>(length) : Uninitialized<T>(length);
        array.AsSpan(0, Math.Min(array.Length, length)).CopyTo(moved);
        array = moved;
    }
}
