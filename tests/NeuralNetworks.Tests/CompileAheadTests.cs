using NeuralNetworks.Data;
using NeuralNetworks.Model;
using NeuralNetworks.Training;

namespace NeuralNetworks.Tests;

/// <summary>
/// <see cref="Trainer.CompileAhead"/> (what <c>train</c> calls while MNIST loads) only compiles: it leaves the network it
/// is given as it was, and a training after it gives the same weights, costs and accuracies, bit for bit, as one before
/// it, for every kind of step it compiles (one thread and two, momentum, shifts, a batch larger than its made-up examples,
/// softmax, a network of other sizes).
/// </summary>
public class CompileAheadTests
{
    public static TheoryData<string> Setups => ["nielsen", "batch 100 on two threads", "momentum and decay", "shifts", "batch 2000", "softmax", "3-5-2, batch 1"];

    private static (Network Network, DataSet Data, TrainingOptions Options) Setup(string name)
    {
        var mnistLike = FastPathTests.Synthetic(400, 784, 10, seed: 4);
        var network = Network.Create([784, 16, 16, 10], seed: 2);
        var options = new TrainingOptions { Epochs = 2, BatchSize = 10, LearningRate = 3.0, Seed = 3, TestData = FastPathTests.Synthetic(70, 784, 10, seed: 5) };
        return name switch
        {
            "nielsen" => (network, mnistLike, options),
            "batch 100 on two threads" => (network, mnistLike, options with { BatchSize = 100 }),
            "momentum and decay" => (network, mnistLike, options with { LearningRate = 0.5, Momentum = 0.9, Nesterov = true, WeightDecay = 1e-4 }),
            "shifts" => (network, mnistLike, options with { MaxShift = 1 }),   // 784 inputs: 28×28 images
            "batch 2000" => (network, FastPathTests.Synthetic(2500, 784, 10, seed: 6), options with { BatchSize = 2000 }),
            "softmax" => (Network.Create([784, 16, 16, 10], seed: 2, Activation.Tanh, Cost.LogLikelihood, Initialization.Scaled, Activation.Softmax), mnistLike, options with { LearningRate = 0.1 }),
            "3-5-2, batch 1" => (Network.Create([3, 5, 2], seed: 7), FastPathTests.Synthetic(50, 3, 2, seed: 8), options with { BatchSize = 1, TestData = null }),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
    }

    [Theory]
    [MemberData(nameof(Setups))]
    public void Compiling_ahead_leaves_the_network_and_the_training_after_it_as_they_were(string setup)
    {
        var (network, data, options) = Setup(setup);
        var before = network.Train(data, options);
        var weights = Enumerable.Range(1, network.LayerCount).Select(l => (network.W(l).Clone(), network.b(l).Clone())).ToList();

        Trainer.CompileAhead(network, options);

        for (int l = 1; l <= network.LayerCount; l++)
        {
            Assert.Equal(weights[l - 1].Item1, network.W(l));
            Assert.Equal(weights[l - 1].Item2, network.b(l));
        }
        var after = network.Train(data, options);
        Assert.Equal(TrainingEngine.Fast, after.History.Engine.Engine);
        Assert.Equal(0, FastPathTests.MaxWeightDifference(before.Network, after.Network));
        Assert.Equal(before.History.Epochs.Select(e => (e.TrainingCost, e.TestCost, e.TestAccuracy)),
                     after.History.Epochs.Select(e => (e.TrainingCost, e.TestCost, e.TestAccuracy)));
    }

    [Fact]
    public void Compiling_ahead_checks_the_options_as_training_does()
    {
        var network = Network.Create([4, 3, 2], seed: 1);
        var error = Assert.Throws<ArgumentException>(() => Trainer.CompileAhead(network, new TrainingOptions { BatchSize = 0 }));
        Assert.Equal(nameof(TrainingOptions.BatchSize), error.ParamName);
        Assert.Contains("at least 1, not 0", error.Message);
        Assert.Throws<ArgumentNullException>(() => Trainer.CompileAhead(null!));
        // Early stopping needs validation data, which may still be loading: not asked for here.
        Trainer.CompileAhead(network, new TrainingOptions { EarlyStoppingPatience = 3 });
    }
}
