using System.Globalization;
using System.Runtime.InteropServices;
using Fluxo.Memory;

namespace Fluxo.Core.Tests;

public class HugePagesTests
{
    [Fact]
    public void TheCollectorsReservationIsAdvisedForHugePagesWhereTheKernelHasThem()
    {
        var array = GC.AllocateUninitializedArray<byte>(8 << 20);
        HugePages.AdviseCollectorHeap();
        if (!OperatingSystem.IsLinux())
        {
            Assert.False(HugePages.Enabled);
            return;
        }

        // The kernel sets the flag whenever it was built with transparent huge pages, whatever their system-wide mode
        // (FLUXO_HUGE_PAGES=0 turns the advice off).
        var kernelHasThem = Directory.Exists("/sys/kernel/mm/transparent_hugepage") && Environment.GetEnvironmentVariable("FLUXO_HUGE_PAGES") != "0";
        var flags = VmFlags((ulong)Marshal.UnsafeAddrOfPinnedArrayElement(array, 4 << 20));
        GC.KeepAlive(array);
        Assert.Equal(kernelHasThem, flags.Contains("hg"));
    }

    [Fact]
    public void AdvisingARangeSmallerThanAHugePageOrUnalignedDoesNothingAndDoesNotThrow()
    {
        var array = GC.AllocateUninitializedArray<byte>(1 << 20);
        HugePages.Advise(Marshal.UnsafeAddrOfPinnedArrayElement(array, 1), array.Length - 1);
        HugePages.Advise(0, 0);
        GC.KeepAlive(array);
    }

    // The flags of the mapping holding the address, from /proc/self/smaps ("VmFlags: rd wr mr mw me ac hg").
    private static string[] VmFlags(ulong address)
    {
        var inside = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            var dash = line.IndexOf('-', StringComparison.Ordinal);
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (dash > 0 && space > dash && ulong.TryParse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var low)
                && ulong.TryParse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var high))
            {
                inside = low <= address && address < high;
            }
            else if (inside && line.StartsWith("VmFlags:", StringComparison.Ordinal))
            {
                return line["VmFlags:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            }
        }

        throw new InvalidOperationException($"no mapping in /proc/self/smaps holds 0x{address:x}");
    }
}
