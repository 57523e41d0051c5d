using MathNet.Numerics.LinearAlgebra;
using static NeuralNetworks.Tests.TestNetworks;
using NeuralNetworks.Model;

namespace NeuralNetworks.Tests;

public class BackwardTests
{
    public static TheoryData<string, string, int[]> Cases()
    {
        var data = new TheoryData<string, string, int[]>();
        int[][] shapes = [[3, 2], [5, 4, 3], [8, 6, 5, 4], [12, 3, 7, 2, 5]];
        foreach (var activation in new[] { "sigmoid", "tanh", "relu" })
            foreach (var cost in new[] { "quadratic", "cross-entropy" })
                foreach (var shape in shapes)
                    data.Add(activation, cost, shape);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_matches_finite_differences(string activation, string cost, int[] sizes)
    {
        // Hidden layers use the activation under test; the output layer too, unless cross-entropy needs sigmoid.
        var sigma = Activation.Parse(activation);
        var c = Cost.Parse(cost);
        var output = c == Cost.CrossEntropy ? Activation.Sigmoid : sigma;
        var network = Network.Create(sizes, seed: sizes.Sum(), activation: sigma, cost: c,
            initialization: Initialization.Scaled, outputActivation: output);
        var random = new Random(sizes.Length);
        var X = Uniform(sizes[0], 3, random);
        // Targets in (0, 1) for cross-entropy's sake; one-hot is a special case.
        var Y = Uniform(sizes[^1], 3, random, 0.05, 0.95);

        var check = GradientCheck.Run(network, X, Y, epsilon: 1e-4);

        Assert.True(check.MaxRelativeError < 1e-6, check.ToString());
        // The check compares real numbers: the gradients are not all zero.
        Assert.True(check.Layers.All(l => l.GradW.FrobeniusNorm() > 0), "some layer has an all-zero gradient");
    }

    [Fact]
    public void The_gradient_check_sees_a_wrong_gradient()
    {
        // Backprop with a wrong derivative, σ′(z) × 1.5 instead of σ′(z), gives wrong gradients; the finite
        // differences use σ itself only, so GradientCheck must report a large relative error where the right
        // derivative passes. (Activation has no public constructor: the broken one is made by an internal factory.)
        var sigmoid = Activation.Sigmoid;
        var wrong = Activation.NumberByNumberForTests("wrong-sigmoid", sigmoid.Apply, z => 1.5 * sigmoid.Derivative(z));
        var random = new Random(2);
        var x = Uniform(4, 1, random);
        var y = RandomTargets(2, 1, random);

        var right = GradientCheck.Run(Network.Create([4, 3, 2], seed: 5, activation: sigmoid), x, y);
        var broken = GradientCheck.Run(Network.Create([4, 3, 2], seed: 5, activation: wrong, outputActivation: wrong), x, y);

        Assert.True(right.MaxRelativeError < 1e-6, $"the right derivative: {right.MaxRelativeError}");
        Assert.True(broken.MaxRelativeError > 0.1, $"the wrong derivative: {broken.MaxRelativeError}");
        // The output layer's δᴸ = (aᴸ − y) ⊙ σ′(zᴸ) is 1.5 times too large, so is every entry of its ∂C/∂b:
        // relative error |1.5n − n| / (1.5|n| + |n|) = 0.2 wherever the gradient is not zero.
        Assert.All(broken[2].RelativeErrorB.Enumerate(), e => Assert.Equal(0.2, e, 1e-6));
    }

    [Fact]
    public void A_mini_batch_pass_equals_the_per_example_passes_with_gradients_averaged()
    {
        var network = Network.Create([7, 5, 4, 3], seed: 9);
        var random = new Random(4);
        const int m = 6;
        var X = Uniform(7, m, random);
        var Y = RandomTargets(3, m, random);

        var batch = network.Backward(network.Forward(X), Y);

        var singles = Enumerable.Range(0, m)
            .Select(x => network.Backward(network.Forward(X.Column(x)), Y.Column(x)))
            .ToArray();
        Assert.Equal(singles.Average(s => s.Cost), batch.Cost, 1e-14);
        for (int l = 1; l <= network.LayerCount; l++)
        {
            var meanW = singles.Select(s => s[l].GradW).Aggregate((p, q) => p + q) / m;
            var meanB = singles.Select(s => s[l].GradB).Aggregate((p, q) => p + q) / m;
            Assert.True((meanW - batch[l].GradW).Enumerate().Max(Math.Abs) < 1e-14);
            Assert.True((meanB - batch[l].GradB).Enumerate().Max(Math.Abs) < 1e-14);
            for (int x = 0; x < m; x++)
                Assert.True((singles[x][l].Delta.Column(0) - batch[l].Delta.Column(x)).Enumerate().Max(Math.Abs) < 1e-14);
        }
    }

    [Fact]
    public void Cross_entropy_with_a_sigmoid_output_has_output_error_a_minus_y()
    {
        var network = Network.Create([5, 4, 3], seed: 3, cost: Cost.CrossEntropy);
        var random = new Random(6);
        var pass = network.Forward(Uniform(5, 2, random));
        var Y = RandomTargets(3, 2, random);
        var backward = network.Backward(pass, Y);
        Assert.True((backward[2].Delta - (pass.Output - Y)).Enumerate().Max(Math.Abs) < 1e-15);
    }

    [Fact]
    public void Cross_entropy_from_z_equals_the_textbook_formula_from_a_and_stays_finite_where_a_rounds_to_0_or_1()
    {
        var network = Network.Create([5, 4, 3], seed: 3, cost: Cost.CrossEntropy);
        var random = new Random(6);
        var pass = network.Forward(Uniform(5, 4, random));
        var Y = RandomTargets(3, 4, random);
        Assert.Equal(Cost.CrossEntropy.Value(pass.Output, Y), Cost.CrossEntropy.Value(pass[2], Y), 1e-13);

        // z = 50: σ(z) is exactly 1.0 in double, so −ln(1 − a) is ∞; the cost of output 1 wrongly on is 50 (+ e⁻⁵⁰).
        var z = Matrix<double>.Build.Dense(1, 1, 50.0);
        var far = new LayerForward(1, z, Matrix<double>.Build.Dense(1, 1, 1.0), Vector<double>.Build.Dense(1), z, Activation.Sigmoid.Apply(z), Activation.Sigmoid);
        var target = Matrix<double>.Build.Dense(1, 1, 0.0);
        Assert.Equal(1.0, far.A[0, 0]);
        Assert.True(double.IsPositiveInfinity(Cost.CrossEntropy.Value(far.A, target)));
        Assert.Equal(50.0, Cost.CrossEntropy.Value(far, target), 1e-12);
        Assert.Equal(0.0, Cost.CrossEntropy.Value(far, Matrix<double>.Build.Dense(1, 1, 1.0)), 1e-20);
    }

    [Theory]
    [InlineData("sigmoid", 0.0, 0.5, 0.25)]
    [InlineData("sigmoid", 2.0, 0.8807970779778823, 0.10499358540350662)]
    [InlineData("tanh", 0.5, 0.46211715726000974, 0.7864477329659274)]
    [InlineData("relu", -1.5, 0.0, 0.0)]
    [InlineData("relu", 1.5, 1.5, 1.0)]
    public void Activations_and_their_derivatives_have_the_textbook_values(string name, double z, double a, double derivative)
    {
        var sigma = Activation.Parse(name);
        Assert.Equal(a, sigma.Apply(z), 1e-15);
        Assert.Equal(derivative, sigma.Derivative(z), 1e-15);
    }

    [Fact]
    public void Unknown_activation_and_cost_names_are_rejected_with_the_choices()
    {
        Assert.Contains("sigmoid, tanh, relu or softmax", Assert.Throws<ArgumentException>(() => Activation.Parse("swish")).Message);
        Assert.Contains("quadratic, cross-entropy or log-likelihood", Assert.Throws<ArgumentException>(() => Cost.Parse("hinge")).Message);
    }
}
