using NeuralNetworks.Model;
using NeuralNetworks.Training;

namespace NeuralNetworks.Cli;

/// <summary>What <c>train</c> (and each run of <c>sweep</c>) was asked to do: the options as given, already in the
/// library's types; null means "the default, or the recipe's". Checked by <see cref="TrainingSetup.Check"/>.</summary>
public sealed record TrainArguments
{
    /// <summary>A recipe from <see cref="TrainingRecipe.All"/>, or null.</summary>
    public TrainingRecipe? Recipe { get; init; }

    /// <summary>Layer sizes, input first [default: 784, 16, 16, 10].</summary>
    public IReadOnlyList<int>? Layers { get; init; }

    /// <summary>Passes over the training set [default: 30].</summary>
    public int? Epochs { get; init; }

    /// <summary>Examples per gradient step, m [default: 10].</summary>
    public int? BatchSize { get; init; }

    /// <summary>η, the step size [default: 3.0].</summary>
    public double? LearningRate { get; init; }

    /// <summary>How η changes over the epochs [default: constant].</summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <summary>Momentum μ in [0, 1) [default: 0, plain SGD].</summary>
    public double? Momentum { get; init; }

    /// <summary>Nesterov's form of momentum (needs μ above 0).</summary>
    public bool? Nesterov { get; init; }

    /// <summary>L2 weight decay λ ≥ 0 [default: 0].</summary>
    public double? WeightDecay { get; init; }

    /// <summary>Move each training image by up to this many pixels each time it is used [default: 0, off].</summary>
    public int? MaxShift { get; init; }

    /// <summary>The cost [default: quadratic].</summary>
    public Cost? Cost { get; init; }

    /// <summary>σ of the hidden layers [default: sigmoid].</summary>
    public Activation? Activation { get; init; }

    /// <summary>σ of the output layer (cross-entropy needs sigmoid, log-likelihood softmax) [default: sigmoid].</summary>
    public Activation? OutputActivation { get; init; }

    /// <summary>How the weights start [default: standard, N(0, 1)].</summary>
    public Initialization? Initialization { get; init; }

    /// <summary>Seeds the starting weights and the shuffles.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The folder holding the four IDX files; null looks for data/mnist upward from the current directory.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Check the data files against the published MNIST SHA-256 hashes where they must be MNIST.</summary>
    public bool VerifyChecksums { get; init; } = true;

    /// <summary>Where the trained network is saved as JSON; null saves nothing (sweep).</summary>
    public string? Out { get; init; } = "network.json";

    /// <summary>Report progress within an epoch every this many steps (the live bar moves with it).</summary>
    public int ProgressEverySteps { get; init; } = 500;

    /// <summary>Show a live progress bar (true), plain lines (false), or decide from the terminal (null).</summary>
    public bool? Live { get; init; }
}
