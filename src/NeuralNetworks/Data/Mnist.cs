using System.Collections.ObjectModel;
using System.Security.Cryptography;

namespace NeuralNetworks;

/// <summary>The MNIST digits: 60,000 training and 10,000 test examples of 28×28 = 784 pixels, labels 0–9.</summary>
/// <param name="Training">The 60,000 training examples, "MNIST training".</param>
/// <param name="Test">The 10,000 test examples, "MNIST test".</param>
public sealed record MnistData(DataSet Training, DataSet Test);

/// <summary>
/// Loads the four MNIST files bundled in the repository's <c>data/mnist</c> folder (see data/README.md),
/// after checking their SHA-256 hashes, and keeps what it loaded so later calls return at once.
/// </summary>
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

    // Loaded data sets by full path of their images file. A DataSet never changes, so sharing one is safe.
    private static readonly Dictionary<string, (DataSet Data, bool Verified)> cache = [];
    private static readonly Lock cacheLock = new();

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
    /// <param name="verifyChecksums">Check each file against its <see cref="Sha256"/> hash before reading it.</param>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">A file's hash differs from the published one, or the file is invalid.</exception>
    public static MnistData Load(string? directory = null, bool verifyChecksums = true)
    {
        directory ??= FindDataDirectory();
        return new MnistData(LoadTraining(directory, verifyChecksums), LoadTest(directory, verifyChecksums));
    }

    /// <summary>Loads the 60,000 training examples, "MNIST training".</summary>
    /// <param name="directory">The folder holding the files; null finds it with <see cref="FindDataDirectory"/>.</param>
    /// <param name="verifyChecksums">Check each file against its <see cref="Sha256"/> hash before reading it.</param>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">A file's hash differs from the published one, or the file is invalid.</exception>
    public static DataSet LoadTraining(string? directory = null, bool verifyChecksums = true) =>
        LoadPart(directory, TrainingImagesFile, TrainingLabelsFile, "MNIST training", verifyChecksums);

    /// <summary>Loads the 10,000 test examples, "MNIST test".</summary>
    /// <param name="directory">The folder holding the files; null finds it with <see cref="FindDataDirectory"/>.</param>
    /// <param name="verifyChecksums">Check each file against its <see cref="Sha256"/> hash before reading it.</param>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">A file's hash differs from the published one, or the file is invalid.</exception>
    public static DataSet LoadTest(string? directory = null, bool verifyChecksums = true) =>
        LoadPart(directory, TestImagesFile, TestLabelsFile, "MNIST test", verifyChecksums);

    private static DataSet LoadPart(string? directory, string imagesFile, string labelsFile, string name, bool verifyChecksums)
    {
        string folder = Path.GetFullPath(directory ?? FindDataDirectory());
        string images = Path.Combine(folder, imagesFile);
        string labels = Path.Combine(folder, labelsFile);
        lock (cacheLock)
        {
            bool isCached = cache.TryGetValue(images, out var cached);
            if (isCached && (cached.Verified || !verifyChecksums))
                return cached.Data;

            foreach (var file in new[] { images, labels })
            {
                if (!File.Exists(file))
                    throw new FileNotFoundException(
                        $"MNIST file not found: {file}. The four MNIST files ({string.Join(", ", Sha256.Keys)}) are expected in the " +
                        $"repository's {RelativeDataDirectory} folder; see data/README.md.", file);
                if (verifyChecksums) VerifySha256(file);
            }

            var data = isCached ? cached.Data : Idx.LoadDataSet(images, labels, name);
            cache[images] = (data, verifyChecksums);
            return data;
        }
    }

    /// <summary>Checks a file's SHA-256 against the published hash for its name.</summary>
    private static void VerifySha256(string file)
    {
        string expected = Sha256[Path.GetFileName(file)];
        string actual;
        using (var stream = File.OpenRead(file)) actual = Convert.ToHexStringLower(SHA256.HashData(stream));
        if (actual != expected)
            throw new InvalidDataException(
                $"{file}: SHA-256 mismatch, the file is not the original MNIST file. Expected {expected}, got {actual}. " +
                "Restore it from the repository (git checkout -- data/mnist) or see data/README.md.");
    }
}
