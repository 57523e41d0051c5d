namespace NeuralNetworks.Data;

/// <summary>A training and a test set loaded from a folder with the four MNIST file names: the MNIST digits
/// (60,000 training and 10,000 test examples of 28×28 = 784 pixels, labels 0–9), or a data set of the user's
/// own in the same IDX format.</summary>
/// <param name="Training">The training examples, e.g. "MNIST training".</param>
/// <param name="Test">The test examples, e.g. "MNIST test".</param>
public sealed record MnistData(DataSet Training, DataSet Test)
{
    /// <summary>True when both sets are the original MNIST files (their SHA-256 hashes say so, or were not checked);
    /// false for other data under the MNIST file names.</summary>
    public bool IsOriginal { get; init; } = true;

    /// <summary>"MNIST", or the name of the folder the other data came from.</summary>
    public string Name { get; init; } = "MNIST";
}
