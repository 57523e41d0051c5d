using NeuralNetworks.Data;
using NeuralNetworks.Training;

namespace NeuralNetworks.Tests;

/// <summary>
/// The recipes the README's "What it reaches" table reports, each trained on all 60,000 MNIST training digits with
/// seed 1 and measured on the 10,000 test digits, as <c>train --recipe NAME</c> does. Slow by design (whole training
/// runs); grouped so they are easy to find and run.
/// </summary>
[Trait("Category", Category.Mnist)]
[Trait("Category", Category.Slow)]
public sealed class MnistTrainingTests(ITestOutputHelper output)
{
    private static readonly MnistData Data = Mnist.Load(Mnist.FindDataDirectory(AppContext.BaseDirectory));

    /// <summary>Recipe, the bar it must clear, and the test digits the README quotes for seed 1 (measured on the fast path).</summary>
    public static TheoryData<string, double, int> Recipes => new()
    {
        { "nielsen", 0.93, 9_410 },   // Nielsen's chapter 1: sigmoid, quadratic cost, N(0, 1) weights, η = 3, m = 10
        { "better", 0.95, 9_548 },    // notebook 09: ReLU hidden, cross-entropy, scaled weights, decaying η
        { "best", 0.96, 9_629 },      // notebook 11: tanh, softmax, Nesterov, cosine η, shifted digits (3Blue1Brown's "about 96 %")
    };

    [Theory]
    [MemberData(nameof(Recipes))]
    public void Each_recipe_clears_its_bar_with_seed_1_and_gets_the_digits_right_that_the_README_quotes(string name, double bar, int readme)
    {
        var recipe = TrainingRecipe.All[name];
        var result = recipe.Train(Data.Training, Data.Test, seed: 1);
        var history = result.History;
        foreach (var e in history.Epochs)
            output.WriteLine($"epoch {e.Epoch,2}: training cost {e.TrainingCost:0.0000}, test accuracy {e.TestAccuracy:P2}, {e.Seconds:0.000} s");
        output.WriteLine($"{history}; {history.Engine}");
        int correct = result.Network.Evaluate(Data.Test).Correct;

        Assert.Equal(13_002, result.Network.ParameterCount);   // 784-16-16-10 every time: no extra parameters
        Assert.True(history.FinalTestAccuracy >= bar, $"{name}: final test accuracy {history.FinalTestAccuracy:P2}, bar {bar:P0}");
        Assert.Equal(correct / 10_000.0, history.FinalTestAccuracy!.Value, 12);
        // The README's figure is the fast path's, the same bit for bit on every SIMD width and thread count; a CPU that
        // falls back to the reference path (none of AVX-512, AVX2, NEON with FMA) rounds differently.
        if (history.Engine.Engine == TrainingEngine.Fast)
            Assert.Equal(readme, correct);
    }
}
