using System.Buffers.Binary;
using System.IO.Compression;
using NeuralNetworks.Data;

namespace NeuralNetworks.Tests;

/// <summary>Small hand-made IDX files, good and bad, written to a temporary folder that is deleted afterwards.</summary>
public sealed class IdxTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("nn-idx-tests-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    // Three 2×3 images whose pixel k of image i is 10·i + k, and their labels.
    private static readonly byte[] ThreePixels = Enumerable.Range(0, 3).SelectMany(i => Enumerable.Range(0, 6).Select(k => (byte)(10 * i + k))).ToArray();
    private static readonly byte[] ThreeLabels = [7, 0, 9];

    /// <summary>An IDX file: big-endian magic, big-endian sizes, then the data bytes.</summary>
    private static byte[] IdxBytes(int magic, int[] sizes, byte[] data)
    {
        var bytes = new byte[4 + 4 * sizes.Length + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int d = 0; d < sizes.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), sizes[d]);
        data.CopyTo(bytes, 4 + 4 * sizes.Length);
        return bytes;
    }

    private static byte[] ImagesBytes(int count, int rows, int columns, byte[] pixels) => IdxBytes(Idx.ImagesMagic, [count, rows, columns], pixels);
    private static byte[] LabelsBytes(byte[] labels) => IdxBytes(Idx.LabelsMagic, [labels.Length], labels);

    private static byte[] Gzip(byte[] bytes, CompressionLevel level = CompressionLevel.SmallestSize)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, level)) gzip.Write(bytes);
        return output.ToArray();
    }

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static InvalidDataException Rejects(Action read, string file, params string[] problem)
    {
        var e = Assert.Throws<InvalidDataException>(read);
        Assert.Contains(file, e.Message);
        foreach (var words in problem) Assert.Contains(words, e.Message);
        return e;
    }

    [Fact]
    public void An_images_file_is_read_with_its_header_sizes_and_pixels()
    {
        var images = Idx.ReadImages(Write("images", ImagesBytes(3, 2, 3, ThreePixels)));

        Assert.Equal((3, 2, 3), (images.Count, images.Rows, images.Columns));
        Assert.Equal(ThreePixels, images.Pixels);
    }

    [Fact]
    public void A_labels_file_is_read_byte_for_byte()
    {
        Assert.Equal(ThreeLabels, Idx.ReadLabels(Write("labels", LabelsBytes(ThreeLabels))));
    }

    [Fact]
    public void Gzip_and_raw_files_give_identical_results()
    {
        var raw = Idx.LoadDataSet(Write("images", ImagesBytes(3, 2, 3, ThreePixels)), Write("labels", LabelsBytes(ThreeLabels)), "raw");
        var gz = Idx.LoadDataSet(Write("images.gz", Gzip(ImagesBytes(3, 2, 3, ThreePixels))), Write("labels.gz", Gzip(LabelsBytes(ThreeLabels))), "gz");

        Assert.Equal(raw.AllPixelBytes.ToArray(), gz.AllPixelBytes.ToArray());
        Assert.Equal(raw.Labels, gz.Labels);
        Assert.Equal((2, 3, 6), (gz.ImageRows, gz.ImageColumns, gz.InputSize));
    }

    [Fact]
    public void Gzip_is_recognised_by_its_magic_bytes_not_by_the_file_name()
    {
        var fromGzipWithoutExtension = Idx.ReadLabels(Write("labels-idx1-ubyte", Gzip(LabelsBytes(ThreeLabels))));
        var fromRawNamedGz = Idx.ReadLabels(Write("labels-idx1-ubyte.gz", LabelsBytes(ThreeLabels)));

        Assert.Equal(ThreeLabels, fromGzipWithoutExtension);
        Assert.Equal(ThreeLabels, fromRawNamedGz);
    }

    [Fact]
    public void LoadDataSet_builds_ten_classes_with_the_image_size_from_the_header()
    {
        var data = Idx.LoadDataSet(Write("images", ImagesBytes(3, 2, 3, ThreePixels)), Write("labels", LabelsBytes(ThreeLabels)), "tiny");

        Assert.Equal(("tiny", 3, 6, 10, 2, 3), (data.Name, data.Count, data.InputSize, data.ClassCount, data.ImageRows, data.ImageColumns));
        Assert.Equal(9, data.Label(2));
        Assert.Equal(25 / 255.0, data.ImageMatrix(2)[1, 2]); // image 2, pixel 3·1 + 2 = 5 holds 20 + 5
    }

    [Fact]
    public void A_truncated_file_is_rejected_naming_the_file()
    {
        var bytes = ImagesBytes(3, 2, 3, ThreePixels)[..^4];
        string path = Write("truncated-images", bytes);

        Rejects(() => Idx.ReadImages(path), path, "promises 18 bytes", "holds only 14", "truncated");
    }

    [Fact]
    public void Trailing_bytes_after_the_data_are_rejected_naming_the_file()
    {
        string path = Write("long-labels", [.. LabelsBytes(ThreeLabels), 1, 2]);

        Rejects(() => Idx.ReadLabels(path), path, "promises 3 bytes", "holds 5", "2 trailing bytes");
    }

    [Fact]
    public void Trailing_bytes_inside_a_gzip_file_are_rejected_naming_the_file()
    {
        string path = Write("long-labels.gz", Gzip([.. LabelsBytes(ThreeLabels), 1, 2]));

        Rejects(() => Idx.ReadLabels(path), path, "promises 3 bytes", "2 trailing bytes");
    }

    [Fact]
    public void A_labels_file_read_as_images_is_rejected_for_its_magic_number()
    {
        string path = Write("labels-not-images", LabelsBytes(ThreeLabels));

        Rejects(() => Idx.ReadImages(path), path, "wrong number of dimensions", "found magic number 0x00000801 (2049)", "0x00000803 (2051)");
    }

    [Fact]
    public void A_file_that_is_not_IDX_is_rejected_for_its_magic_number()
    {
        string path = Write("not-idx.png", [0x89, (byte)'P', (byte)'N', (byte)'G', 0, 0, 0, 0]);

        Rejects(() => Idx.ReadLabels(path), path, "not an IDX labels file, raw or gzip-compressed", "a PNG image");
    }

    [Fact]
    public void A_data_type_other_than_unsigned_bytes_is_rejected()
    {
        string path = Write("float-labels", IdxBytes(0x00000D01, [3], new byte[12]));

        Rejects(() => Idx.ReadLabels(path), path, "wrong data type", "0x00000D01");
    }

    [Fact]
    public void A_file_too_short_for_a_magic_number_is_rejected()
    {
        string path = Write("two-bytes", [0, 0]);

        Rejects(() => Idx.ReadLabels(path), path, "holds 2 bytes", "too few for an IDX magic number");
    }

    [Fact]
    public void A_truncated_header_is_rejected()
    {
        string path = Write("short-header", ImagesBytes(3, 2, 3, [])[..10]);

        Rejects(() => Idx.ReadImages(path), path, "header is truncated", "need 16 bytes", "ends after 10");
    }

    [Theory]
    [InlineData(0, "dimension 1 (rows) is 0")]
    [InlineData(-28, "dimension 1 (rows) is -28")]
    public void A_zero_or_negative_dimension_is_rejected(int rows, string problem)
    {
        string path = Write("bad-rows", ImagesBytes(3, rows, 3, []));

        Rejects(() => Idx.ReadImages(path), path, problem, "at least 1");
    }

    [Fact]
    public void A_small_file_claiming_two_billion_images_fails_fast_without_allocating()
    {
        string path = Write("huge-claim", ImagesBytes(int.MaxValue, 28, 28, new byte[1000]));
        long before = GC.GetAllocatedBytesForCurrentThread();

        Rejects(() => Idx.ReadImages(path), path, "promises 1,683,627,179,248 bytes", "holds only 1,000", "truncated");

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000, "the reader allocated the promised buffer");
    }

    [Fact]
    public void A_small_gzip_file_claiming_two_billion_images_fails_fast_without_allocating()
    {
        string path = Write("huge-claim.gz", Gzip(ImagesBytes(int.MaxValue, 28, 28, new byte[1000])));
        long before = GC.GetAllocatedBytesForCurrentThread();

        Rejects(() => Idx.ReadImages(path), path, "promises 1,683,627,179,248 bytes", "decompresses to at most about", "1032:1");

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000, "the reader allocated the promised buffer");
    }

    [Fact]
    public void A_truncated_gzip_file_is_reported_as_truncated()
    {
        // 40 images of 28×28 bytes: the header promises 31,360 bytes; cutting the compressed file in half loses most of them.
        var random = new Random(1);
        var pixels = new byte[40 * 28 * 28];
        random.NextBytes(pixels);
        var gz = Gzip(ImagesBytes(40, 28, 28, pixels));
        string path = Write("cut.gz", gz[..(gz.Length / 2)]);

        Rejects(() => Idx.ReadImages(path), path, "truncated");
    }

    [Fact]
    public void A_corrupt_gzip_file_is_rejected_naming_the_file()
    {
        var gz = Gzip(LabelsBytes(Enumerable.Range(0, 200).Select(i => (byte)(i % 10)).ToArray()));
        for (int k = 12; k < gz.Length - 8; k++) gz[k] ^= 0x5A; // scramble the deflate data, keep the gzip header
        string path = Write("corrupt.gz", gz);

        Rejects(() => Idx.ReadLabels(path), path, "damaged");
    }

    [Fact]
    public void A_label_of_10_is_rejected_naming_the_example_and_the_value()
    {
        string labels = Write("labels", LabelsBytes([7, 0, 10]));

        Rejects(() => Idx.LoadDataSet(Write("images", ImagesBytes(3, 2, 3, ThreePixels)), labels, "bad", classCount: 10), labels, "label 10 of example 2", "not a digit 0–9");
    }

    [Fact]
    public void Different_numbers_of_images_and_labels_are_rejected_naming_both_files_and_counts()
    {
        string images = Write("three-images", ImagesBytes(3, 2, 3, ThreePixels));
        string labels = Write("two-labels", LabelsBytes([7, 0]));

        Rejects(() => Idx.LoadDataSet(images, labels, "mismatched"), images, labels, "holds 3 images", "holds 2 labels");
    }

    [Fact]
    public void A_missing_file_is_reported_with_its_full_path()
    {
        string path = Path.Combine(folder, "nowhere-idx1-ubyte.gz");

        var e = Assert.Throws<FileNotFoundException>(() => Idx.ReadLabels(path));
        Assert.Contains(path, e.Message);
        Assert.Equal(path, e.FileName);
    }

    private static byte[] SomeLabels => LabelsBytes(Enumerable.Range(0, 500).Select(i => (byte)(i * 7 % 10)).ToArray());

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    public void A_gzip_file_cut_inside_its_trailer_is_refused_as_truncated(int cut)
    {
        string path = Write("cut-trailer.gz", Gzip(SomeLabels)[..^cut]);

        Rejects(() => Idx.ReadLabels(path), path, "truncated", $"ends {cut} byte", "gzip trailer");
    }

    [Fact]
    public void A_gzip_file_without_its_trailer_is_refused_as_truncated()
    {
        string path = Write("no-trailer.gz", Gzip(SomeLabels)[..^8]);

        Rejects(() => Idx.ReadLabels(path), path, "truncated or damaged", "no gzip trailer");
    }

    [Fact]
    public void Bytes_after_the_gzip_member_are_refused_as_trailing_data()
    {
        var gz = Gzip(SomeLabels);
        string path = Write("junk-after.gz", [.. gz, 0x41, 0x42, 0x43]);

        Rejects(() => Idx.ReadLabels(path), path, "3 bytes of trailing data after the end of the gzip data", $"at byte {gz.Length:N0}", "41 42 43");
    }

    [Fact]
    public void Files_verified_by_their_hash_load_the_same_data_without_the_CRC_and_still_check_the_length()
    {
        // Mnist loads the bundled files this way once their SHA-256 matched: the CRC-32 of the inflated bytes is skipped,
        // the length in the trailer is not. The same bytes come out as with every check.
        var pixels = Enumerable.Range(0, 5000 * 6).Select(i => (byte)(i * 7 % 251)).ToArray();
        var labels = Enumerable.Range(0, 5000).Select(i => (byte)(i % 10)).ToArray();
        string images = Write("many-images.gz", Gzip(ImagesBytes(5000, 2, 3, pixels))), labelsPath = Write("many-labels.gz", Gzip(LabelsBytes(labels)));

        var checkedFully = Idx.LoadDataSet(images, labelsPath, "checked", 10, verifiedByHash: false);
        var verified = Idx.LoadDataSet(images, labelsPath, "verified", 10, verifiedByHash: true);

        Assert.Equal(checkedFully.AllPixelBytes.ToArray(), verified.AllPixelBytes.ToArray());
        Assert.Equal(checkedFully.Labels, verified.Labels);
        Assert.Equal(pixels, verified.AllPixelBytes.ToArray());

        var crc = Gzip(LabelsBytes(labels));
        crc[^8] ^= 1;   // a CRC nobody checks in this mode: the hash that vouched for the file would have differed
        var length = Gzip(LabelsBytes(labels));
        length[^2] ^= 1;
        string crcPath = Write("crc-verified.gz", crc), lengthPath = Write("isize-verified.gz", length);
        Assert.Equal(labels, Idx.LoadDataSet(images, crcPath, "verified", 10, verifiedByHash: true).Labels);
        Rejects(() => Idx.LoadDataSet(images, crcPath, "checked", 10, verifiedByHash: false), crcPath, "CRC-32 mismatch");
        Rejects(() => Idx.LoadDataSet(images, lengthPath, "verified", 10, verifiedByHash: true), lengthPath, "length mismatch", "damaged");
    }

    [Fact]
    [Trait("Category", Category.Mnist)]
    public void The_bundled_MNIST_loads_the_same_bytes_with_and_without_the_CRC()
    {
        string folder = Mnist.FindDataDirectory();
        string images = Path.Combine(folder, Mnist.TestImagesFile), labels = Path.Combine(folder, Mnist.TestLabelsFile);

        var verified = Idx.LoadDataSet(images, labels, "verified", 10, verifiedByHash: true);
        var checkedFully = Idx.LoadDataSet(images, labels, "checked", 10, verifiedByHash: false);

        Assert.Equal(10_000, verified.Count);
        Assert.True(checkedFully.AllPixelBytes.SequenceEqual(verified.AllPixelBytes));
        Assert.Equal(checkedFully.Labels, verified.Labels);
    }

    [Fact]
    public void A_flipped_CRC_is_refused_as_a_CRC_mismatch_and_a_flipped_length_as_a_length_mismatch()
    {
        var crc = Gzip(SomeLabels);
        crc[^8] ^= 1;
        var length = Gzip(SomeLabels);
        length[^2] ^= 1;

        string crcPath = Write("crc.gz", crc), lengthPath = Write("isize.gz", length);

        Rejects(() => Idx.ReadLabels(crcPath), crcPath, "CRC-32 mismatch", "damaged");
        Rejects(() => Idx.ReadLabels(lengthPath), lengthPath, "length mismatch", "ISIZE");
    }

    [Fact]
    public void Two_gzip_members_one_after_the_other_read_as_one_file()
    {
        var bytes = SomeLabels;
        string path = Write("two-members.gz", [.. Gzip(bytes[..100]), .. Gzip(bytes[100..])]);

        Assert.Equal(bytes[8..], Idx.ReadLabels(path));
    }

    /// <summary>What <c>printf '' | gzip -n</c> writes (a gzip file of nothing, which <c>gzip -t</c> accepts): the 10-byte
    /// header, the deflate data 03 00 (one empty final block), and the trailer, the CRC-32 and length of nothing: eight zero
    /// bytes. (.NET's GZipStream writes no bytes at all for no input.)</summary>
    private static readonly byte[] GzipOfNothing = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];

    [Fact]
    public void A_gzip_file_of_nothing_is_too_short_for_an_IDX_header_not_trailing_data()
    {
        string path = Write("nothing.gz", GzipOfNothing);

        var e = Rejects(() => Idx.ReadLabels(path), path, "it holds 0 bytes once decompressed, too few for an IDX magic number");
        Assert.DoesNotContain("trailing data", e.Message);
    }

    [Fact]
    public void An_empty_gzip_member_between_two_others_adds_nothing()
    {
        var bytes = SomeLabels;
        string path = Write("empty-member.gz", [.. Gzip(bytes[..100]), .. GzipOfNothing, .. Gzip(bytes[100..]), .. GzipOfNothing]);

        Assert.Equal(bytes[8..], Idx.ReadLabels(path));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(11)]
    public void A_gzip_file_cut_within_two_bytes_of_its_header_is_refused_as_truncated(int length)
    {
        string path = Write("cut-after-header.gz", Gzip(SomeLabels)[..length]);

        Rejects(() => Idx.ReadLabels(path), path, "truncated");
    }

    [Theory]
    [InlineData(CompressionLevel.NoCompression)]   // zlib's levels 0 (stored blocks), 1 and 9
    [InlineData(CompressionLevel.Fastest)]
    [InlineData(CompressionLevel.SmallestSize)]
    public void Gzip_files_of_every_compression_level_read_alone_and_as_members(CompressionLevel level)
    {
        var bytes = SomeLabels;

        Assert.Equal(bytes[8..], Idx.ReadLabels(Write("one-member.gz", Gzip(bytes, level))));
        Assert.Equal(bytes[8..], Idx.ReadLabels(Write("three-members.gz", [.. Gzip(bytes[..5], level), .. Gzip(bytes[5..300], level), .. Gzip(bytes[300..], level)])));
    }

    [Fact]
    public void Other_formats_are_named_by_their_first_bytes()
    {
        string zip = Write("zip.gz", [.. "PK"u8, 3, 4, 0, 0, 0, 0]);
        string empty = Write("empty.gz", []);
        string html = Write("page.gz", [.. "<html>404</html>"u8]);

        Rejects(() => Idx.ReadLabels(zip), zip, "a zip archive");
        Rejects(() => Idx.ReadLabels(empty), empty, "it is empty (0 bytes)");
        Rejects(() => Idx.ReadLabels(html), html, "HTML");
    }

    [Fact]
    public void A_gzip_file_of_something_other_than_IDX_says_so()
    {
        string path = Write("text.gz", Gzip([.. "hello, this is text"u8]));

        Rejects(() => Idx.ReadLabels(path), path, "it is gzip data, but what it decompresses to is not IDX", "68 65 6C 6C");
    }

    [Fact]
    public void Counts_of_images_and_labels_are_compared_before_either_file_is_read()
    {
        // A header promising a million images (784 MB; the 800 KB gzip could in principle hold them) beside 500 labels:
        // refused from the two headers alone.
        var pixels = new byte[28 * 28 * 1000];
        new Random(2).NextBytes(pixels);
        string images = Write("million.gz", Gzip(ImagesBytes(1_000_000, 28, 28, pixels)));
        string labels = Write("labels.gz", Gzip(SomeLabels));
        long before = GC.GetAllocatedBytesForCurrentThread();

        Rejects(() => Idx.LoadDataSet(images, labels, "million"), images, labels, "holds 1,000,000 images", "holds 500 labels");

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 3_000_000, "the loader allocated more than the compressed files");
    }

    [Fact]
    public void A_header_promising_more_than_the_gzip_trailer_records_allocates_only_what_arrives()
    {
        // Both headers claim 20,000 images (15.7 MB); the data holds 25. The trailer's length disagrees with the header,
        // so the loader reads in growing chunks and stops at what is there.
        var pixels = new byte[28 * 28 * 25];
        new Random(3).NextBytes(pixels);
        string images = Write("many-images.gz", Gzip(ImagesBytes(20_000, 28, 28, pixels)));
        string labels = Write("many-labels.gz", Gzip(LabelsBytes(new byte[20_000])));
        long before = GC.GetAllocatedBytesForCurrentThread();

        Rejects(() => Idx.LoadDataSet(images, labels, "many"), images, "promises 15,680,000 bytes", "holds only 19,600", "truncated");

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000, "the loader allocated what the header promised");
    }

    [Fact]
    public void Labels_above_nine_make_more_classes_when_no_class_count_is_given()
    {
        string images = Write("images", ImagesBytes(3, 2, 3, ThreePixels));
        string labels = Write("labels", LabelsBytes([7, 0, 25]));

        var data = Idx.LoadDataSet(images, labels);

        Assert.Equal(26, data.ClassCount);
        Assert.Equal(Path.GetFileName(folder), data.Name);
        Rejects(() => Idx.LoadDataSet(images, labels, "digits", classCount: 10), labels, "label 25 of example 2", "not a digit 0–9");
    }

    private string MnistNamedFolder(string path, int count = 4)
    {
        Directory.CreateDirectory(path);
        var pixels = new byte[count * 6];
        var labels = Enumerable.Range(0, count).Select(i => (byte)i).ToArray();
        foreach (var (images, labelsFile) in new[] { (Mnist.TrainingImagesFile, Mnist.TrainingLabelsFile), (Mnist.TestImagesFile, Mnist.TestLabelsFile) })
        {
            File.WriteAllBytes(Path.Combine(path, images), Gzip(ImagesBytes(count, 2, 3, pixels)));
            File.WriteAllBytes(Path.Combine(path, labelsFile), Gzip(LabelsBytes(labels)));
        }
        return path;
    }

    [Fact]
    public void Mnist_Load_of_a_folder_of_other_IDX_data_names_it_after_the_folder_and_says_it_is_not_the_original()
    {
        string digits = MnistNamedFolder(Path.Combine(folder, "my-digits"));

        var data = Mnist.Load(digits);

        Assert.False(data.IsOriginal);
        Assert.Equal("my-digits", data.Name);
        Assert.Equal(("my-digits training", 4, 6), (data.Training.Name, data.Training.Count, data.Training.InputSize));
        Assert.Equal("my-digits test", data.Test.Name);
    }

    [Fact]
    [Trait("Category", Category.Mnist)]
    public void A_folder_named_data_mnist_is_the_bundled_copy_and_must_hold_the_original_files()
    {
        string bundled = MnistNamedFolder(Path.Combine(folder, "data", "mnist"));

        var e = Assert.Throws<InvalidDataException>(() => Mnist.Load(bundled));

        Assert.Contains(Path.Combine(bundled, Mnist.TrainingImagesFile), e.Message);
        Assert.Contains("SHA-256 mismatch", e.Message);
        Assert.Contains("bundled MNIST copy", e.Message);
    }

    [Fact]
    public void The_CRC_32_is_the_one_gzip_uses()
    {
        // The standard check value of CRC-32 (the ASCII digits 1–9), and the trailer a real gzip writer puts after its data.
        Assert.Equal(0xCBF43926u, Crc32.Append(0, "123456789"u8));
        Assert.Equal(Crc32.Append(Crc32.Append(0, "12345"u8), "6789"u8), Crc32.Append(0, "123456789"u8));
        var gz = Gzip(SomeLabels);
        Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(gz.AsSpan(^8)), Crc32.Append(0, SomeLabels));
    }

    [Fact]
    public void Training_and_test_sets_of_other_data_get_the_same_classes_when_their_labels_reach_different_heights()
    {
        string letters = MnistNamedFolder(Path.Combine(folder, "letters"));
        File.WriteAllBytes(Path.Combine(letters, Mnist.TrainingLabelsFile), Gzip(LabelsBytes([0, 25, 3, 7])));

        var data = Mnist.Load(letters);

        Assert.Equal((26, 26), (data.Training.ClassCount, data.Test.ClassCount));
        Assert.Equal(25, data.Training.Label(1));
    }
}
