using System.Buffers.Binary;
using System.IO.Compression;

namespace NeuralNetworks;

/// <summary>The images of an IDX file: <see cref="Count"/> images of <see cref="Rows"/>×<see cref="Columns"/>
/// bytes, image after image, each row by row (pixel (r, c) of image i is at i·Rows·Columns + Columns·r + c).</summary>
/// <param name="Pixels">The pixel bytes 0–255, Count·Rows·Columns of them.</param>
/// <param name="Count">How many images.</param>
/// <param name="Rows">Rows of one image (28 for MNIST).</param>
/// <param name="Columns">Columns of one image (28 for MNIST).</param>
public sealed record IdxImages(byte[] Pixels, int Count, int Rows, int Columns);

/// <summary>
/// Reads IDX files, the format MNIST is published in, raw or gzip-compressed (told apart by gzip's magic
/// bytes 1F 8B, not by the file name).
/// </summary>
/// <remarks>
/// An IDX file is a big-endian int32 magic number 0x0000TTDD (TT = 08 for unsigned bytes, DD = number of
/// dimensions), then DD big-endian int32 dimension sizes, then the data bytes.
/// Every check fails with an <see cref="InvalidDataException"/> that names the file and the problem.
/// The header is checked against what the file can hold before any data buffer is allocated.
/// </remarks>
public static class Idx
{
    /// <summary>Magic number of a labels file: unsigned bytes (0x08), 1 dimension (count).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Magic number of an images file: unsigned bytes (0x08), 3 dimensions (count, rows, columns).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Deflate, the compression inside gzip, cannot shrink data by more than about 1032:1, so a gzip
    /// file of n bytes never decompresses to more than 1032·n bytes.</summary>
    private const long MaxGzipRatio = 1032;

    /// <summary>Reads an images file (magic 0x00000803: count, rows, columns, then the pixel bytes).</summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid IDX images file; the message says why.</exception>
    public static IdxImages ReadImages(string path)
    {
        var (sizes, pixels) = Read(path, ImagesMagic, ["image count", "rows", "columns"], "images", "pixel");
        return new IdxImages(pixels, sizes[0], sizes[1], sizes[2]);
    }

    /// <summary>Reads a labels file (magic 0x00000801: count, then one byte per label).</summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid IDX labels file; the message says why.</exception>
    public static byte[] ReadLabels(string path) => Read(path, LabelsMagic, ["label count"], "labels", "label").Data;

    /// <summary>Reads an images file and its labels file into a <see cref="DataSet"/> of digits: 10 classes,
    /// inputs of rows·columns pixels, image size taken from the images file's header.</summary>
    /// <exception cref="FileNotFoundException">One of the files does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is invalid, a label is not a digit 0–9, or the two files
    /// hold different numbers of examples.</exception>
    public static DataSet LoadDataSet(string imagesPath, string labelsPath, string name)
    {
        var labels = ReadLabels(labelsPath);
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] > 9)
                throw new InvalidDataException($"{Path.GetFullPath(labelsPath)}: label {labels[i]} of example {i} is not a digit 0–9.");

        var images = ReadImages(imagesPath);
        if (images.Count != labels.Length)
            throw new InvalidDataException(
                $"{name}: the images file {Path.GetFullPath(imagesPath)} holds {images.Count:N0} images " +
                $"but the labels file {Path.GetFullPath(labelsPath)} holds {labels.Length:N0} labels; they must hold one label per image.");

        return new DataSet(images.Pixels, labels, images.Rows * images.Columns, classCount: 10, name, images.Rows, images.Columns);
    }

    /// <summary>Reads one IDX file of unsigned bytes with the expected magic number; returns its dimension sizes and data.
    /// <paramref name="kind"/> ("images") and <paramref name="dataKind"/> ("pixel") only word the messages.</summary>
    private static (int[] Sizes, byte[] Data) Read(string path, int expectedMagic, string[] dimensionNames, string kind, string dataKind)
    {
        ArgumentNullException.ThrowIfNull(path);
        string file = Path.GetFullPath(path);
        if (!File.Exists(file)) throw new FileNotFoundException($"IDX {kind} file not found: {file}", file);

        using var raw = File.OpenRead(file);
        bool gzip = StartsWithGzipMagic(raw);
        using var stream = gzip ? new GZipStream(raw, CompressionMode.Decompress) : (Stream)raw;

        // 1. The magic number: 0x00 0x00, data type, number of dimensions.
        var magicBytes = new byte[4];
        int got = Fill(stream, magicBytes, file);
        if (got < 4)
            throw Invalid(file, $"it holds {got} byte{(got == 1 ? "" : "s")}, too few for an IDX magic number (4 bytes); expected {Describe(expectedMagic)}");
        int magic = BinaryPrimitives.ReadInt32BigEndian(magicBytes);
        CheckMagic(file, magic, expectedMagic, kind);

        // 2. One big-endian int32 size per dimension, each at least 1.
        int headerLength = 4 + 4 * dimensionNames.Length;
        var sizeBytes = new byte[4 * dimensionNames.Length];
        got = Fill(stream, sizeBytes, file);
        if (got < sizeBytes.Length)
            throw Invalid(file, $"the header is truncated: its {dimensionNames.Length} dimension size(s) need {headerLength} bytes but the file ends after {4 + got}");
        var sizes = new int[dimensionNames.Length];
        for (int d = 0; d < sizes.Length; d++)
        {
            sizes[d] = BinaryPrimitives.ReadInt32BigEndian(sizeBytes.AsSpan(4 * d));
            if (sizes[d] < 1)
                throw Invalid(file, $"dimension {d} ({dimensionNames[d]}) is {sizes[d]}; every dimension must be at least 1");
        }

        // 3. The data length the header promises, checked against what the file can hold BEFORE allocating it.
        Int128 promised = 1;
        foreach (var size in sizes) promised *= size;
        string promise = $"the header promises {promised:N0} bytes of {dataKind} data ({string.Join(" × ", sizes.Select(s => s.ToString("N0")))})";
        if (!gzip)
        {
            long held = raw.Length - headerLength;
            if (promised > held)
                throw Invalid(file, $"{promise} but the file holds only {held:N0}: it is truncated");
            if (promised < held)
                throw Invalid(file, $"{promise} but the file holds {held:N0}: {held - (long)promised:N0} trailing bytes after the data");
        }
        else
        {
            long ceiling = raw.Length * MaxGzipRatio - headerLength;
            if (promised > ceiling)
                throw Invalid(file, $"{promise} but a gzip file of {raw.Length:N0} bytes decompresses to at most about {ceiling:N0} " +
                                    $"(deflate compresses at most about {MaxGzipRatio}:1): the header is wrong or the file is truncated");
        }
        if (promised > Array.MaxLength)
            throw Invalid(file, $"{promise}, more than one .NET array can hold ({Array.MaxLength:N0} bytes)");

        // 4. The data itself, then nothing more.
        var data = new byte[(int)promised];
        got = Fill(stream, data, file);
        if (got < data.Length)
            throw Invalid(file, $"{promise} but the {(gzip ? "decompressed " : "")}file holds only {got:N0}: it is truncated");
        long trailing = CountTrailingBytes(stream, file);
        if (trailing > 0)
            throw Invalid(file, $"{promise} but the {(gzip ? "decompressed " : "")}file holds " +
                                $"{(trailing > TrailingCountLimit ? "more than " + TrailingCountLimit.ToString("N0") : trailing.ToString("N0"))} trailing bytes after the data");
        return (sizes, data);
    }

    private static void CheckMagic(string file, int magic, int expectedMagic, string kind)
    {
        if (magic == expectedMagic) return;
        string found = $"found magic number {Describe(magic)} but an IDX {kind} file has {Describe(expectedMagic)}";
        if ((magic & ~0xFFFF) != 0)
            throw Invalid(file, $"it is not an IDX file: {found}, and an IDX magic number starts with two zero bytes");
        if ((magic & 0xFF00) != (expectedMagic & 0xFF00))
            throw Invalid(file, $"wrong data type: {found}; only unsigned bytes (type 0x08) are supported");
        throw Invalid(file, $"wrong number of dimensions: {found}, i.e. {magic & 0xFF} dimension(s) instead of {expectedMagic & 0xFF}");
    }

    /// <summary>A magic number as hex and decimal, e.g. "0x00000803 (2051)".</summary>
    private static string Describe(int magic) => $"0x{magic:X8} ({magic})";

    private static bool StartsWithGzipMagic(FileStream file)
    {
        Span<byte> first = stackalloc byte[2];
        int got = file.ReadAtLeast(first, 2, throwOnEndOfStream: false);
        file.Position = 0;
        return got == 2 && first[0] == 0x1F && first[1] == 0x8B;
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the data ends; returns how many bytes were read.
    /// A corrupt gzip stream becomes an <see cref="InvalidDataException"/> naming the file.</summary>
    private static int Fill(Stream stream, Span<byte> buffer, string file)
    {
        try
        {
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw Invalid(file, $"the gzip data is corrupt ({e.Message})", e);
        }
    }

    /// <summary>Counting bytes past the data stops here, so a gzip bomb cannot keep us decompressing.</summary>
    private const long TrailingCountLimit = 1 << 20;

    private static long CountTrailingBytes(Stream stream, string file)
    {
        var scratch = new byte[4096];
        long count = 0;
        int got;
        while (count <= TrailingCountLimit && (got = Fill(stream, scratch, file)) > 0) count += got;
        return count;
    }

    private static InvalidDataException Invalid(string file, string problem, Exception? inner = null) =>
        new($"{file}: {problem}.", inner);
}
