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

    /// <summary>The same 784-16-16-10 shape with ReLU hidden neurons (they do not saturate), a sigmoid output
    /// layer with the cross-entropy cost (no learning slowdown when an output is badly wrong), and weights from
    /// N(0, 1/n_in) (weighted sums start near N(0, 1)).</summary>
    public static Network BetterNetwork(int seed = 1) =>
        Network.Create(Layers, seed, Activation.ReLU, Cost.CrossEntropy, Initialization.Scaled, Activation.Sigmoid);

    /// <summary>Options for <see cref="BetterNetwork"/>: η = 0.05 shrinking by 5% an epoch, mini-batches of 10, 60 epochs.</summary>
    public static TrainingOptions Better => new()
    {
        LearningRate = 0.05, LearningRateDecay = 0.95, BatchSize = 10, Epochs = 60,
        Label = "ReLU hidden, cross-entropy, N(0,1/n), η = 0.05 × 0.95^epoch",
    };
}
