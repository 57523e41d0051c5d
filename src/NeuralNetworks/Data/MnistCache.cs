using System.Buffers.Binary;
using System.Security.Cryptography;

namespace NeuralNetworks.Data;

/// <summary>
/// The two MNIST images files decompressed, kept in a folder of the user's cache, so that the next process reads and
/// hashes 55 MB instead of inflating 11 MB (<c>train</c>: loading MNIST 0.13 → 0.06 s, docs/performance-history.md, "Evening of 2026-12-05", item 2). A copy is
/// used only when its SHA-256 is that of the original file decompressed (<see cref="InflatedSha256"/>); otherwise the
/// .gz is inflated as before, and the copy written again. Nothing but the speed depends on the cache: a folder that
/// cannot be written, a copy damaged, cut short or replaced by something else each cost the inflating, never an error.
/// </summary>
/// <remarks>
/// Where: <c>$NEURALNETWORKS_CACHE</c> when set (<c>off</c> turns the cache off), else <c>$XDG_CACHE_HOME/neuralnetworks/mnist</c>
/// or <c>~/.cache/neuralnetworks/mnist</c> (Windows: <c>%LOCALAPPDATA%\neuralnetworks\mnist</c>). A copy is written to a
/// temporary file of its own and renamed over the old one, so a process never reads half a copy another is writing; and
/// it is read and hashed through one open handle, so what was hashed is what is returned.
/// </remarks>
internal static class MnistCache
{
    /// <summary>The environment variable that names the cache folder, or turns the cache off with <c>off</c>.</summary>
    public const string FolderVariable = "NEURALNETWORKS_CACHE";

    /// <summary>How old a temporary file of a copy must be before a writer takes it for one left by an ended process.</summary>
    internal static readonly TimeSpan StaleAfter = TimeSpan.FromHours(1);

    private const int HeaderLength = 16;   // magic, count, rows, columns: four big-endian int32

    /// <summary>The side of an MNIST image in pixels (28 × 28).</summary>
    public const int Side = 28;

    /// <summary>The SHA-256 of each original MNIST images file once decompressed (its IDX bytes), and its image count.</summary>
    public static IReadOnlyDictionary<string, (string Sha256, int Count)> InflatedSha256 { get; } = new Dictionary<string, (string, int)>
    {
        [Mnist.TrainingImagesFile] = ("ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", 60_000),
        [Mnist.TestImagesFile] = ("0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", 10_000),
    };

    /// <summary>The cache folder (see the remarks); null: no cache. Read from the environment once, when first needed.</summary>
    public static string? Folder { get; } = FolderFor(Environment.GetEnvironmentVariable(FolderVariable), Environment.GetEnvironmentVariable("XDG_CACHE_HOME"),
        OperatingSystem.IsWindows() ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData) : null,
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    /// <summary>Where the decompressed copy of <paramref name="imagesFile"/> (a key of <see cref="InflatedSha256"/>) is kept.</summary>
    internal static string PathOf(string folder, string imagesFile) => Path.Combine(folder, Path.GetFileNameWithoutExtension(imagesFile));

    /// <summary>
    /// The pixels of the original <paramref name="imagesFile"/> (one of MNIST's two images files, by name) from the cache
    /// <paramref name="folder"/>, or null when it holds no copy whose SHA-256 is the original's (or is null).
    /// </summary>
    public static byte[]? TryRead(string? folder, string imagesFile)
    {
        if (folder is null || !InflatedSha256.TryGetValue(imagesFile, out var original)) return null;
        string path = PathOf(folder, imagesFile);
        try
        {
            if (DataFile.NotAFile(path) is not null) return null;   // opening a FIFO would wait for ever (a missing file throws below)
            using var handle = File.OpenHandle(path);
            int pixelCount = original.Count * Side * Side;
            if (RandomAccess.GetLength(handle) != HeaderLength + pixelCount) return null;
            var header = new byte[HeaderLength];
            var pixels = LargeArrays.Uninitialized(pixelCount);
            if (!ReadAll(handle, header, 0) || !ReadAll(handle, pixels, HeaderLength)) return null;
            using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            sha256.AppendData(header);
            sha256.AppendData(pixels);
            return Convert.ToHexStringLower(sha256.GetHashAndReset()) == original.Sha256 ? pixels : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Keeps <paramref name="images"/>, just read from the original <paramref name="imagesFile"/>, in the cache
    /// <paramref name="folder"/> as that file decompressed. Does nothing without a folder, for another file, or when the
    /// folder cannot be written.
    /// </summary>
    public static void TryWrite(string? folder, string imagesFile, DataSet images)
    {
        if (folder is null || !InflatedSha256.TryGetValue(imagesFile, out var original) || images.Count != original.Count) return;
        string path = PathOf(folder, imagesFile);
        string temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.tmp");
        try
        {
            Directory.CreateDirectory(folder);
            // Temporary files of processes that ended while writing (Ctrl+C during a first load) go after an hour.
            foreach (var stale in Directory.EnumerateFiles(folder, $".{Path.GetFileName(path)}.*.tmp"))
                if (File.GetLastWriteTimeUtc(stale) < DateTime.UtcNow - StaleAfter) File.Delete(stale);
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                Span<byte> header = stackalloc byte[HeaderLength];
                BinaryPrimitives.WriteInt32BigEndian(header, Idx.ImagesMagic);
                BinaryPrimitives.WriteInt32BigEndian(header[4..], images.Count);
                BinaryPrimitives.WriteInt32BigEndian(header[8..], Side);
                BinaryPrimitives.WriteInt32BigEndian(header[12..], Side);
                stream.Write(header);
                stream.Write(images.AllPixelBytes);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temporary); }
            catch (Exception) { }   // the folder cannot be written at all: there is nothing to delete
        }
    }

    private static bool ReadAll(Microsoft.Win32.SafeHandles.SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        while (!buffer.IsEmpty)
        {
            int got = RandomAccess.Read(handle, buffer, offset);
            if (got == 0) return false;   // it became shorter
            buffer = buffer[got..];
            offset += got;
        }
        return true;
    }

    /// <summary>
    /// The cache folder for these settings: <paramref name="setting"/> (<see cref="FolderVariable"/>'s value) when set,
    /// none for <c>off</c>; else <c>neuralnetworks/mnist</c> in <paramref name="localAppData"/> (Windows), in an absolute
    /// <paramref name="xdgCacheHome"/>, or in <paramref name="home"/>'s <c>.cache</c>; none without any of them.
    /// </summary>
    internal static string? FolderFor(string? setting, string? xdgCacheHome, string? localAppData, string? home)
    {
        if (string.Equals(setting, "off", StringComparison.OrdinalIgnoreCase)) return null;
        if (!string.IsNullOrEmpty(setting)) return Path.GetFullPath(setting);
        string? root = !string.IsNullOrEmpty(localAppData) ? localAppData
            : !string.IsNullOrEmpty(xdgCacheHome) && Path.IsPathRooted(xdgCacheHome) ? xdgCacheHome   // the XDG rule: a relative one is ignored
            : !string.IsNullOrEmpty(home) ? Path.Combine(home, ".cache")
            : null;
        return root is null ? null : Path.Combine(root, "neuralnetworks", "mnist");
    }
}
