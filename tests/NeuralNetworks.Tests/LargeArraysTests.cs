using System.Globalization;
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

        var array = LargeArrays.Uninitialized(16 << 20, out bool advised);
        Assert.True(advised, "madvise(MADV_HUGEPAGE) was refused or not found");
        Array.Fill(array, (byte)1);   // the first writes: the page faults that get the huge pages
        ulong start = (ulong)System.Runtime.InteropServices.Marshal.UnsafeAddrOfPinnedArrayElement(array, 0);   // pinned: it stays there
        long kilobytes = AnonHugePagesKilobytes(start, start + (ulong)array.Length);
        Assert.True(kilobytes >= 2048, $"/proc/self/smaps shows {kilobytes} kB of huge pages in the array's 16 MB");
        Assert.Equal(16 << 20, array.Count(b => b == 1));
    }

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
