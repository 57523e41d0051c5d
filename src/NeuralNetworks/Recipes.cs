namespace NeuralNetworks;

/// <summary>
/// The two training recipes this project documents for the 784-16-16-10 network, each a network to start
/// from and the options to train it with. The README and the notebooks report what each reached.
/// </summary>
public static class Recipes
{
    /// <summary>The layer sizes of 3Blue1Brown's network: 784 pixels in, two hidden layers of 16, 10 digits out.</summary>
    public static IReadOnlyList<int> Layers { get; } = [784, 16, 16, 10];

    /// <summary>Nielsen's chapter 1: quadratic cost, every weight and bias from N(0, 1).</summary>
    public static Network NielsenNetwork(int seed = 1) => Network.Create(Layers, seed);

    /// <summary>Nielsen's chapter 1: η = 3.0, mini-batches of 10, 30 epochs.</summary>
    public static TrainingOptions Nielsen => new() { LearningRate = 3.0, BatchSize = 10, Epochs = 30, Label = "Nielsen: quadratic, N(0,1), η = 3" };

    /// <summary>Cross-entropy cost (no learning slowdown from saturated outputs) and weights from N(0, 1/n_in)
    /// (hidden neurons start unsaturated).</summary>
    public static Network BetterNetwork(int seed = 1) =>
        Network.Create(Layers, seed, cost: Cost.CrossEntropy, initialization: Initialization.Scaled);

    /// <summary>Options for <see cref="BetterNetwork"/>: η = 0.1, mini-batches of 10, 30 epochs.</summary>
    public static TrainingOptions Better => new() { LearningRate = 0.1, BatchSize = 10, Epochs = 30, Label = "cross-entropy, N(0,1/n), η = 0.1" };
}
