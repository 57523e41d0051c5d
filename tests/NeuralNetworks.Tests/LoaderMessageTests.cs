using System.IO.Compression;
using NeuralNetworks.Data;

namespace NeuralNetworks.Tests;

/// <summary>
/// Two loader messages that once misled, reproduced and fixed: a copy of MNIST with one test label changed to 10 was
/// blamed on the intact training labels (with a suggestion of 11 outputs), and one flipped bit in a deflate stream ended
/// in .NET's "compressed using an unsupported compression method". Now the file that differs from its published
/// checksum is named before any shape is judged, and damaged data is called damaged.
/// </summary>
public sealed class LoaderMessageTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("nn-loader-messages-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static string MnistFolder => Mnist.FindDataDirectory(AppContext.BaseDirectory);

    /// <summary>The four original MNIST files copied to <paramref name="copy"/> (created), with test label 123 set to 10
    /// (recompressed: the gzip file is valid, only its content differs from the published file). Returns the folder.</summary>
    internal static string CopyOfMnistWithATestLabelOf10(string copy)
    {
        Directory.CreateDirectory(copy);
        foreach (var name in Mnist.Sha256.Keys) File.Copy(Path.Combine(MnistFolder, name), Path.Combine(copy, name));
        string labels = Path.Combine(copy, Mnist.TestLabelsFile);
        byte[] raw;
        using (var gzip = new GZipStream(File.OpenRead(labels), CompressionMode.Decompress))
        using (var bytes = new MemoryStream())
        {
            gzip.CopyTo(bytes);
            raw = bytes.ToArray();
        }
        raw[8 + 123] = 10;   // after the 8-byte header: magic, count
        using (var gzip = new GZipStream(File.Create(labels), CompressionLevel.Optimal)) gzip.Write(raw);
        return copy;
    }

    private string CopyWithATestLabelOf10(string relative) => CopyOfMnistWithATestLabelOf10(Path.Combine(folder, relative));

    [Fact]
    [Trait("Category", Category.Mnist)]
    public void A_copy_of_MNIST_with_a_test_label_changed_to_10_names_the_test_labels_file_even_with_the_hashes_skipped()
    {
        string copy = CopyWithATestLabelOf10("my-mnist");
        string changed = Path.Combine(copy, Mnist.TestLabelsFile);

        foreach (bool verify in new[] { true, false })
        {
            var e = Assert.Throws<InvalidDataException>(() => Mnist.Load(copy, verifyChecksums: verify));
            Assert.StartsWith($"{changed}: SHA-256 mismatch, the file is not the original MNIST file", e.Message);
            Assert.Contains(Mnist.Sha256[Mnist.TestLabelsFile], e.Message);
            Assert.DoesNotContain(Mnist.TrainingLabelsFile + ":", e.Message);
            Assert.DoesNotContain("would fit", e.Message);
        }
    }

    [Fact]
    [Trait("Category", Category.Mnist)]
    public void The_same_change_in_a_folder_named_data_mnist_read_without_hashes_names_the_file_its_hash_and_the_label()
    {
        string copy = CopyWithATestLabelOf10(Path.Combine("repository", "data", "mnist"));
        string changed = Path.Combine(copy, Mnist.TestLabelsFile);

        var e = Assert.Throws<InvalidDataException>(() => Mnist.Load(copy, verifyChecksums: false));

        Assert.StartsWith($"{changed}: SHA-256 mismatch", e.Message);
        Assert.Contains($"Reading the data found: {changed}: label 10 of example 123 is not a digit 0–9.", e.Message);
    }

    [Fact]
    [Trait("Category", Category.Mnist)]
    public void One_flipped_bit_in_the_deflate_data_of_the_MNIST_test_labels_is_called_damaged_without_the_runtimes_words()
    {
        // The bit the fuzz flipped: byte 40 of t10k-labels-idx1-ubyte.gz, inside its deflate data.
        byte[] gz = File.ReadAllBytes(Path.Combine(MnistFolder, Mnist.TestLabelsFile));
        gz[40] ^= 0x10;
        string labels = Path.Combine(folder, "t10k-labels-flipped.gz");
        File.WriteAllBytes(labels, gz);

        var e = Assert.Throws<InvalidDataException>(() => Idx.ReadLabels(labels));

        Assert.StartsWith($"{labels}: the file is damaged: its compressed (deflate) data breaks off after", e.Message);
        Assert.DoesNotContain("unsupported compression method", e.Message);
        Assert.Contains("unsupported compression method", e.InnerException!.Message);   // what .NET said, kept for whoever debugs
    }

    [Fact]
    public void Every_flipped_bit_in_a_deflate_stream_that_breaks_it_is_called_damaged_and_never_an_unsupported_method()
    {
        var random = new Random(5);
        var labels = new byte[8 + 3000];
        labels[2] = 8; labels[3] = 1; labels[6] = 3000 >> 8; labels[7] = 3000 & 0xFF;
        for (int i = 8; i < labels.Length; i++) labels[i] = (byte)random.Next(10);
        byte[] gz;
        using (var output = new MemoryStream())
        {
            using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize)) gzip.Write(labels);
            gz = output.ToArray();
        }
        string path = Path.Combine(folder, "labels.gz");
        int brokenDeflate = 0;
        for (int at = 10; at < gz.Length - 8; at += 7)
        {
            var flipped = (byte[])gz.Clone();
            flipped[at] ^= (byte)(1 << (at % 8));
            File.WriteAllBytes(path, flipped);
            try
            {
                Idx.ReadLabels(path);
            }
            catch (InvalidDataException e)
            {
                Assert.Contains(path, e.Message);
                Assert.DoesNotContain("unsupported compression method", e.Message);
                Assert.Contains("damaged", e.Message);
                if (e.InnerException is InvalidDataException) brokenDeflate++;
            }
        }
        Assert.True(brokenDeflate > 0, "no flip broke the deflate stream itself (each was caught by the CRC-32 or the length instead)");
    }
}
