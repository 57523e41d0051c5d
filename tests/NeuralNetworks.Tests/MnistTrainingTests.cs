using NeuralNetworks;
using Xunit.Abstractions;

namespace NeuralNetworks.Tests;

/// <summary>
/// The two recipes the README reports, trained on all 60,000 MNIST training digits and measured on the
/// 10,000 test digits. Slow by design (whole training runs); grouped so they are easy to find and run.
/// </summary>
[Trait("Category", "Mnist")]
[Trait("Category", "Slow")]
public sealed class MnistTrainingTests(ITestOutputHelper output)
{
    private static readonly MnistData Data = Mnist.Load(Mnist.FindDataDirectory(AppContext.BaseDirectory));

    [Fact]
    public void Nielsens_recipe_reaches_93_percent_within_30_epochs()
    {
        // Quadratic cost, N(0, 1) initialisation, η = 3.0, mini-batches of 10: Nielsen's chapter 1.
        var history = TrainingRecipe.Nielsen.Train(Data.Training, Data.Test, seed: 1).History;

        Report(history);
        Assert.True(history.Epochs.Max(e => e.TestAccuracy) >= 0.93, $"best test accuracy {history.Epochs.Max(e => e.TestAccuracy):P2}");
        Assert.True(history.FinalTestAccuracy >= 0.93, $"final test accuracy {history.FinalTestAccuracy:P2}");
    }

    [Fact]
    public void The_documented_better_recipe_reaches_95_percent()
    {
        // ReLU hidden layers, cross-entropy, weights scaled by 1/√n_in, a decaying η: the recipe the README documents.
        var history = TrainingRecipe.Better.Train(Data.Training, Data.Test, seed: 1).History;

        Report(history);
        Assert.True(history.FinalTestAccuracy >= 0.95, $"final test accuracy {history.FinalTestAccuracy:P2}");
    }

    private void Report(TrainingHistory history)
    {
        foreach (var e in history.Epochs)
            output.WriteLine($"epoch {e.Epoch,2}: training cost {e.TrainingCost:0.0000}, test accuracy {e.TestAccuracy:P2}, {e.Seconds:0.000} s");
        output.WriteLine(history.ToString());
    }
}
