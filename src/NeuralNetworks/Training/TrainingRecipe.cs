using NeuralNetworks.Data;
using NeuralNetworks.Model;

namespace NeuralNetworks.Training;

/// <summary>
/// A way to train the 784-16-16-10 network that this project documents: the network to start from and the
/// options to train it with. The README and notebooks 09 and 11 report what each recipe reached.
/// </summary>
/// <param name="Key">The short name the command line's <c>--recipe</c> takes: nielsen, better, best.</param>
/// <param name="Name">A short description for tables and chart legends; also the options' <see cref="TrainingOptions.Label"/>.</param>
/// <param name="CreateNetwork">Makes the starting network for a seed.</param>
/// <param name="Options">How to train it (add <c>TestData</c> to measure each epoch).</param>
public sealed record TrainingRecipe(string Key, string Name, Func<int, Network> CreateNetwork, TrainingOptions Options)
{
    /// <summary>How to train it, labelled with the recipe's <see cref="Name"/> (add <c>TestData</c> to measure each epoch).</summary>
    public TrainingOptions Options { get; init; } = Options with { Label = Options.Label ?? Name };

    /// <summary>The layer sizes of 3Blue1Brown's network: 784 pixels in, two hidden layers of 16, 10 digits out.</summary>
    public static IReadOnlyList<int> Layers { get; } = [784, 16, 16, 10];

    /// <summary>Nielsen's chapter 1: sigmoid neurons, quadratic cost, every weight and bias from N(0, 1);
    /// η = 3.0, mini-batches of 10, 30 epochs.</summary>
    public static TrainingRecipe Nielsen { get; } = new(
        "nielsen", "Nielsen: sigmoid, quadratic, N(0,1), η = 3",
        seed => Model.Network.Create(Layers, seed),
        new TrainingOptions { LearningRate = 3.0, BatchSize = 10, Epochs = 30 });

    /// <summary>
    /// The same shape with ReLU hidden neurons (they do not saturate), a sigmoid output layer with the cross-entropy
    /// cost (no learning slowdown when an output is badly wrong) and weights from N(0, 1/n_in) (weighted sums start
    /// near N(0, 1)); η = 0.05 shrinking by 5% an epoch (an exponential schedule), mini-batches of 10, 60 epochs.
    /// </summary>
    public static TrainingRecipe Better { get; } = new(
        "better", "ReLU hidden, cross-entropy, N(0,1/n), η = 0.05 × 0.95^(e−1) in epoch e",
        seed => Model.Network.Create(Layers, seed, Activation.ReLU, Cost.CrossEntropy, Initialization.Scaled, Activation.Sigmoid),
        new TrainingOptions { LearningRate = 0.05, Schedule = LearningRateSchedule.Exponential(0.95), BatchSize = 10, Epochs = 60 });

    /// <summary>
    /// The best this project found for 784-16-16-10 (notebook 11, docs/learning-better.md), every choice made on the
    /// validation split: tanh hidden neurons, a softmax output layer with the log-likelihood cost, weights from N(0, 1/n_in);
    /// mini-batches of 64 with Nesterov momentum μ = 0.9 and η = 0.04 on a cosine schedule over 30 epochs; and every
    /// training image moved by up to one pixel each time it is used (data augmentation). Still 13,002 parameters.
    /// </summary>
    public static TrainingRecipe Best { get; } = new(
        "best", "Best: tanh, softmax, Nesterov μ = 0.9, η = 0.04 cosine, shifts ±1",
        seed => Model.Network.Create(Layers, seed, Activation.Tanh, Cost.LogLikelihood, Initialization.Scaled, Activation.Softmax),
        new TrainingOptions
        {
            LearningRate = 0.04,
            Schedule = LearningRateSchedule.Cosine,
            Momentum = 0.9,
            Nesterov = true,
            BatchSize = 64,
            Epochs = 30,
            MaxShift = 1,
        });

    /// <summary>Every recipe by its <see cref="Key"/> (<c>nielsen</c>, <c>better</c>, <c>best</c>): the one list the CLI's
    /// <c>--recipe</c> option and its help read, so a recipe added here appears there.</summary>
    public static IReadOnlyDictionary<string, TrainingRecipe> All { get; } = new[] { Nielsen, Better, Best }.ToDictionary(recipe => recipe.Key);

    /// <summary>The starting network for <paramref name="seed"/>.</summary>
    public Network Network(int seed = 1) => CreateNetwork(seed);

    /// <summary>Trains this recipe's network for <paramref name="seed"/> on <paramref name="training"/>, measuring each
    /// epoch on <paramref name="test"/> when given.</summary>
    public TrainingResult Train(DataSet training, DataSet? test = null, int seed = 1) =>
        Network(seed).Train(training, Options with { Seed = seed, TestData = test });
}
