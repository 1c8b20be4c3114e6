using System.Globalization;
using System.Runtime.InteropServices;

namespace Fluxo.Memory;

/// <summary>
/// Asks Linux for transparent huge pages (2 MB) where <c>transparent_hugepage/enabled</c> is <c>madvise</c>, the common
/// default, under which memory gets them only on request. A 4 KB page is faulted in on its first touch: on the virtual
/// machines measured here that costs 2.5 ms per MB (most of reading a large trace), a huge page 0.06-1.4 ms per MB.
/// <c>FLUXO_HUGE_PAGES=0</c> turns the advice off.
/// </summary>
public static class HugePages
{
    private const int MadviseHugePage = 14;
    private const long HugePage = 2 << 20;

    private static bool Allowed = OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("FLUXO_HUGE_PAGES") != "0";

    /// <summary>Whether advice is given at all (Linux, not turned off, the C library bound).</summary>
    public static bool Enabled => Allowed;

    /// <summary>
    /// Advises the whole huge pages of [<paramref name="start"/>, <paramref name="start"/> + <paramref name="bytes"/>)
    /// before they are touched; the ragged ends keep small pages.
    /// </summary>
    public static void Advise(nint start, long bytes)
    {
        if (!Allowed)
        {
            return;
        }

        var from = ((long)start + HugePage - 1) & ~(HugePage - 1);
        var to = ((long)start + bytes) & ~(HugePage - 1);
        if (to <= from)
        {
            return;
        }

        // Advice only: where the kernel refuses it (THP off, an old kernel) the pages are simply small, and where the C
        // library cannot be bound (an unusual libc name) no one asks again.
        try
        {
            _ = Madvise((nint)from, (nuint)(to - from), MadviseHugePage);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            Allowed = false;
        }
    }

    /// <summary>
    /// Advises the garbage collector's whole reserved range, once at start-up, so that every large array and young
    /// generation it commits later is backed by huge pages: the collector reserves its range once and commits inside it,
    /// and the advice is a property of the range that its later commits keep. Memory it gives back and takes again is a
    /// new mapping without the advice, which is why <c>LargeArrays</c> also advises each large array it makes.
    /// </summary>
    public static void AdviseCollectorHeap()
    {
        if (!Allowed)
        {
            return;
        }

        // A large object lies inside the collector's reservation; the reservation is the run of adjacent anonymous
        // mappings around it (split by what is committed and what is not).
        var probe = GC.AllocateUninitializedArray<byte>(128 << 10);
        var address = (ulong)Marshal.UnsafeAddrOfPinnedArrayElement(probe, 0);
        GC.KeepAlive(probe);
        List<(ulong Low, ulong High, bool Anonymous)> maps;
        try
        {
            maps = [.. File.ReadLines("/proc/self/maps").Select(Parse)];
        }
        catch (IOException)
        {
            return;
        }
        catch (UnauthorizedAccessException)
        {
            return;
        }

        var at = maps.FindIndex(m => m.Low <= address && address < m.High);
        if (at < 0 || !maps[at].Anonymous)
        {
            return;
        }

        var first = at;
        while (first > 0 && maps[first - 1].Anonymous && maps[first - 1].High == maps[first].Low)
        {
            first--;
        }

        var last = at;
        while (last + 1 < maps.Count && maps[last + 1].Anonymous && maps[last + 1].Low == maps[last].High)
        {
            last++;
        }

        Advise((nint)maps[first].Low, (long)(maps[last].High - maps[first].Low));
    }

    // "lo-hi perms offset dev inode [path]": anonymous when there is no path.
    private static (ulong Low, ulong High, bool Anonymous) Parse(string line)
    {
        var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        var range = fields[0].Split('-');
        return (ulong.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture), ulong.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture), fields.Length < 6);
    }

    [DllImport("libc", EntryPoint = "madvise")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Madvise(nint address, nuint length, int advice);
}
