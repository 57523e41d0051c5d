using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Model;

namespace NeuralNetworks.Data;

/// <summary>
/// Labelled examples: each input is a vector of pixel intensities in [0, 1] (the stored byte / 255), each
/// label a class 0…<see cref="ClassCount"/>−1 with its one-hot target vector y.
/// For MNIST an input is a 28×28 image flattened row by row into a 784-vector: pixel (row r, column c)
/// is element 28·r + c.
/// </summary>
/// <remarks>
/// Pixels are kept as bytes (47 MB for the 60,000 MNIST training images instead of 376 MB as doubles);
/// <see cref="Image"/> and <see cref="Images(int, int)"/> turn them into MathNet vectors and matrices on demand.
/// </remarks>
public sealed class DataSet
{
    private readonly byte[] pixels;
    private readonly byte[] labels;

    /// <summary>Creates a data set from raw bytes: <paramref name="pixels"/> holds example i's input at
    /// [i·inputSize, (i+1)·inputSize), <paramref name="labels"/> its class.</summary>
    /// <exception cref="ArgumentException">The sizes disagree or a label is not below <paramref name="classCount"/>.</exception>
    public DataSet(byte[] pixels, byte[] labels, int inputSize, int classCount = 10, string name = "data", int imageRows = 0, int imageColumns = 0)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        if (inputSize < 1) throw new ArgumentException($"Input size must be at least 1, not {inputSize}.", nameof(inputSize));
        if (classCount < 1 || classCount > 256) throw new ArgumentException($"Class count must be between 1 and 256, not {classCount}.", nameof(classCount));
        if (pixels.Length != (long)labels.Length * inputSize)
            throw new ArgumentException($"{name}: {pixels.Length} pixel bytes do not make {labels.Length} inputs of {inputSize} (expected {(long)labels.Length * inputSize}).", nameof(pixels));
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] >= classCount)
                throw new ArgumentException($"{name}: label {labels[i]} of example {i} is not a class 0–{classCount - 1}.", nameof(labels));
        if (imageRows < 0 || imageColumns < 0 || ((imageRows, imageColumns) != (0, 0) && (long)imageRows * imageColumns != inputSize))
            throw new ArgumentException($"{name}: an image of {imageRows}×{imageColumns} does not hold {inputSize} inputs.", nameof(imageRows));
        this.pixels = pixels;
        this.labels = labels;
        InputSize = inputSize;
        ClassCount = classCount;
        Name = name;
        // Without a shape, a square number of inputs is a square image (784 → 28×28); anything else one row.
        int side = (int)Math.Sqrt(inputSize);
        ImageRows = imageRows != 0 ? imageRows : side * side == inputSize ? side : 1;
        ImageColumns = imageColumns != 0 ? imageColumns : inputSize / ImageRows;
    }

    /// <summary>A short name for messages and chart titles, e.g. "MNIST training".</summary>
    public string Name { get; }

    /// <summary>How many examples.</summary>
    public int Count => labels.Length;

    /// <summary>Numbers per input: 784 for MNIST.</summary>
    public int InputSize { get; }

    /// <summary>Number of classes: 10 digits for MNIST.</summary>
    public int ClassCount { get; }

    /// <summary>Rows of an input seen as an image (28 for MNIST).</summary>
    public int ImageRows { get; }

    /// <summary>Columns of an input seen as an image (28 for MNIST).</summary>
    public int ImageColumns { get; }

    /// <summary>Input i as a vector a⁰ with entries pixel/255 in [0, 1].</summary>
    public Vector<double> Image(int i)
    {
        CheckIndex(i);
        return Vector<double>.Build.Dense(InputSize, k => pixels[(long)i * InputSize + k] / 255.0);
    }

    /// <summary>Input i as an image: a <see cref="ImageRows"/>×<see cref="ImageColumns"/> matrix, row 0 at the top.</summary>
    public Matrix<double> ImageMatrix(int i)
    {
        CheckIndex(i);
        return Matrix<double>.Build.Dense(ImageRows, ImageColumns, (r, c) => pixels[(long)i * InputSize + r * ImageColumns + c] / 255.0);
    }

    /// <summary>The class of example i.</summary>
    public int Label(int i)
    {
        CheckIndex(i);
        return labels[i];
    }

    /// <summary>The one-hot target y of example i: 1 at the label, 0 elsewhere.</summary>
    public Vector<double> Target(int i) => OneHot(Label(i), ClassCount);

    /// <summary>Examples start…start+count−1 as one matrix, one column per example (InputSize × count).</summary>
    public Matrix<double> Images(int start, int count) => Images(Enumerable.Range(start, CheckRange(start, count)).ToArray());

    /// <summary>The given examples as one matrix, one column per example.</summary>
    public Matrix<double> Images(IReadOnlyList<int> indices)
    {
        foreach (var i in indices) CheckIndex(i);
        return Matrix<double>.Build.Dense(InputSize, indices.Count, (k, j) => pixels[(long)indices[j] * InputSize + k] / 255.0);
    }

    /// <summary>One-hot targets of examples start…start+count−1, one column per example (ClassCount × count).</summary>
    public Matrix<double> Targets(int start, int count) => Targets(Enumerable.Range(start, CheckRange(start, count)).ToArray());

    /// <summary>One-hot targets of the given examples, one column per example.</summary>
    public Matrix<double> Targets(IReadOnlyList<int> indices)
    {
        foreach (var i in indices) CheckIndex(i);
        return Matrix<double>.Build.Dense(ClassCount, indices.Count, (k, j) => labels[indices[j]] == k ? 1.0 : 0.0);
    }

    /// <summary>All labels, in order.</summary>
    public IReadOnlyList<byte> Labels => Array.AsReadOnly(labels);   // a view: callers cannot write into the data set

    /// <summary>The stored bytes of example i (pixel values 0–255), for code that reads the data without copying.</summary>
    public ReadOnlySpan<byte> PixelBytes(int i)
    {
        CheckIndex(i);
        return new ReadOnlySpan<byte>(pixels, checked(i * InputSize), InputSize);
    }

    /// <summary>All labels as stored, for the fast training path.</summary>
    internal ReadOnlySpan<byte> AllLabels => labels;

    /// <summary>All stored pixel bytes, example after example.</summary>
    public ReadOnlySpan<byte> AllPixelBytes => pixels;

    /// <summary>The first <paramref name="count"/> examples (all of them when there are fewer).</summary>
    public DataSet Take(int count) => Slice(0, Math.Min(Math.Max(count, 0), Count));

    /// <summary>Examples start…start+count−1 as a data set of their own.</summary>
    public DataSet Slice(int start, int count)
    {
        CheckRange(start, count);
        return Select(Enumerable.Range(start, count).ToArray(), $"{Name} [{start}..{start + count})");
    }

    /// <summary>
    /// Splits the examples in two, in order: the first <paramref name="firstCount"/> and the rest. Nielsen's split of
    /// the 60,000 MNIST training digits is <c>var (training, validation) = all.Split(50_000)</c>: train on the first
    /// 50,000, choose models and recipes on the last 10,000, and keep the test set for one final report.
    /// </summary>
    /// <param name="firstCount">Examples in the first part, 1…Count−1.</param>
    /// <param name="firstName">The first part's name (default "{Name} [0..firstCount)").</param>
    /// <param name="restName">The second part's name (default "{Name} [firstCount..Count)").</param>
    public (DataSet First, DataSet Second) Split(int firstCount, string? firstName = null, string? restName = null)
    {
        if (firstCount < 1 || firstCount >= Count)
            throw new ArgumentOutOfRangeException(nameof(firstCount), firstCount, $"{Name} has {Count} examples: both parts of a split need at least one, so the first part takes 1…{Count - 1}.");
        return (Select(Enumerable.Range(0, firstCount).ToArray(), firstName ?? $"{Name} [0..{firstCount})"),
                Select(Enumerable.Range(firstCount, Count - firstCount).ToArray(), restName ?? $"{Name} [{firstCount}..{Count})"));
    }

    /// <summary><paramref name="count"/> examples drawn without replacement, the same ones for the same seed.</summary>
    public DataSet Sample(int count, int seed = 1)
    {
        if (count < 0 || count > Count) throw new ArgumentOutOfRangeException(nameof(count), count, $"{Name} has {Count} examples; cannot sample {count}.");
        var order = Enumerable.Range(0, Count).ToArray();
        new Random(seed).Shuffle(order);
        return Select(order[..count], $"{Name} sample of {count}");
    }

    /// <summary>The examples at the given indices, in that order.</summary>
    public DataSet Select(IReadOnlyList<int> indices, string? name = null)
    {
        var p = LargeArrays.Uninitialized(checked(indices.Count * InputSize));   // every byte copied below
        var l = new byte[indices.Count];
        for (int j = 0; j < indices.Count; j++)
        {
            CheckIndex(indices[j]);
            Array.Copy(pixels, (long)indices[j] * InputSize, p, (long)j * InputSize, InputSize);
            l[j] = labels[indices[j]];
        }
        return new DataSet(p, l, InputSize, ClassCount, name ?? $"{Name} selection", ImageRows, ImageColumns);
    }

    /// <summary>The one-hot vector of length <paramref name="classCount"/> with a 1 at <paramref name="label"/>.</summary>
    public static Vector<double> OneHot(int label, int classCount = 10)
    {
        if (label < 0 || label >= classCount) throw new ArgumentOutOfRangeException(nameof(label), label, $"A label must be a class 0–{classCount - 1}.");
        var y = Vector<double>.Build.Dense(classCount);
        y[label] = 1.0;
        return y;
    }

    /// <summary>
    /// Throws unless this data set has examples and <paramref name="network"/> fits them: its first layer takes
    /// <see cref="InputSize"/> inputs and its last gives <see cref="ClassCount"/> outputs. The message names what was
    /// found and the layers that would fit (hidden layers unchanged), e.g. "layers 400-16-16-10 would fit".
    /// </summary>
    /// <exception cref="ArgumentException">The network does not fit (parameter name "network").</exception>
    public void CheckFits(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (Count == 0) throw new ArgumentException($"{Name} has no examples.", nameof(network));
        if (InputSize == network.Sizes[0] && ClassCount == network.Sizes[^1]) return;
        string inputs = ImageRows > 1 ? $"{ImageRows}×{ImageColumns} = {InputSize} pixels" : $"{InputSize} numbers";
        var fitting = network.Sizes.ToArray();
        fitting[0] = InputSize;
        fitting[^1] = ClassCount;
        throw new ArgumentException(
            $"{Name} does not fit the network {network.Shape}: its inputs are {inputs} and its labels {ClassCount} class{(ClassCount == 1 ? "" : "es")}, " +
            $"but the network takes {network.Sizes[0]} input{(network.Sizes[0] == 1 ? "" : "s")} and gives {network.Sizes[^1]} output{(network.Sizes[^1] == 1 ? "" : "s")}; " +
            $"layers {string.Join("-", fitting)} would fit.{StrayLabel()}", nameof(network));
    }

    // The classes run to the largest label. When that label stands far above the others (most values below it never occur),
    // it is more likely a damaged byte than a class: say where it is, rather than only offering a network with that many outputs.
    private string StrayLabel()
    {
        if (ClassCount <= 10) return "";
        var counts = new int[ClassCount];
        foreach (var label in labels) counts[label]++;
        int largest = ClassCount - 1, used = counts.Count(c => c > 0);
        int below = Array.FindLastIndex(counts, largest - 1, c => c > 0);
        if (used * 2 > ClassCount || below < 0) return "";
        int first = Array.IndexOf(labels, (byte)largest);
        return $" But only {used} of the {ClassCount} label values 0–{largest} occur, and the largest, {largest}, stands apart from the others " +
               $"(up to {below}): it is on {counts[largest]:N0} example{(counts[largest] == 1 ? "" : "s")}, the first at example {first:N0}. " +
               "Is the labels file damaged there?";
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {Count} examples of {InputSize} inputs, {ClassCount} classes";

    private void CheckIndex(int i)
    {
        if ((uint)i >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(i), i, $"{Name} has examples 0–{Count - 1}.");
    }

    private int CheckRange(int start, int count)
    {
        if (start < 0 || count < 0 || count > Count - start)
            throw new ArgumentOutOfRangeException(nameof(count), $"{Name} has examples 0–{Count - 1}; [{start}, {(long)start + count}) is outside.");
        return count;
    }
}
