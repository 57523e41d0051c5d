using System.Globalization;
using System.Runtime.InteropServices;
using NeuralNetworks.Data;

namespace NeuralNetworks.Tests;

/// <summary><see cref="LargeArrays"/>: the big arrays MNIST loads into, in 2 MB pages where Linux offers them.</summary>
public class LargeArraysTests
{
    [Fact]
    public void A_small_array_is_an_ordinary_one_of_its_length()
    {
        var array = LargeArrays.Uninitialized(1000, out bool advised);
        Assert.Equal((1000, false), (array.Length, advised));
    }

    [Fact]
    public void A_large_array_on_Linux_is_mapped_in_2_MB_pages_once_written()
    {
        if (!OperatingSystem.IsLinux()) Requires.Missing("huge pages are Linux's (transparent huge pages)");
        const string setting = "/sys/kernel/mm/transparent_hugepage/enabled";
        if (!File.Exists(setting) || File.ReadAllText(setting).Contains("[never]", StringComparison.Ordinal))
            Requires.Missing($"this kernel's transparent huge pages are off ({setting})");

        // Mid-suite, the runtime may place the array in memory this process wrote before (an earlier test's array, freed):
        // its 4 KB pages are still mapped, no fault happens, and no huge page is made. So hold each array whose memory is
        // already there and take another, until one lies in memory never touched: the case LargeArrays is for.
        var held = new List<byte[]>();
        byte[] array;
        bool advised;
        ulong start;
        int resident;
        do
        {
            array = LargeArrays.Uninitialized(16 << 20, out advised);
            start = (ulong)Marshal.UnsafeAddrOfPinnedArrayElement(array, 0);   // pinned: it stays there
            held.Add(array);
            resident = ResidentPages(start, array.Length);
        }
        while (resident > 0 && held.Count < 8);
        Assert.True(resident == 0, $"8 arrays of 16 MB in a row lay in memory already written ({resident} pages of the last)");
        Assert.True(advised, "madvise(MADV_HUGEPAGE) was refused or not found");
        long fallbacksBefore = ThpFaultFallbacks();
        Array.Fill(array, (byte)1);   // the first writes: the page faults that get the huge pages
        long kilobytes = AnonHugePagesKilobytes(start, start + (ulong)array.Length);
        Assert.True(kilobytes >= 2048, $"/proc/self/smaps shows {kilobytes} kB of huge pages in the array's 16 MB; "
            + $"the kernel found no free 2 MB page {ThpFaultFallbacks() - fallbacksBefore} times meanwhile (thp_fault_fallback in /proc/vmstat)");
        Assert.Equal(16 << 20, array.Count(b => b == 1));
    }

    /// <summary>
    /// How many 4 KB pages of the whole 2 MB pages inside [<paramref name="from"/>, +<paramref name="length"/>) are in
    /// memory (mincore(2)): the part LargeArrays advises; the runtime writes the array's header just before it.
    /// </summary>
    private static int ResidentPages(ulong from, int length)
    {
        const ulong page = 4096, hugePage = 2 << 20;
        ulong first = (from + hugePage - 1) & ~(hugePage - 1), end = (from + (ulong)length) & ~(hugePage - 1);
        var resident = new byte[(end - first) / page];
        if (mincore((nint)first, (nuint)(end - first), resident) != 0)
            throw new InvalidOperationException($"mincore failed with errno {Marshal.GetLastPInvokeError()}");
        return resident.Count(r => (r & 1) != 0);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int mincore(nint address, nuint length, byte[] resident);

    /// <summary>How many times this system's kernel wanted a 2 MB page for a fault and found none.</summary>
    private static long ThpFaultFallbacks() =>
        File.ReadLines("/proc/vmstat").Where(l => l.StartsWith("thp_fault_fallback ", StringComparison.Ordinal))
            .Select(l => long.Parse(l["thp_fault_fallback ".Length..], CultureInfo.InvariantCulture)).FirstOrDefault(-1);

    /// <summary>The AnonHugePages of every mapping of this process that overlaps [<paramref name="from"/>, <paramref name="to"/>).</summary>
    private static long AnonHugePagesKilobytes(ulong from, ulong to)
    {
        long total = 0;
        bool inside = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            int dash = line.IndexOf('-'), space = line.IndexOf(' ');
            if (dash > 0 && space > dash && ulong.TryParse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var start)
                && ulong.TryParse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var end))
                inside = start < to && end > from;
            else if (inside && line.StartsWith("AnonHugePages:", StringComparison.Ordinal))
                total += long.Parse(line["AnonHugePages:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
        }
        return total;
    }
}
