using System.Collections.ObjectModel;
using System.Security.Cryptography;

namespace NeuralNetworks.Data;

/// <summary>
/// Loads the four MNIST files bundled in the repository's <c>data/mnist</c> folder (see data/README.md),
/// after checking their SHA-256 hashes, and keeps what it loaded so later calls return at once. A folder of
/// the user's own IDX files under the same names loads too, as a data set named after its folder.
/// </summary>
/// <remarks>
/// Which files the hashes check: a pair of files (images and labels) in a folder named <c>data/mnist</c>, the
/// bundled copy, must be the original MNIST files; so must a pair of which one file is (it claims to be MNIST,
/// so the other is a damaged copy). A pair where neither file matches is another data set: it is loaded after
/// the structural checks of <see cref="Idx.LoadDataSet(string, string, string?, int?)"/>, and <see cref="MnistData.IsOriginal"/> is false.
/// </remarks>
public static class Mnist
{
    /// <summary>The folder, relative to the repository root, that holds the MNIST files.</summary>
    public const string RelativeDataDirectory = "data/mnist";

    /// <summary>File name of the 60,000 training images.</summary>
    public const string TrainingImagesFile = "train-images-idx3-ubyte.gz";

    /// <summary>File name of the 60,000 training labels.</summary>
    public const string TrainingLabelsFile = "train-labels-idx1-ubyte.gz";

    /// <summary>File name of the 10,000 test images.</summary>
    public const string TestImagesFile = "t10k-images-idx3-ubyte.gz";

    /// <summary>File name of the 10,000 test labels.</summary>
    public const string TestLabelsFile = "t10k-labels-idx1-ubyte.gz";

    /// <summary>The SHA-256 (lowercase hex) of each of the four original MNIST files, by file name.</summary>
    public static IReadOnlyDictionary<string, string> Sha256 { get; } = new ReadOnlyDictionary<string, string>(new Dictionary<string, string>
    {
        [TestImagesFile] = "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        [TestLabelsFile] = "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
        [TrainingImagesFile] = "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        [TrainingLabelsFile] = "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    });

    // Loaded data sets by the full path and stamps of their files. A DataSet never changes, so sharing one is safe.
    private static readonly Dictionary<string, (DataSet Data, bool Original, bool Verified)> cache = [];
    private static readonly Lock cacheLock = new();
    // One lock per images file: the same part is read once however many threads ask, two parts are read at once.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lock> partLocks = new();

    /// <summary>
    /// Finds the <c>data/mnist</c> folder: looks for <c>data/mnist/train-images-idx3-ubyte.gz</c> in
    /// <paramref name="start"/> and each folder above it. Without a start it tries the current directory and
    /// its parents (inside the repository: its data/mnist), then this library's own folder and its parents (the
    /// NeuralNetworks NuGet package carries data/mnist beside lib/, so a notebook finds the data from any folder),
    /// then the application's folder (<see cref="AppContext.BaseDirectory"/>) and its parents.
    /// </summary>
    /// <returns>The full path of the folder holding the MNIST files.</returns>
    /// <exception cref="DirectoryNotFoundException">No such folder was found; the message lists where it looked.</exception>
    public static string FindDataDirectory(string? start = null)
    {
        string[] starts = start is null
            ? [Directory.GetCurrentDirectory(), Path.GetDirectoryName(typeof(Mnist).Assembly.Location) ?? "", AppContext.BaseDirectory]
            : [start];
        var looked = new List<string>();
        foreach (var from in starts.Where(s => s.Length > 0))
        {
            for (var dir = new DirectoryInfo(Path.GetFullPath(from)); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "data", "mnist");
                if (File.Exists(Path.Combine(candidate, TrainingImagesFile))) return candidate;
                if (!looked.Contains(candidate)) looked.Add(candidate);
            }
        }
        throw new DirectoryNotFoundException(
            $"Could not find the MNIST data: no {RelativeDataDirectory}/{TrainingImagesFile} in any of these folders:{Environment.NewLine}  " +
            string.Join(Environment.NewLine + "  ", looked) + Environment.NewLine +
            "The files ship in the repository's data/mnist folder and in the NeuralNetworks package; start from inside the repository or pass the folder, e.g. Mnist.Load(\"/path/to/data/mnist\").");
    }

    /// <summary>Loads the training and the test set.</summary>
    /// <param name="directory">The folder holding the four files; null finds it with <see cref="FindDataDirectory"/>.</param>
    /// <param name="verifyChecksums">Check the files against their <see cref="Sha256"/> hashes (see the remarks on
    /// <see cref="Mnist"/>); false trusts the folder's name (data/mnist is MNIST, any other folder other data) and reads
    /// the hashes only to explain a failure.</param>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">A file that must be the original differs from it, or a file is invalid or not a
    /// regular file (a directory, a device), or
    /// (hashes skipped) the training and test sets disagree while some of the files are the originals and others not.</exception>
    public static MnistData Load(string? directory = null, bool verifyChecksums = true)
    {
        directory ??= FindDataDirectory();
        // The test set on another thread meanwhile: inflating the files is most of the time taken, one core per file.
        var testPart = Task.Run(() => LoadPart(directory, TestImagesFile, TestLabelsFile, "test", verifyChecksums));
        (DataSet Data, bool Original) training;
        try
        {
            training = LoadPart(directory, TrainingImagesFile, TrainingLabelsFile, "training", verifyChecksums);
        }
        finally
        {
            Task.WaitAny(testPart);   // not left running when the training part throws (WaitAny does not throw)
        }
        var test = testPart.GetAwaiter().GetResult();   // its own exception, not wrapped
        bool original = training.Original && test.Original;
        if (training.Data.InputSize != test.Data.InputSize || training.Data.ClassCount != test.Data.ClassCount)
        {
            // The two sets disagree on what an example is. Before anyone judges a shape by them: if some of the files are
            // the published MNIST ones and another is not, that one is a changed copy, and that is the problem to report.
            if (ChangedCopy(directory) is { } changed) throw changed;
            // Images of two sizes: no network takes both (each set's own fit message would send the user to the other's).
            if (training.Data.InputSize != test.Data.InputSize)
                throw new InvalidDataException(
                    $"{directory}: the training images are {training.Data.ImageRows}×{training.Data.ImageColumns} ({training.Data.InputSize} inputs) " +
                    $"but the test images {test.Data.ImageRows}×{test.Data.ImageColumns} ({test.Data.InputSize} inputs); no network takes both: " +
                    "the two sets must hold images of one size.");
            // Other data: both sets get the same classes, so that one network fits both.
            int classes = Math.Max(training.Data.ClassCount, test.Data.ClassCount);
            if (training.Data.ClassCount != classes) training.Data = WithClasses(training.Data, classes);
            if (test.Data.ClassCount != classes) test.Data = WithClasses(test.Data, classes);
        }
        return new MnistData(training.Data, test.Data)
        {
            IsOriginal = original,
            Name = original ? "MNIST" : FolderName(directory),
        };
    }

    /// <summary>Loads the 60,000 training examples, "MNIST training" (or the training set of another data set, see <see cref="Load"/>).</summary>
    /// <param name="directory">The folder holding the files; null finds it with <see cref="FindDataDirectory"/>.</param>
    /// <param name="verifyChecksums">Check the files against their <see cref="Sha256"/> hashes where they must be MNIST.</param>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">A file that must be the original differs from it, or the file is invalid.</exception>
    public static DataSet LoadTraining(string? directory = null, bool verifyChecksums = true) =>
        LoadPart(directory, TrainingImagesFile, TrainingLabelsFile, "training", verifyChecksums).Data;

    /// <summary>Loads the 10,000 test examples, "MNIST test" (or the test set of another data set, see <see cref="Load"/>).</summary>
    /// <param name="directory">The folder holding the files; null finds it with <see cref="FindDataDirectory"/>.</param>
    /// <param name="verifyChecksums">Check the files against their <see cref="Sha256"/> hashes where they must be MNIST.</param>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">A file that must be the original differs from it, or the file is invalid.</exception>
    public static DataSet LoadTest(string? directory = null, bool verifyChecksums = true) =>
        LoadPart(directory, TestImagesFile, TestLabelsFile, "test", verifyChecksums).Data;

    /// <summary>True for a folder named data/mnist: the copy bundled with the repository (or a handout), which must be the original.</summary>
    public static bool IsBundledFolder(string directory)
    {
        var folder = new DirectoryInfo(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        return folder.Name == "mnist" && folder.Parent?.Name == "data";
    }

    private static DataSet WithClasses(DataSet data, int classes) =>
        new(data.AllPixelBytes.ToArray(), data.Labels.ToArray(), data.InputSize, classes, data.Name, data.ImageRows, data.ImageColumns);

    private static string FolderName(string directory) => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));

    /// <summary>Raised with the folder before a data set is read (the tests use it to check that a test reading the real
    /// MNIST files carries the trait that keeps it out of the fast subset).</summary>
    internal static event Action<string>? Loading;

    private static (DataSet Data, bool Original) LoadPart(string? directory, string imagesFile, string labelsFile, string part, bool verifyChecksums)
    {
        string folder = Path.GetFullPath(directory ?? FindDataDirectory());
        Loading?.Invoke(folder);
        string images = Path.Combine(folder, imagesFile);
        string labels = Path.Combine(folder, labelsFile);
        lock (partLocks.GetOrAdd(images, _ => new Lock()))
        {
            foreach (var file in new[] { images, labels })
            {
                DataFile.MustBeAFile(file);   // before its hash is read: reading a device or a FIFO would never finish
                if (!File.Exists(file))
                    throw new FileNotFoundException(
                        $"MNIST file not found: {file}. A data folder holds four IDX files under the MNIST names ({string.Join(", ", Sha256.Keys)}); " +
                        $"the original ones ship in the repository's {RelativeDataDirectory} folder, see data/README.md.", file);
            }
            // The same files (same length, same time written) are not read twice.
            string key = $"{images}|{Stamp(images)}|{Stamp(labels)}";
            (DataSet Data, bool Original, bool Verified) cached;
            bool found;
            lock (cacheLock) found = cache.TryGetValue(key, out cached);
            if (found && (cached.Verified || !verifyChecksums)) return (cached.Data, cached.Original);

            // Unchecked, the bundled folder is taken for MNIST and any other for the user's own data.
            bool original = IsBundledFolder(folder);
            if (verifyChecksums)
            {
                bool imagesMatch = HashMatches(images), labelsMatch = HashMatches(labels);
                original = imagesMatch && labelsMatch;
                if (!original && (IsBundledFolder(folder) || imagesMatch || labelsMatch))
                    throw NotTheOriginal(imagesMatch ? labels : images, IsBundledFolder(folder)
                        ? "the folder data/mnist holds the bundled MNIST copy"
                        : $"{Path.GetFileName(imagesMatch ? images : labels)} beside it is the original, so this pair claims to be MNIST");
            }
            string name = original ? $"MNIST {part}" : $"{FolderName(folder)} {part}";
            // Files found to be the originals: their images decompressed, from the cache when it holds them (MnistCache).
            bool verifiedOriginal = verifyChecksums && original;
            DataSet data;
            if (verifiedOriginal && MnistCache.TryRead(MnistCache.Folder, imagesFile) is { } cachedPixels)
                data = new DataSet(cachedPixels, Idx.ReadLabels(labels), MnistCache.Side * MnistCache.Side, 10, name, MnistCache.Side, MnistCache.Side);
            else
            {
                try
                {
                    data = Idx.LoadDataSet(images, labels, name, original ? 10 : null, verifiedByHash: verifiedOriginal);
                }
                catch (InvalidDataException e) when (!verifyChecksums && ChangedCopy(folder) is { } changed)
                {
                    // The hashes were skipped, but a file that differs from the original explains the failure best: say that first.
                    throw new InvalidDataException($"{changed.Message} Reading the data found: {e.Message}", e);
                }
                if (verifiedOriginal) MnistCache.TryWrite(MnistCache.Folder, imagesFile, data);
            }
            lock (cacheLock) cache[key] = (data, original, verifyChecksums);
            return (data, original);
        }
    }

    /// <summary>
    /// When some of the four files in <paramref name="folder"/> are the published MNIST files and others are not (a copy
    /// of MNIST with files changed or damaged), the error that names the first one that differs; else null (all four
    /// are the originals, or none is: other data). Reads every file, so it is called only once something has gone wrong.
    /// </summary>
    private static InvalidDataException? ChangedCopy(string folder)
    {
        // (Only regular files: reading a device or a FIFO among them would never finish.)
        var files = Sha256.Keys.Select(name => Path.Combine(folder, name)).Where(file => File.Exists(file) && DataFile.NotAFile(file) is null).ToArray();
        var originals = files.Where(HashMatches).Select(Path.GetFileName).ToArray();
        var changed = files.Where(file => !originals.Contains(Path.GetFileName(file))).ToArray();
        if (originals.Length == 0 || changed.Length == 0) return null;
        return NotTheOriginal(changed[0],
            $"{string.Join(", ", originals)} beside it {(originals.Length == 1 ? "is the original" : "are the originals")}, so this folder claims to be MNIST");
    }

    /// <summary>The error for <paramref name="file"/>, which differs from the original MNIST file although <paramref name="why"/>.</summary>
    private static InvalidDataException NotTheOriginal(string file, string why) => new(
        $"{file}: SHA-256 mismatch, the file is not the original MNIST file ({why}). Expected {Sha256[Path.GetFileName(file)]}, got {HashOf(file)}. " +
        "Restore it from the repository (git checkout -- data/mnist) or see data/README.md; a data set of your own belongs in a folder of its own, both files of a pair yours.");

    private static string Stamp(string file)
    {
        var info = new FileInfo(file);
        return $"{info.Length}@{info.LastWriteTimeUtc.Ticks}";
    }

    private static bool HashMatches(string file) => HashOf(file) == Sha256[Path.GetFileName(file)];

    private static string HashOf(string file)
    {
        // The bytes the file's length says, no more: a file that grows while it is read is hashed at the length it had.
        using var stream = File.OpenRead(file);
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        long left = stream.Length;
        while (left > 0)
        {
            int got = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (got == 0) break;   // it became shorter: the hash differs
            sha256.AppendData(buffer, 0, got);
            left -= got;
        }
        return Convert.ToHexStringLower(sha256.GetHashAndReset());
    }
}
