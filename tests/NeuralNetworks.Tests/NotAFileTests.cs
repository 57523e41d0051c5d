using System.Diagnostics;
using System.IO.Compression;
using NeuralNetworks.Data;

namespace NeuralNetworks.Tests;

/// <summary>
/// A data file that is not a regular file: a symbolic link to /dev/zero (endless zeros) or a FIFO (a named pipe: opening
/// it waits for a writer) once made <c>train</c> spin or wait forever; a directory was called missing. Each is now refused
/// before it is read, in a message that names the file and what it is. Each load runs with a time limit, so that a hang
/// fails the test instead of hanging the run.
/// </summary>
public sealed class NotAFileTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("nn-not-a-file-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>A folder of four small, valid IDX files under the MNIST names (not MNIST: their hashes differ).</summary>
    private string DataFolder()
    {
        string data = Directory.CreateDirectory(Path.Combine(folder, "data")).FullName;
        foreach (var (prefix, count) in new[] { ("train", 30), ("t10k", 10) })
        {
            WriteGzip(Path.Combine(data, $"{prefix}-images-idx3-ubyte.gz"), [0, 0, 8, 3, 0, 0, 0, (byte)count, 0, 0, 0, 2, 0, 0, 0, 2, .. new byte[4 * count]]);
            WriteGzip(Path.Combine(data, $"{prefix}-labels-idx1-ubyte.gz"), [0, 0, 8, 1, 0, 0, 0, (byte)count, .. Enumerable.Range(0, count).Select(i => (byte)(i % 10))]);
        }
        return data;
    }

    private static void WriteGzip(string path, byte[] bytes)
    {
        using var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest);
        gzip.Write(bytes);
    }

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    /// <summary>Makes a FIFO at <paramref name="path"/> with mkfifo(1), or skips the test (saying why) where that cannot be done.</summary>
    internal static void MakeFifo(string path)
    {
        ChildResult made;
        try
        {
            made = ChildProcess.Run(new ProcessStartInfo("mkfifo", [path]), TimeSpan.FromSeconds(30));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Skip("mkfifo is not installed: no FIFO to read");
            return;
        }
        Assert.SkipWhen(made.ExitCode != 0, $"mkfifo could not make a FIFO here: {made.Stderr.Trim()}");
    }

    /// <summary>The InvalidDataException that <paramref name="load"/> throws, which must come within <see cref="Limit"/>.</summary>
    /// <param name="load">Reads the data.</param>
    /// <param name="release">Run when the load is still going at the limit, to let it end (it is left running otherwise).</param>
    private static async Task<InvalidDataException> Refused(Action load, Action? release = null)
    {
        var loading = OwnThread.Run(load);
        if (await Task.WhenAny(loading, Task.Delay(Limit)) != loading)
        {
            release?.Invoke();
            Assert.Fail($"still loading after {Limit.TotalSeconds} s: it hangs instead of refusing the file");
        }
        return await Assert.ThrowsAsync<InvalidDataException>(() => loading);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_symbolic_link_to_dev_zero_in_place_of_a_data_file_is_refused_at_once_as_a_character_device(bool verifyChecksums)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the kind of a file is asked of Linux (statx); Windows has no /dev/zero, and elsewhere only a directory is told from a file");
        string data = DataFolder();
        string images = Path.Combine(data, Mnist.TrainingImagesFile);
        File.Delete(images);
        File.CreateSymbolicLink(images, "/dev/zero");

        foreach (Action load in new Action[] { () => Mnist.Load(data, verifyChecksums), () => Idx.ReadImages(images) })
        {
            var e = await Refused(load);
            Assert.Equal($"{images}: it is a character device (a symbolic link to /dev/zero), not a file; the data must be in a regular file.", e.Message);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_FIFO_in_place_of_a_data_file_is_refused_at_once_without_waiting_for_a_writer(bool verifyChecksums)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the kind of a file is asked of Linux (statx); elsewhere only a directory is told from a file");
        string data = DataFolder();
        string images = Path.Combine(data, Mnist.TrainingImagesFile);
        File.Delete(images);
        MakeFifo(images);
        // A reader still waiting in open(2) at the limit gets a writer, which lets it go on (and fail).
        void Release() => Task.Run(() => { using var writer = File.OpenWrite(images); });

        var e = await Refused(() => Mnist.Load(data, verifyChecksums), Release);
        Assert.Equal($"{images}: it is a FIFO (a named pipe), not a file; the data must be in a regular file.", e.Message);
        Assert.Contains("a FIFO", (await Refused(() => Idx.ReadImages(images), Release)).Message);

        // A damaged test file beside it: its error looks for a changed copy of MNIST among all four files, and must not open the FIFO either.
        File.WriteAllBytes(Path.Combine(data, Mnist.TestImagesFile), [0x1F, 0x8B, 1, 2, 3]);
        Assert.Contains("a FIFO", (await Refused(() => Mnist.Load(data, verifyChecksums), Release)).Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_directory_in_place_of_a_data_file_is_called_a_directory_not_missing(bool verifyChecksums)
    {
        string data = DataFolder();
        string labels = Path.Combine(data, Mnist.TestLabelsFile);
        File.Delete(labels);
        Directory.CreateDirectory(labels);

        var e = await Refused(() => Mnist.Load(data, verifyChecksums));
        Assert.Equal($"{labels}: it is a directory, not a file; the data must be in a regular file.", e.Message);
        Assert.Equal(e.Message, (await Refused(() => Idx.ReadLabels(labels))).Message);
    }
}
