using System.Runtime.InteropServices;

namespace NeuralNetworks.Data;

/// <summary>
/// Arrays for the big files (47 MB of MNIST training pixels), with their memory in 2 MB pages where Linux offers them.
/// </summary>
/// <remarks>
/// The first write to each 4 KB page of a new array costs a page fault. On the build machine, a 2-vCPU virtual machine,
/// one fault took about 13 µs: filling a fresh 47 MB array took 150–180 ms more than filling one already touched, half
/// of the time MNIST took to load (docs/performance.md, "Where the time goes"). Linux's transparent huge pages map 2 MB per fault,
/// for memory that asks for them (<c>madvise(MADV_HUGEPAGE)</c>) when the system's setting is "madvise" (Debian's and
/// Ubuntu's default), or for all memory when it is "always". Elsewhere, or when the call is missing, the array is an
/// ordinary one; its contents never depend on it.
/// </remarks>
internal static partial class LargeArrays
{
    /// <summary>Below this size an array is allocated as usual: it spans too few 2 MB pages to matter.</summary>
    public const int HugePagesFrom = 4 << 20;

    private const int HugePage = 2 << 20;
    private const int MadviseHugePage = 14;   // MADV_HUGEPAGE in Linux's mman.h

    /// <summary>
    /// A new array of <paramref name="length"/> bytes whose contents are not set (the caller fills all of it), pinned in
    /// memory, its whole 2 MB pages advised to be huge before anything touches them.
    /// </summary>
    public static byte[] Uninitialized(int length) => Uninitialized(length, out _);

    /// <summary><see cref="Uninitialized(int)"/>, and whether Linux took the advice (false for a small array, or elsewhere).</summary>
    internal static byte[] Uninitialized(int length, out bool advised)
    {
        advised = false;
        if (length < HugePagesFrom || !OperatingSystem.IsLinux()) return GC.AllocateUninitializedArray<byte>(length);
        var array = GC.AllocateUninitializedArray<byte>(length, pinned: true);   // pinned: its address is the one advised
        advised = AdviseHugePages(array);
        return array;
    }

    private static unsafe bool AdviseHugePages(byte[] array)
    {
        fixed (byte* start = array)
        {
            nuint first = ((nuint)start + HugePage - 1) & ~(nuint)(HugePage - 1), end = ((nuint)start + (nuint)array.Length) & ~(nuint)(HugePage - 1);
            if (end <= first) return false;
            try
            {
                return madvise((void*)first, end - first, MadviseHugePage) == 0;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                return false;   // no C library under that name (not glibc): an ordinary array, filled a little more slowly
            }
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int madvise(void* address, nuint length, int advice);
}
