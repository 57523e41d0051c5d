using MathNet.Numerics.LinearAlgebra;
using static NeuralNetworks.Tests.TestNetworks;
using NeuralNetworks.Model;
using NeuralNetworks.Training;

namespace NeuralNetworks.Tests;

/// <summary>
/// BP1 lives in one place, <see cref="Cost.OutputError(LayerForward, Matrix{double})"/>: ∇ₐC passed back through the
/// output activation (σ′ number by number, the Jacobian for softmax). The closed form δᴸ = aᴸ − y of a matched pair is
/// proved equal to that general formula; the cost computed from z (softplus, log-sum-exp) is proved to have δᴸ as its
/// gradient; <see cref="Network.Backward(ForwardPass, Matrix{double})"/> and the fast path are proved to use it.
/// </summary>
public class OutputErrorTests
{
    /// <summary>Every output activation with every cost a network may pair it with.</summary>
    public static TheoryData<string, string> Pairs => new()
    {
        { "sigmoid", "quadratic" }, { "tanh", "quadratic" }, { "relu", "quadratic" }, { "softmax", "quadratic" },
        { "sigmoid", "cross-entropy" }, { "softmax", "log-likelihood" },
    };

    /// <summary>Weighted sums of 4 outputs × 3 examples in (−3, 3), none within 0.05 of ReLU's kink at 0.</summary>
    private static Matrix<double> SomeZ(int seed) =>
        Uniform(4, 3, new Random(seed), -3, 3).Map(z => Math.Abs(z) < 0.05 ? z + 0.1 : z);

    /// <summary>Targets for each cost: one-hot columns, or for the quadratic and cross-entropy costs any numbers in (0, 1).</summary>
    private static Matrix<double> TargetsFor(Cost cost, int seed) =>
        cost == Cost.LogLikelihood ? RandomTargets(4, 3, new Random(seed)) : Uniform(4, 3, new Random(seed), 0.05, 0.95);

    private static LayerForward OutputLayer(Matrix<double> z, Activation sigma) =>
        new(1, M.Dense(2, z.ColumnCount), M.Dense(z.RowCount, 2), V.Dense(z.RowCount), z, sigma.Apply(z), sigma);

    [Theory]
    [InlineData("sigmoid", "cross-entropy")]
    [InlineData("softmax", "log-likelihood")]
    public void A_matched_pairs_closed_form_a_minus_y_equals_the_general_formula_through_the_activations_derivative(string output, string cost)
    {
        var (sigma, c) = (Activation.Parse(output), Cost.Parse(cost));
        Assert.Same(sigma, c.MatchedOutputActivation);
        for (int seed = 1; seed <= 5; seed++)
        {
            var z = SomeZ(seed);
            var a = sigma.Apply(z);
            var y = TargetsFor(c, seed + 10);

            var general = sigma.Backpropagate(z, a, c.GradientWithRespectToOutput(a, y));   // ∇ₐC through σ′ or the Jacobian
            var closedForm = c.OutputError(z, a, y, sigma);

            Assert.Equal(0.0, (closedForm - (a - y)).Enumerate().Max(Math.Abs));
            Assert.True((closedForm - general).Enumerate().Max(Math.Abs) < 1e-13, $"seed {seed}: {(closedForm - general).Enumerate().Max(Math.Abs)}");
        }
    }

    [Theory]
    [InlineData("sigmoid")]
    [InlineData("tanh")]
    [InlineData("relu")]
    public void With_the_quadratic_cost_BP1_is_a_minus_y_times_sigma_prime_as_the_textbook_writes_it(string output)
    {
        var sigma = Activation.Parse(output);
        var z = SomeZ(3);
        var a = sigma.Apply(z);
        var y = TargetsFor(Cost.Quadratic, 4);
        var textbook = (a - y).PointwiseMultiply(sigma.Derivative(z));
        Assert.Equal(textbook, Cost.Quadratic.OutputError(OutputLayer(z, sigma), y));
    }

    [Fact]
    public void Through_a_softmax_output_BP1_is_the_Jacobian_transposed_times_the_gradient_of_the_cost()
    {
        var z = SomeZ(5);
        var a = Activation.Softmax.Apply(z);
        var y = TargetsFor(Cost.Quadratic, 6);
        var delta = Cost.Quadratic.OutputError(z, a, y, Activation.Softmax);
        for (int x = 0; x < z.ColumnCount; x++)
        {
            var J = Activation.Softmax.Jacobian(z.Column(x));
            var expected = J.TransposeThisAndMultiply(a.Column(x) - y.Column(x));
            Assert.True((delta.Column(x) - expected).AbsoluteMaximum() < 1e-15, $"column {x}");
        }
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void The_cost_of_the_output_layer_has_BP1s_error_as_its_gradient_in_z(string output, string cost)
    {
        // The cost as training measures it (Value of the layer, from z for a matched pair: softplus, log-sum-exp), nudged
        // entry by entry: (C(z + h) − C(z − h)) / 2h must be δᴸ of that example, divided by m (the cost is the batch mean).
        var (sigma, c) = (Activation.Parse(output), Cost.Parse(cost));
        var z = SomeZ(7);
        var y = TargetsFor(c, 8);
        var delta = c.OutputError(OutputLayer(z, sigma), y);
        const double h = 1e-6;
        int m = z.ColumnCount;
        for (int j = 0; j < z.RowCount; j++)
            for (int x = 0; x < m; x++)
            {
                var plus = z.Clone(); plus[j, x] += h;
                var minus = z.Clone(); minus[j, x] -= h;
                double numerical = (c.Value(OutputLayer(plus, sigma), y) - c.Value(OutputLayer(minus, sigma), y)) / (2 * h);
                Assert.Equal(delta[j, x] / m, numerical, 1e-8);
            }
    }

    [Theory]
    [InlineData("sigmoid", "cross-entropy")]
    [InlineData("softmax", "log-likelihood")]
    public void The_cost_from_z_equals_the_cost_from_a_and_stays_finite_where_a_rounds_to_0_or_1(string output, string cost)
    {
        var (sigma, c) = (Activation.Parse(output), Cost.Parse(cost));
        var z = SomeZ(9);
        var y = TargetsFor(c, 10);
        Assert.Equal(c.Value(sigma.Apply(z), y), c.Value(OutputLayer(z, sigma), y), 1e-13);

        // z = 800 on the wrong output: σ(800) is exactly 1 (cross-entropy's ln(1 − a) = −∞), and softmax gives the right class
        // exactly 0 (ln a_y = −∞); from z both costs are 800 (+ a rounding ln 2 for the two outputs of softmax at 0 vs 800).
        var far = M.DenseOfArray(new[,] { { 800.0 }, { 0.0 } });
        var target = M.DenseOfArray(new[,] { { 0.0 }, { 1.0 } });
        Assert.True(double.IsPositiveInfinity(c.Value(sigma.Apply(far), target)));
        Assert.Equal(sigma == Activation.Sigmoid ? 800 + Math.Log(2) : 800, c.Value(OutputLayer(far, sigma), target), 1e-9);
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Backward_starts_from_the_costs_output_error(string output, string cost)
    {
        var (sigma, c) = (Activation.Parse(output), Cost.Parse(cost));
        var network = Network.Create([5, 4, 3], seed: 2, Activation.Tanh, c, Initialization.Scaled, sigma);
        var random = new Random(3);
        var pass = network.Forward(Uniform(5, 6, random));
        var Y = c == Cost.LogLikelihood ? RandomTargets(3, 6, random) : Uniform(3, 6, random, 0.05, 0.95);

        var backward = network.Backward(pass, Y);

        Assert.Equal(c.OutputError(pass[2], Y), backward[2].Delta);
        Assert.Equal(c.Value(pass[2], Y), backward.Cost);
    }

    public static TheoryData<string, string> FastPairs => new()
    {
        { "sigmoid", "quadratic" }, { "tanh", "quadratic" }, { "relu", "quadratic" },
        { "sigmoid", "cross-entropy" }, { "softmax", "log-likelihood" },
    };

    [Theory]
    [MemberData(nameof(FastPairs))]
    public void The_fast_paths_output_error_and_cost_are_BP1s_and_the_costs(string output, string cost)
    {
        // One example, one layer, one step of η = 1 with a batch of 1: the fast path moves bˡ by exactly −δᴸ and Wˡ by −δᴸxᵀ
        // (in float32), and records the step's cost. Each must be what Cost.OutputError and Cost.Value give in double.
        var (sigma, c) = (Activation.Parse(output), Cost.Parse(cost));
        var network = Network.Create([6, 3], seed: 4, activation: Activation.Sigmoid, cost: c, initialization: Initialization.Scaled, outputActivation: sigma);
        var example = FastPathTests.Synthetic(1, 6, 3, seed: 2);
        var x = example.Images(0, 1);
        var y = example.Targets(0, 1);

        var result = network.Train(example, new TrainingOptions { Epochs = 1, BatchSize = 1, LearningRate = 1.0, Engine = TrainingEngine.Fast, RecordStepCosts = true });

        Assert.Equal(TrainingEngine.Fast, result.History.Engine.Engine);
        var pass = network.Forward(x);
        var delta = c.OutputError(pass[1], y).Column(0);
        var fastDelta = network.b(1) - result.Network.b(1);
        Assert.True((fastDelta - delta).AbsoluteMaximum() < 1e-5, $"δᴸ: fast {fastDelta}, OutputError {delta}");
        Assert.True(delta.AbsoluteMaximum() > 1e-2, $"δᴸ = {delta}: too small to tell a right δ from a wrong one");
        var fastGradW = network.W(1) - result.Network.W(1);
        Assert.True((fastGradW - delta.OuterProduct(x.Column(0))).Enumerate().Max(Math.Abs) < 1e-5);
        Assert.Equal(c.Value(pass[1], y), result.History.StepCosts![0], 1e-5);
    }

    [Fact]
    public void A_softmax_output_with_the_quadratic_cost_is_backpropagated_through_its_Jacobian_on_the_reference_path()
    {
        var network = Network.Create([5, 4, 3], seed: 6, Activation.Tanh, Cost.Quadratic, Initialization.Scaled, Activation.Softmax);
        var random = new Random(2);
        var check = GradientCheck.Run(network, Uniform(5, 4, random), RandomTargets(3, 4, random));
        Assert.InRange(check.MaxRelativeError, 0, 1e-6);

        // The fast path has no kernel for it: Auto falls back to the reference and says why; Fast refuses.
        var data = FastPathTests.Synthetic(40, 5, 3, seed: 1);
        var history = network.Train(data, new TrainingOptions { Epochs = 1, LearningRate = 0.5 }).History;
        Assert.Equal(TrainingEngine.Reference, history.Engine.Engine);
        Assert.Contains("softmax output is fast only with the log-likelihood cost", history.Engine.FallbackReason);
        Assert.Throws<NotSupportedException>(() => network.Train(data, new TrainingOptions { Epochs = 1, Engine = TrainingEngine.Fast }));
    }

    [Theory]
    [InlineData("sigmoid")]
    [InlineData("tanh")]
    [InlineData("relu")]
    [InlineData("softmax")]
    public void The_Jacobian_is_the_derivative_of_the_activation_and_backpropagation_multiplies_by_its_transpose(string name)
    {
        var sigma = Activation.Parse(name);
        var z = SomeZ(11);
        var g = Uniform(4, 3, new Random(12), -1, 1);
        var back = sigma.Backpropagate(z, sigma.Apply(z), g);
        const double h = 1e-6;
        for (int x = 0; x < z.ColumnCount; x++)
        {
            var J = sigma.Jacobian(z.Column(x));
            for (int k = 0; k < z.RowCount; k++)
            {
                var plus = z.Column(x).Clone(); plus[k] += h;
                var minus = z.Column(x).Clone(); minus[k] -= h;
                var column = (sigma.Apply(plus) - sigma.Apply(minus)) / (2 * h);    // ∂a/∂zₖ
                Assert.True((column - J.Column(k)).AbsoluteMaximum() < 1e-8, $"{name}, example {x}, column {k} of the Jacobian");
            }
            Assert.True((back.Column(x) - J.TransposeThisAndMultiply(g.Column(x))).AbsoluteMaximum() < 1e-15);
        }
        Assert.Equal(name != "softmax", sigma.IsNumberByNumber);
    }

    [Fact]
    public void Softmax_has_no_number_by_number_derivative_and_says_where_its_derivative_is()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Activation.Softmax.Derivative(0.5));
        Assert.Contains("Jacobian", e.Message);
    }

    [Fact]
    public void The_input_gradient_through_a_softmax_output_matches_finite_differences()
    {
        var network = Network.Create([6, 4, 3], seed: 8, Activation.Tanh, Cost.LogLikelihood, Initialization.Scaled, Activation.Softmax);
        var x = Uniform(6, 1, new Random(9)).Column(0);
        var gradient = network.InputGradient(x, output: 2);
        const double h = 1e-6;
        for (int k = 0; k < x.Count; k++)
        {
            var plus = x.Clone(); plus[k] += h;
            var minus = x.Clone(); minus[k] -= h;
            Assert.Equal((network.Output(plus)[2] - network.Output(minus)[2]) / (2 * h), gradient[k], 1e-8);
        }
    }

    [Fact]
    public void The_playground_refuses_in_CSharp_a_network_whose_output_its_page_cannot_compute()
    {
        var network = Network.Create([784, 4], seed: 1, cost: Cost.LogLikelihood, outputActivation: Activation.Softmax);
        var digits = Quadrants(3, seed: 1, side: 28);
        var e = Assert.Throws<ArgumentException>(() => NeuralNetworks.Plotting.Charts.Playground(network, digits));
        Assert.Contains("output layer is softmax", e.Message);
        Assert.Contains("sigmoid, tanh, relu", e.Message);
    }
}
