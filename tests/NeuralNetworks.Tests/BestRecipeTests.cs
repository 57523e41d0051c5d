using Xunit.Abstractions;

namespace NeuralNetworks.Tests;

/// <summary>
/// <see cref="TrainingRecipe.Best"/>, trained on all 60,000 MNIST training digits, measured once on the 10,000 test
/// digits. Slow by design (a whole training run); grouped with the other MNIST runs.
/// </summary>
[Trait("Category", "Mnist")]
[Trait("Category", "Slow")]
public sealed class BestRecipeTests(ITestOutputHelper output)
{
    private static readonly MnistData Data = Mnist.Load(Mnist.FindDataDirectory(AppContext.BaseDirectory));

    [Fact]
    public void The_best_recipe_gets_96_percent_of_the_test_digits_right_with_seed_1()
    {
        var result = TrainingRecipe.Best.Train(Data.Training, test: null, seed: 1);
        var accuracy = result.Network.Evaluate(Data.Test).Accuracy;

        output.WriteLine($"{result.History}; test accuracy {accuracy:P2}");
        Assert.Equal(784 * 16 + 16 + 16 * 16 + 16 + 16 * 10 + 10, result.Network.ParameterCount);   // no extra parameters
        Assert.True(accuracy >= 0.96, $"test accuracy {accuracy:P2}");
    }
}
