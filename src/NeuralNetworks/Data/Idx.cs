using System.Buffers.Binary;
using System.Numerics;

namespace NeuralNetworks.Data;

/// <summary>
/// Reads IDX files, the format MNIST is published in, raw or gzip-compressed (told apart by their first bytes,
/// not by the file name), and trusts none of their bytes.
/// </summary>
/// <remarks>
/// An IDX file is a big-endian int32 magic number 0x0000TTDD (TT = 08 for unsigned bytes, DD = number of
/// dimensions), then DD big-endian int32 dimension sizes, then the data bytes.
/// Every check fails with an <see cref="InvalidDataException"/> that names the file and the problem:
/// the first bytes say what the file is (gzip, raw IDX, or something else, named when known); a gzip file's
/// CRC-32 and length are verified (see <see cref="GzipFile"/>); the header is checked against what the file can
/// hold, and an images file's count against its labels file's, before any data buffer is allocated.
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
        using var images = IdxFile.Open(path, ImagesMagic, ["image count", "rows", "columns"], "images", "pixel");
        var pixels = images.ReadData();
        return new IdxImages(pixels, images.Sizes[0], images.Sizes[1], images.Sizes[2]);
    }

    /// <summary>Reads a labels file (magic 0x00000801: count, then one byte per label).</summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid IDX labels file; the message says why.</exception>
    public static byte[] ReadLabels(string path)
    {
        using var labels = IdxFile.Open(path, LabelsMagic, ["label count"], "labels", "label");
        return labels.ReadData();
    }

    /// <summary>
    /// Reads an images file and its labels file into a <see cref="DataSet"/>: inputs of rows·columns pixels
    /// (the image size from the images file's header), one label per image. Both headers are read and compared
    /// before either file's data is.
    /// </summary>
    /// <param name="imagesPath">An IDX images file (magic 0x00000803), raw or gzip.</param>
    /// <param name="labelsPath">Its IDX labels file (magic 0x00000801), raw or gzip.</param>
    /// <param name="name">The data set's name; null names it after the images file's folder.</param>
    /// <param name="classCount">How many classes; every label must be below it. Null: 10 (digits), or one more
    /// than the largest label when that is larger.</param>
    /// <exception cref="FileNotFoundException">One of the files does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is invalid, a label is not below <paramref name="classCount"/>,
    /// or the two files hold different numbers of examples.</exception>
    public static DataSet LoadDataSet(string imagesPath, string labelsPath, string? name = null, int? classCount = null) =>
        LoadDataSet(imagesPath, labelsPath, name, classCount, verifiedByHash: false);

    /// <summary><see cref="LoadDataSet(string, string, string?, int?)"/> of two gzip files whose bytes were found equal to
    /// published ones by their SHA-256 (<paramref name="verifiedByHash"/>: see <see cref="GzipFile(byte[], string, bool)"/>).</summary>
    internal static DataSet LoadDataSet(string imagesPath, string labelsPath, string? name, int? classCount, bool verifiedByHash)
    {
        if (classCount is < 1 or > 256) throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "A class count must be between 1 and 256 (labels are bytes).");
        using var images = IdxFile.Open(imagesPath, ImagesMagic, ["image count", "rows", "columns"], "images", "pixel", verifiedByHash);
        using var labels = IdxFile.Open(labelsPath, LabelsMagic, ["label count"], "labels", "label", verifiedByHash);
        name ??= Path.GetFileName(Path.GetDirectoryName(images.File)) ?? "data";
        if (images.Sizes[0] != labels.Sizes[0])
            throw new InvalidDataException(
                $"{name}: the images file {images.File} holds {images.Sizes[0]:N0} images " +
                $"but the labels file {labels.File} holds {labels.Sizes[0]:N0} labels; they must hold one label per image.");

        var labelBytes = labels.ReadData();
        int classes = classCount ?? Math.Max(10, labelBytes.Length == 0 ? 0 : labelBytes.Max() + 1);
        for (int i = 0; i < labelBytes.Length; i++)
        {
            if (labelBytes[i] >= classes)
                throw new InvalidDataException($"{labels.File}: label {labelBytes[i]} of example {i} is not " +
                                               (classes == 10 ? "a digit 0–9." : $"a class 0–{classes - 1}."));
        }
        var pixels = images.ReadData();
        return new DataSet(pixels, labelBytes, checked(images.Sizes[1] * images.Sizes[2]), classes, name, images.Sizes[1], images.Sizes[2]);
    }

    /// <summary>What the first bytes of a file say it is, for messages: "gzip", "raw IDX", or a named other format.</summary>
    internal static string Identify(ReadOnlySpan<byte> first)
    {
        if (first.Length == 0) return "an empty file";
        if (first.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B])) return "gzip data";
        if (first.Length >= 3 && first[0] == 0 && first[1] == 0 && DataTypes.TryGetValue(first[2], out var type)) return $"raw IDX data of {type}";
        foreach (var (magic, format) in OtherFormats)
            if (first.StartsWith(magic)) return format;
        return $"neither gzip (1F 8B) nor IDX (00 00 08 ..): it starts with {GzipFile.Hex(first)}";
    }

    /// <summary>The IDX data types (third magic byte).</summary>
    private static readonly Dictionary<byte, string> DataTypes = new()
    {
        [0x08] = "unsigned bytes",
        [0x09] = "signed bytes",
        [0x0B] = "16-bit integers",
        [0x0C] = "32-bit integers",
        [0x0D] = "32-bit floats",
        [0x0E] = "64-bit floats",
    };

    /// <summary>First bytes of formats a data file is mistaken for most often.</summary>
    private static readonly (byte[] Magic, string Format)[] OtherFormats =
    [
        ("PK"u8.ToArray(), "a zip archive (PK), not gzip: unzip it first"),
        ("BZh"u8.ToArray(), "bzip2 data (BZh), not gzip: decompress it with bunzip2 first"),
        ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], "xz data, not gzip: decompress it with unxz first"),
        ([0x28, 0xB5, 0x2F, 0xFD], "zstd data, not gzip: decompress it with unzstd first"),
        ([0x89, 0x50, 0x4E, 0x47], "a PNG image, not IDX"),
        ("<"u8.ToArray(), "text starting with '<' (an HTML or XML page, e.g. a download error page), not IDX"),
        ("{"u8.ToArray(), "text starting with '{' (JSON), not IDX"),
        ("version https://git-lfs"u8.ToArray(), "a Git LFS pointer, not the data: fetch it with git lfs pull"),
    ];

    /// <summary>One IDX file opened for reading: its header is read and checked; its data is read by <see cref="ReadData"/>.</summary>
    private sealed class IdxFile : IDisposable
    {
        private readonly Stream stream;
        private readonly GzipFile? gzip;
        private readonly string dataKind;
        // The product of the sizes, up to (2³¹ − 1)³: exact. A BigInteger rather than an Int128, whose use keeps a method
        // from being precompiled (ReadyToRun: src/NeuralNetworks.Cli/ReadyToRun.targets), and this one runs at every load.
        private readonly BigInteger promised;

        private IdxFile(string file, Stream stream, GzipFile? gzip, int[] sizes, string dataKind, BigInteger promised)
        {
            File = file;
            this.stream = stream;
            this.gzip = gzip;
            Sizes = sizes;
            this.dataKind = dataKind;
            this.promised = promised;
        }

        /// <summary>What the header promises, for messages: "the header promises 47,040,000 bytes of pixel data (60,000 × 28 × 28)".</summary>
        private string Promise => $"the header promises {promised:N0} bytes of {dataKind} data ({string.Join(" × ", Sizes.Select(s => s.ToString("N0")))})";

        /// <summary>The file's full path.</summary>
        public string File { get; }

        /// <summary>The dimension sizes from the header, each at least 1.</summary>
        public int[] Sizes { get; }

        /// <summary>Opens <paramref name="path"/>, tells gzip from raw IDX by the first bytes, and reads and checks the header.</summary>
        public static IdxFile Open(string path, int expectedMagic, string[] dimensionNames, string kind, string dataKind, bool verifiedByHash = false)
        {
            ArgumentNullException.ThrowIfNull(path);
            string file = Path.GetFullPath(path);
            DataFile.MustBeAFile(file);   // not a directory, device or FIFO, which reading would never finish
            if (!System.IO.File.Exists(file)) throw new FileNotFoundException($"IDX {kind} file not found: {file}", file);

            Stream? stream = null;
            try
            {
                var raw = System.IO.File.OpenRead(file);
                stream = raw;
                Span<byte> first = stackalloc byte[8];
                int firstCount = raw.ReadAtLeast(first, first.Length, throwOnEndOfStream: false);
                first = first[..firstCount];
                raw.Position = 0;
                long fileLength = raw.Length;
                if (fileLength == 0)
                    throw Invalid(file, $"it is empty (0 bytes); expected an IDX {kind} file, raw or gzip-compressed");

                GzipFile? gzip = null;
                string what = Identify(first);
                if (first.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B]))
                {
                    if (fileLength > Array.MaxLength) throw Invalid(file, $"a gzip file of {fileLength:N0} bytes is larger than this reader handles ({Array.MaxLength:N0})");
                    var compressed = LargeArrays.Uninitialized((int)fileLength);   // filled at once
                    raw.ReadExactly(compressed);
                    raw.Dispose();
                    stream = gzip = new GzipFile(compressed, file, verifiedByHash);
                }
                else if (!(first.Length >= 2 && first[0] == 0 && first[1] == 0))
                {
                    throw Invalid(file, $"it is not an IDX {kind} file, raw or gzip-compressed: it is {what}");
                }

                // 1. The magic number: 0x00 0x00, data type, number of dimensions.
                var magicBytes = new byte[4];
                int got = Fill(stream, magicBytes);
                if (got < 4)
                    throw Invalid(file, $"it holds {got} byte{(got == 1 ? "" : "s")}{(gzip is null ? "" : " once decompressed")}, too few for an IDX magic number (4 bytes); expected {Describe(expectedMagic)}");
                int magic = BinaryPrimitives.ReadInt32BigEndian(magicBytes);
                if (gzip is not null && (magic & ~0xFFFF) != 0)
                    throw Invalid(file, $"it is gzip data, but what it decompresses to is not IDX: it is {Identify(magicBytes)}");
                CheckMagic(file, magic, expectedMagic, kind);

                // 2. One big-endian int32 size per dimension, each at least 1.
                int headerLength = 4 + 4 * dimensionNames.Length;
                var sizeBytes = new byte[4 * dimensionNames.Length];
                got = Fill(stream, sizeBytes);
                if (got < sizeBytes.Length)
                    throw Invalid(file, $"the header is truncated: its {dimensionNames.Length} dimension size(s) need {headerLength} bytes but the {(gzip is null ? "" : "decompressed ")}file ends after {4 + got}");
                var sizes = new int[dimensionNames.Length];
                for (int d = 0; d < sizes.Length; d++)
                {
                    sizes[d] = BinaryPrimitives.ReadInt32BigEndian(sizeBytes.AsSpan(4 * d));
                    if (sizes[d] < 1)
                        throw Invalid(file, $"dimension {d} ({dimensionNames[d]}) is {sizes[d]}; every dimension must be at least 1");
                }

                // 3. The data length the header promises, checked against what the file can hold BEFORE allocating it.
                BigInteger promised = 1;
                foreach (var size in sizes) promised *= size;
                var idx = new IdxFile(file, stream, gzip, sizes, dataKind, promised);
                if (gzip is null)
                {
                    long held = fileLength - headerLength;
                    if (promised > held)
                        throw Invalid(file, $"{idx.Promise} but the file holds only {held:N0}: it is truncated");
                    if (promised < held)
                        throw Invalid(file, $"{idx.Promise} but the file holds {held:N0}: {held - (long)promised:N0} trailing bytes after the data");
                }
                else
                {
                    long ceiling = fileLength * MaxGzipRatio - headerLength;
                    if (promised > ceiling)
                        throw Invalid(file, $"{idx.Promise} but a gzip file of {fileLength:N0} bytes decompresses to at most about {ceiling:N0} " +
                                            $"(deflate compresses at most about {MaxGzipRatio}:1): the header is wrong or the file is truncated");
                }
                if (promised > Array.MaxLength)
                    throw Invalid(file, $"{idx.Promise}, more than one .NET array can hold ({Array.MaxLength:N0} bytes)");
                stream = null;   // owned by idx now
                return idx;
            }
            finally
            {
                stream?.Dispose();
            }
        }

        /// <summary>Reads the data the header promised, then checks that nothing follows (and, for gzip, every CRC-32 and length).</summary>
        public byte[] ReadData()
        {
            int length = (int)promised;
            byte[] data;
            // A gzip file of one member records its decompressed length (mod 2³²) in its last four bytes. Where that
            // agrees with the header, the buffer is allocated at once; where not, the header is not trusted with
            // memory: the data is read in chunks and only what really arrives is held.
            if (gzip is null || gzip.LastSizeField == (uint)(length + 4 + 4 * Sizes.Length))
            {
                data = LargeArrays.Uninitialized(length);   // filled below, or not returned
                int got = Fill(stream, data);
                if (got < length) throw Truncated(got);
            }
            else
            {
                data = ReadInChunks(length);
            }
            long trailing = CountTrailingBytes();
            if (trailing > 0)
                throw Invalid(File, $"{Promise} but the {(gzip is not null ? "decompressed " : "")}file holds " +
                                    $"{(trailing > TrailingCountLimit ? "more than " + TrailingCountLimit.ToString("N0") : trailing.ToString("N0"))} trailing bytes after the data");
            return data;
        }

        private byte[] ReadInChunks(int length)
        {
            // Chunks grow with what has arrived (64 KB, then as much again, up to 4 MB), so at most about as much
            // memory is held as data really came.
            var chunks = new List<byte[]>();
            int total = 0;
            while (total < length)
            {
                var chunk = new byte[Math.Min(Math.Clamp(total, 1 << 16, 1 << 22), length - total)];
                int got = Fill(stream, chunk);
                total += got;
                chunks.Add(chunk);
                if (got < chunk.Length) throw Truncated(total);
            }
            var data = new byte[length];
            int at = 0;
            foreach (var chunk in chunks)
            {
                chunk.CopyTo(data, at);
                at += chunk.Length;
            }
            return data;
        }

        private InvalidDataException Truncated(long got) =>
            Invalid(File, $"{Promise} but the {(gzip is not null ? "decompressed " : "")}file holds only {got:N0}: it is truncated");

        /// <summary>Counting bytes past the data stops here, so a gzip bomb cannot keep us decompressing.</summary>
        private const long TrailingCountLimit = 1 << 20;

        private long CountTrailingBytes()
        {
            var scratch = new byte[4096];
            long count = 0;
            int got;
            while (count <= TrailingCountLimit && (got = Fill(stream, scratch)) > 0) count += got;
            return count;
        }

        public void Dispose() => stream.Dispose();

        /// <summary>Reads until <paramref name="buffer"/> is full or the data ends; returns how many bytes were read.</summary>
        private static int Fill(Stream stream, Span<byte> buffer) => stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
    }

    private static void CheckMagic(string file, int magic, int expectedMagic, string kind)
    {
        if (magic == expectedMagic) return;
        string found = $"found magic number {Describe(magic)} but an IDX {kind} file has {Describe(expectedMagic)}";
        if ((magic & ~0xFFFF) != 0)
            throw Invalid(file, $"it is not an IDX file: {found}, and an IDX magic number starts with two zero bytes");
        if ((magic & 0xFF00) != (expectedMagic & 0xFF00))
            throw Invalid(file, $"wrong data type: {found}; only unsigned bytes (type 0x08) are supported" +
                                (DataTypes.TryGetValue((byte)(magic >> 8), out var type) ? $", this file holds {type}" : ""));
        throw Invalid(file, $"wrong number of dimensions: {found}, i.e. {magic & 0xFF} dimension(s) instead of {expectedMagic & 0xFF}");
    }

    /// <summary>A magic number as hex and decimal, e.g. "0x00000803 (2051)".</summary>
    private static string Describe(int magic) => $"0x{magic:X8} ({magic})";

    private static InvalidDataException Invalid(string file, string problem, Exception? inner = null) =>
        new($"{file}: {problem}.", inner);
}
