using System.Buffers.Binary;
using System.IO.Compression;
using NeuralNetworks.Data;

namespace NeuralNetworks.Tests;

/// <summary>
/// Attacks the loader with the real MNIST test files, damaged in every way the wild damages files: truncation
/// at many points, bit flips in the gzip header, the compressed data and the trailer, IDX dimensions of 0, −1 and
/// 2³¹−1, counts that disagree, labels above 9, trailing junk, other content under a .gz name, empty files.
/// Every variant must end in an <see cref="InvalidDataException"/> that names the damaged file, or load exactly
/// the original data, and stay under a memory cap. Seeded: the same variants every run.
/// </summary>
[Trait("Category", Category.Mnist)]
public sealed class IdxFuzzTests : IDisposable
{
    private const int Seed = 20261129;   // any fixed number; written down so a failure can be replayed
    private readonly string folder = Directory.CreateTempSubdirectory("nn-idx-fuzz-").FullName;
    private static readonly string MnistFolder = Mnist.FindDataDirectory(AppContext.BaseDirectory);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>One damaged file: which of the pair it replaces, what was done, and its bytes.</summary>
    private sealed record Variant(bool Images, string What, byte[] Bytes);

    [Fact]
    public void Every_damaged_variant_of_the_MNIST_test_files_ends_in_a_named_error_or_the_original_data()
    {
        byte[] imagesGz = File.ReadAllBytes(Path.Combine(MnistFolder, Mnist.TestImagesFile));
        byte[] labelsGz = File.ReadAllBytes(Path.Combine(MnistFolder, Mnist.TestLabelsFile));
        byte[] trainingLabelsGz = File.ReadAllBytes(Path.Combine(MnistFolder, Mnist.TrainingLabelsFile));
        byte[] imagesRaw = Gunzip(imagesGz), labelsRaw = Gunzip(labelsGz);
        var original = Idx.LoadDataSet(Path.Combine(MnistFolder, Mnist.TestImagesFile), Path.Combine(MnistFolder, Mnist.TestLabelsFile), "original", 10);

        var variants = Variants(new Random(Seed), imagesGz, labelsGz, imagesRaw, labelsRaw, trainingLabelsGz).ToList();
        Assert.True(variants.Count >= 200, $"only {variants.Count} variants");

        // Memory cap per load: twice the real data, plus the compressed files, plus 1 MB.
        long cap = 2L * (imagesRaw.Length + labelsRaw.Length) + imagesGz.Length + trainingLabelsGz.Length + 1_000_000;
        string goodImages = Write("good-images.gz", imagesGz), goodLabels = Write("good-labels.gz", labelsGz);
        int loaded = 0, refused = 0;
        for (int v = 0; v < variants.Count; v++)
        {
            var variant = variants[v];
            string damaged = Write($"{v:000}-{(variant.Images ? "images" : "labels")}.gz", variant.Bytes);
            string images = variant.Images ? damaged : goodImages, labels = variant.Images ? goodLabels : damaged;
            string context = $"variant {v} ({(variant.Images ? "images" : "labels")}: {variant.What})";

            long before = GC.GetAllocatedBytesForCurrentThread();
            DataSet? data = null;
            Exception? error = null;
            try
            {
                data = Idx.LoadDataSet(images, labels, "fuzz", classCount: 10);
            }
            catch (Exception e)
            {
                error = e;
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            Assert.True(allocated < cap, $"{context}: allocated {allocated:N0} bytes, cap {cap:N0}");
            if (error is not null)
            {
                Assert.True(error is InvalidDataException, $"{context}: {error.GetType().Name}: {error.Message}");
                Assert.True(error.Message.Contains(damaged, StringComparison.Ordinal), $"{context}: the message does not name the file: {error.Message}");
                Assert.DoesNotContain('\n', error.Message);
                refused++;
            }
            else
            {
                Assert.True(original.AllPixelBytes.SequenceEqual(data!.AllPixelBytes), $"{context}: loaded, but other pixels than the original");
                Assert.Equal(original.Labels, data.Labels);
                loaded++;
            }
            File.Delete(damaged);
        }
        Assert.True(refused > 150, $"only {refused} of {variants.Count} variants were refused");
        Assert.True(loaded > 0, "no variant loaded: the harmless ones (gzip header time, raw IDX under .gz) should");
    }

    private static IEnumerable<Variant> Variants(Random random, byte[] imagesGz, byte[] labelsGz, byte[] imagesRaw, byte[] labelsRaw, byte[] trainingLabelsGz)
    {
        // Truncation at many points: inside the gzip header, the deflate data and the 8-byte trailer.
        foreach (int cut in new[] { 0, 1, 2, 3, 9, 10, 11, 20, 50 }.Concat(Enumerable.Range(1, 9).Select(k => labelsGz.Length - k))
                     .Concat(Enumerable.Range(0, 25).Select(_ => random.Next(12, labelsGz.Length - 9))))
            yield return new(false, $"cut to {cut} bytes", labelsGz[..cut]);
        foreach (int cut in new[] { 5, 15, 1000 }.Concat(Enumerable.Range(1, 8).Select(k => imagesGz.Length - k))
                     .Concat(Enumerable.Range(0, 8).Select(_ => random.Next(12, imagesGz.Length - 9))))
            yield return new(true, $"cut to {cut} bytes", imagesGz[..cut]);

        // Bit flips in the gzip header (10 bytes), the compressed data and the trailer.
        for (int i = 0; i < 10; i++)
        {
            foreach (int bit in new[] { 0, random.Next(1, 8) })
                yield return new(false, $"header byte {i} bit {bit} flipped", Flip(labelsGz, i, bit));
        }
        foreach (int i in new[] { 0, 1, 2, 3, 4, 9 })
            yield return new(true, $"header byte {i} bit 1 flipped", Flip(imagesGz, i, 1));
        for (int k = 0; k < 40; k++)
        {
            int i = random.Next(10, labelsGz.Length - 8), bit = random.Next(8);
            yield return new(false, $"data byte {i} bit {bit} flipped", Flip(labelsGz, i, bit));
        }
        for (int k = 0; k < 10; k++)
        {
            int i = random.Next(10, imagesGz.Length - 8), bit = random.Next(8);
            yield return new(true, $"data byte {i} bit {bit} flipped", Flip(imagesGz, i, bit));
        }
        for (int i = 1; i <= 8; i++)
            yield return new(false, $"trailer byte {8 - i} bit {i % 8} flipped", Flip(labelsGz, labelsGz.Length - i, i % 8));
        foreach (int i in new[] { 1, 4, 5, 8 })
            yield return new(true, $"trailer byte {8 - i} flipped", Flip(imagesGz, imagesGz.Length - i, 3));

        // IDX header fields of the decompressed data: magic, counts and dimensions at 0, −1, 2³¹−1 and off by one.
        foreach (int value in new[] { 0, -1, int.MaxValue, 9_999, 10_001, 1_000_000 })
            yield return new(false, $"label count {value}", Gzip(SetInt(labelsRaw, 4, value)));
        foreach (int magic in new[] { 0x00000803, 0x00000D01, 0x08010000, 0x00000800 })
            yield return new(false, $"magic 0x{magic:X8}", Gzip(SetInt(labelsRaw, 0, magic)));
        foreach (var (offset, field) in new[] { (4, "image count"), (8, "rows"), (12, "columns") })
        {
            foreach (int value in new[] { 0, int.MaxValue })
                yield return new(true, $"{field} {value}", Gzip(SetInt(imagesRaw, offset, value)));
        }
        yield return new(true, "image count 1,000,000", Gzip(SetInt(imagesRaw, 4, 1_000_000)));
        yield return new(true, "rows 27", Gzip(SetInt(imagesRaw, 8, 27)));

        // Labels above 9.
        foreach (byte label in new byte[] { 10, 11, 127, 255 })
        {
            var raw = labelsRaw.ToArray();
            raw[8 + random.Next(labelsRaw.Length - 8)] = label;
            yield return new(false, $"a label {label}", Gzip(raw));
        }

        // Counts that disagree: the 60,000 training labels beside the 10,000 test images; a labels file one short.
        yield return new(false, "the training labels (60,000)", trainingLabelsGz);
        yield return new(false, "one label short", Gzip(SetInt(labelsRaw[..^1], 4, 9_999)));

        // Trailing junk after the gzip member, and extra bytes inside it after the data.
        foreach (int n in new[] { 1, 2, 7, 8, 9, 100, 4096 })
        {
            var junk = new byte[n];
            random.NextBytes(junk);
            yield return new(false, $"{n} junk bytes after the member", [.. labelsGz, .. junk]);
        }
        yield return new(false, "8 zero bytes after the member", [.. labelsGz, .. new byte[8]]);
        yield return new(true, "3 junk bytes after the member", [.. imagesGz, 1, 2, 3]);
        yield return new(false, "a second member of junk", [.. labelsGz, .. Gzip([1, 2, 3])]);
        yield return new(false, "one extra byte inside the data", Gzip([.. labelsRaw, 0]));

        // Not gzip under a .gz name: raw IDX (a correct load), random bytes, other formats, empty and tiny files.
        yield return new(false, "raw IDX named .gz", labelsRaw);
        yield return new(true, "raw IDX named .gz", imagesRaw);
        yield return new(false, "raw IDX cut by one byte", labelsRaw[..^1]);
        for (int k = 0; k < 5; k++)
        {
            var noise = new byte[random.Next(1, 5000)];
            random.NextBytes(noise);
            yield return new(false, $"{noise.Length} random bytes", noise);
        }
        yield return new(false, "a zip header", [.. "PK"u8, 3, 4, .. new byte[30]]);
        yield return new(false, "an HTML error page", [.. "<html><body>404 Not Found</body></html>"u8]);
        yield return new(false, "a bzip2 header", [.. "BZh91AY&SY"u8]);
        yield return new(false, "an empty file", []);
        yield return new(true, "an empty file", []);
        yield return new(false, "one byte 1F", [0x1F]);
        yield return new(false, "the gzip magic alone", [0x1F, 0x8B]);
        yield return new(false, "gzip of nothing", Gzip([]));
    }

    private static byte[] Flip(byte[] bytes, int index, int bit)
    {
        var copy = bytes.ToArray();
        copy[index] ^= (byte)(1 << bit);
        return copy;
    }

    private static byte[] SetInt(byte[] raw, int offset, int value)
    {
        var copy = raw.ToArray();
        BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(offset), value);
        return copy;
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(bytes);
        return output.ToArray();
    }

    private static byte[] Gunzip(byte[] bytes)
    {
        using var input = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
