using System.Runtime.InteropServices;

namespace NeuralNetworks.Data;

/// <summary>
/// Refuses, before anything reads it, a data file that is not a regular file: a directory, a device, a FIFO (named pipe)
/// or a socket, also when a symbolic link leads there. Reading /dev/zero never ends, and opening a FIFO waits for a
/// writer that never comes: both once made <c>train</c> hang. The command line refuses such outputs with it too (renaming a
/// file over /dev/null replaces the device).
/// </summary>
/// <remarks>
/// .NET tells a directory from a file (<see cref="Directory.Exists"/>) but not the other kinds: <see cref="FileInfo"/>
/// calls them all files of length 0, a stream on /dev/zero even says it can seek, and opening a FIFO to look at it
/// already waits. So on Linux the kind is asked of the kernel with statx(2), without opening the file: its answer has
/// the same layout on every processor (the type is in the top bits of stx_mode, 16 bits at byte 28). Windows keeps no
/// devices or pipes in folders; on other systems (macOS) only a directory is told apart.
/// </remarks>
public static unsafe partial class DataFile
{
    /// <summary>
    /// <paramref name="path"/> in full with every symbolic link on the way followed (the file's own and its folders'), so
    /// that two names of one file compare equal. Parts that do not exist are kept as written.
    /// </summary>
    public static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? "";
        var current = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            try
            {
                FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
                if (info.LinkTarget is not null) current = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? current;
            }
            catch (IOException)
            {
                // a loop of links, or one that cannot be read: keep the name as it is
            }
        }
        return current;
    }

    /// <summary>Throws when <paramref name="path"/> names something other than a regular file (a missing file passes:
    /// the caller says it is missing).</summary>
    /// <exception cref="InvalidDataException">It is a directory, device, FIFO or socket; the message names it and says which.</exception>
    public static void MustBeAFile(string path)
    {
        if (NotAFile(path) is not { } kind) return;
        string? target = File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName;
        throw new InvalidDataException(
            $"{path}: it is {kind}{(target is null ? "" : $" (a symbolic link to {target})")}, not a file; the data must be in a regular file.");
    }

    /// <summary>What <paramref name="path"/> is, e.g. "a character device", when it is there but not a regular file;
    /// null for a regular file, for nothing, or where this system cannot tell (see the remarks).</summary>
    public static string? NotAFile(string path)
    {
        if (Directory.Exists(path)) return "a directory";
        if (!OperatingSystem.IsLinux()) return null;
        byte* status = stackalloc byte[256];   // struct statx
        try
        {
            // AT_FDCWD (-100) for a path relative to the current folder; flags 0: follow symbolic links.
            if (statx(-100, path, 0, StatxType, status) != 0) return null;   // missing, or unreadable: opening it will say
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;   // a C library without statx (before glibc 2.28)
        }
        int type = *(ushort*)(status + 28) & 0xF000;   // S_IFMT bits of stx_mode
        return type switch
        {
            0x1000 => "a FIFO (a named pipe)",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0xC000 => "a socket",
            _ => null,   // 0x8000, a regular file (0x4000, a directory, was caught above)
        };
    }

    private const uint StatxType = 0x0001;   // STATX_TYPE: only the file's type is needed

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int directory, string path, int flags, uint mask, byte* status);
}
