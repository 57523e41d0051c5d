using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using NeuralNetworks.Data;

namespace NeuralNetworks.Tests;

/// <summary>
/// The decompressed copies of MNIST's images files that spare later processes the inflating (MnistCache): a copy is
/// used only when its SHA-256 is the original's, and a copy that is damaged, cut short, too long, a folder, a FIFO or in
/// a folder that cannot be written costs the speed, never the data or an error.
/// </summary>
[Trait("Category", Category.Mnist)]
public sealed class MnistCacheTests : IDisposable
{
    private static readonly string DataDirectory = Mnist.FindDataDirectory(AppContext.BaseDirectory);

    private readonly string folder = Directory.CreateTempSubdirectory("nn-mnist-cache-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>
    /// The suite's processes, and the programs it starts, keep their cache beside the test binaries, whatever the user's
    /// own setting (a cache turned off, or one elsewhere): the tests then write nothing in the user's home, and always
    /// have a cache to test.
    /// </summary>
    [ModuleInitializer]
    internal static void CacheBesideTheTests() =>
        Environment.SetEnvironmentVariable(MnistCache.FolderVariable, Path.Combine(AppContext.BaseDirectory, "mnist-cache"));

    /// <summary>The file decompressed by .NET's own GZipStream: another reader than the library's.</summary>
    private static byte[] Inflated(string gzipFile)
    {
        using var gzip = new GZipStream(File.OpenRead(Path.Combine(DataDirectory, gzipFile)), CompressionMode.Decompress);
        using var bytes = new MemoryStream();
        gzip.CopyTo(bytes);
        return bytes.ToArray();
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Theory]
    [InlineData(Mnist.TrainingImagesFile)]
    [InlineData(Mnist.TestImagesFile)]
    public void Each_bundled_images_file_decompressed_has_the_SHA_256_and_count_the_cache_expects(string file)
    {
        var bytes = Inflated(file);

        Assert.Equal(MnistCache.InflatedSha256[file].Sha256, Sha256(bytes));
        Assert.Equal(16 + MnistCache.InflatedSha256[file].Count * 784, bytes.Length);
    }

    [Fact]
    public void A_copy_written_is_the_file_decompressed_and_reads_back_as_the_same_pixels()
    {
        var test = Mnist.LoadTest(DataDirectory);

        MnistCache.TryWrite(folder, Mnist.TestImagesFile, test);

        string copy = MnistCache.PathOf(folder, Mnist.TestImagesFile);
        Assert.Equal(Inflated(Mnist.TestImagesFile), File.ReadAllBytes(copy));
        Assert.Equal(test.AllPixelBytes.ToArray(), MnistCache.TryRead(folder, Mnist.TestImagesFile));
        Assert.Equal([Path.GetFileName(copy)], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName));   // no temporary file left
    }

    public static TheoryData<string> Damages => ["first byte", "a pixel", "last byte", "one byte short", "one byte more", "empty"];

    [Theory]
    [MemberData(nameof(Damages))]
    public void A_damaged_copy_is_not_used_and_the_next_write_repairs_it(string damage)
    {
        var test = Mnist.LoadTest(DataDirectory);
        MnistCache.TryWrite(folder, Mnist.TestImagesFile, test);
        string copy = MnistCache.PathOf(folder, Mnist.TestImagesFile);
        var bytes = File.ReadAllBytes(copy);
        bytes = damage switch
        {
            "first byte" => Flipped(bytes, 0),
            "a pixel" => Flipped(bytes, 16 + 4321 * 784 + 400),
            "last byte" => Flipped(bytes, bytes.Length - 1),
            "one byte short" => bytes[..^1],
            "one byte more" => [.. bytes, 0],
            _ => [],
        };
        File.WriteAllBytes(copy, bytes);

        Assert.Null(MnistCache.TryRead(folder, Mnist.TestImagesFile));

        MnistCache.TryWrite(folder, Mnist.TestImagesFile, test);
        Assert.Equal(test.AllPixelBytes.ToArray(), MnistCache.TryRead(folder, Mnist.TestImagesFile));
    }

    private static byte[] Flipped(byte[] bytes, int at)
    {
        bytes[at] ^= 0x01;
        return bytes;
    }

    [Fact]
    public void Loading_MNIST_writes_the_copies_and_a_damaged_copy_still_loads_the_original_data()
    {
        // A copy of the data folder of its own: data loaded before, from data/mnist, is kept per folder and would be returned.
        string data = Directory.CreateDirectory(Path.Combine(folder, "first", "data", "mnist")).FullName;
        foreach (var file in Mnist.Sha256.Keys) File.Copy(Path.Combine(DataDirectory, file), Path.Combine(data, file));
        string copy = MnistCache.PathOf(MnistCache.Folder!, Mnist.TestImagesFile);
        var inflated = Inflated(Mnist.TestImagesFile);

        var loaded = Mnist.LoadTest(data);

        Assert.Equal(inflated[16..], loaded.AllPixelBytes.ToArray());
        Assert.Equal(MnistCache.InflatedSha256[Mnist.TestImagesFile].Sha256, Sha256(File.ReadAllBytes(copy)));

        // The copy damaged (in place: another test reading it meanwhile finds it damaged and inflates the file instead).
        using (var stream = new FileStream(copy, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            stream.Position = 16 + 784 * 5000 + 300;
            stream.WriteByte(0xEE);
        }
        string again = Path.Combine(folder, "second", "data", "mnist");
        Directory.Move(Path.GetDirectoryName(Path.GetDirectoryName(data))!, Path.GetDirectoryName(Path.GetDirectoryName(again))!);

        var reloaded = Mnist.LoadTest(again);

        Assert.Equal(inflated[16..], reloaded.AllPixelBytes.ToArray());
        Assert.Equal(MnistCache.InflatedSha256[Mnist.TestImagesFile].Sha256, Sha256(File.ReadAllBytes(copy)));   // written again
    }

    [Fact]
    public void A_temporary_file_left_by_an_ended_process_goes_at_the_next_write_and_one_being_written_stays()
    {
        var test = Mnist.LoadTest(DataDirectory);
        string name = Path.GetFileName(MnistCache.PathOf(folder, Mnist.TestImagesFile));
        string left = Path.Combine(folder, $".{name}.123.1.tmp"), writing = Path.Combine(folder, $".{name}.456.1.tmp");
        string otherFile = Path.Combine(folder, ".train-images-idx3-ubyte.123.1.tmp");
        foreach (var file in new[] { left, writing, otherFile }) File.WriteAllBytes(file, new byte[1000]);
        File.SetLastWriteTimeUtc(left, DateTime.UtcNow - MnistCache.StaleAfter - TimeSpan.FromMinutes(1));
        File.SetLastWriteTimeUtc(otherFile, DateTime.UtcNow - MnistCache.StaleAfter - TimeSpan.FromMinutes(1));

        MnistCache.TryWrite(folder, Mnist.TestImagesFile, test);

        Assert.False(File.Exists(left));
        Assert.True(File.Exists(writing));
        Assert.True(File.Exists(otherFile));   // the other images file's: its own next write removes it
        Assert.Equal(test.AllPixelBytes.ToArray(), MnistCache.TryRead(folder, Mnist.TestImagesFile));
    }

    [Fact]
    public void Files_that_are_not_MNIST_images_are_not_kept()
    {
        var test = Mnist.LoadTest(DataDirectory);

        MnistCache.TryWrite(folder, Mnist.TestLabelsFile, test);
        MnistCache.TryWrite(folder, Mnist.TrainingImagesFile, test);   // 10,000 images are not the 60,000 of that file
        MnistCache.TryWrite(null, Mnist.TestImagesFile, test);

        Assert.Empty(Directory.GetFileSystemEntries(folder));
        Assert.Null(MnistCache.TryRead(folder, Mnist.TestLabelsFile));
        Assert.Null(MnistCache.TryRead(null, Mnist.TestImagesFile));
    }

    [Fact]
    public void A_folder_that_cannot_be_written_or_read_costs_nothing_but_the_copy()
    {
        var test = Mnist.LoadTest(DataDirectory);
        string notAFolder = Path.Combine(folder, "file");
        File.WriteAllText(notAFolder, "a file where the cache folder should be");

        MnistCache.TryWrite(notAFolder, Mnist.TestImagesFile, test);
        if (!OperatingSystem.IsWindows()) MnistCache.TryWrite("/dev/null", Mnist.TestImagesFile, test);   // a device: no folder can be made in it

        Assert.Null(MnistCache.TryRead(notAFolder, Mnist.TestImagesFile));
        Assert.Equal([notAFolder], Directory.GetFileSystemEntries(folder));
    }

    [Fact]
    public async Task A_folder_or_a_FIFO_in_place_of_the_copy_is_passed_over_at_once()
    {
        Directory.CreateDirectory(MnistCache.PathOf(folder, Mnist.TestImagesFile));
        Assert.Null(MnistCache.TryRead(folder, Mnist.TestImagesFile));

        Assert.SkipUnless(OperatingSystem.IsLinux(), "a FIFO is told from a file on Linux (statx)");
        string fifo = MnistCache.PathOf(folder, Mnist.TrainingImagesFile);
        NotAFileTests.MakeFifo(fifo);
        var reading = OwnThread.Run(() => MnistCache.TryRead(folder, Mnist.TrainingImagesFile));
        if (await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)) != reading)
        {
            _ = Task.Run(() => { using var writer = File.OpenWrite(fifo); }, CancellationToken.None);   // lets the reader waiting in open(2) go on
            Assert.Fail("reading the cache waits on a FIFO");
        }
        Assert.Null(await reading);
    }
}

/// <summary>Where the MNIST cache is kept (MnistCache.FolderFor), without reading any data.</summary>
public sealed class MnistCacheFolderTests
{
    [Fact]
    public void The_folder_comes_from_the_variable_else_the_platforms_cache_folder()
    {
        Assert.Null(MnistCache.FolderFor("off", "/xdg", null, "/home/u"));
        Assert.Null(MnistCache.FolderFor("OFF", null, null, "/home/u"));
        Assert.Equal(Path.GetFullPath("/somewhere/cache"), MnistCache.FolderFor("/somewhere/cache", "/xdg", null, "/home/u"));
        Assert.Equal(Path.GetFullPath("relative"), MnistCache.FolderFor("relative", null, null, "/home/u"));
        Assert.Equal(Path.Combine("/xdg", "neuralnetworks", "mnist"), MnistCache.FolderFor(null, "/xdg", null, "/home/u"));
        Assert.Equal(Path.Combine("/home/u", ".cache", "neuralnetworks", "mnist"), MnistCache.FolderFor("", "xdg-relative", null, "/home/u"));
        Assert.Equal(Path.Combine(@"C:\Users\u\AppData\Local", "neuralnetworks", "mnist"), MnistCache.FolderFor(null, null, @"C:\Users\u\AppData\Local", "/home/u"));
        Assert.Null(MnistCache.FolderFor(null, null, null, null));
    }
}
