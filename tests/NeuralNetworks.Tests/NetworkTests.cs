using MathNet.Numerics.LinearAlgebra;
using static NeuralNetworks.Tests.TestNetworks;
using NeuralNetworks.Model;

namespace NeuralNetworks.Tests;

public class NetworkTests
{
    [Fact]
    public void A_forward_pass_of_a_tiny_network_matches_the_hand_computation()
    {
        // z¹ = W¹x + b¹ = [0.1·1 + 0.2·2 + 0.5, −0.3·1 + 0.4·2 − 0.6] = [1.0, −0.1]
        // a¹ = [σ(1.0), σ(−0.1)] = [0.7310585786300049, 0.47502081252106]
        // z² = 0.7·a¹₁ − 0.8·a¹₂ + 0.9 = 1.0317243550241555;  a² = σ(z²) = 0.7372500614234645
        var pass = Tiny().Forward(V.Dense([1.0, 2.0]));

        Assert.Equal(1.0, pass[1].Z[0, 0], 1e-12);
        Assert.Equal(-0.1, pass[1].Z[1, 0], 1e-12);
        Assert.Equal(0.7310585786300049, pass[1].A[0, 0], 1e-12);
        Assert.Equal(0.47502081252106, pass[1].A[1, 0], 1e-12);
        Assert.Equal(1.0317243550241555, pass[2].Z[0, 0], 1e-12);
        Assert.Equal(0.7372500614234645, pass.Output[0, 0], 1e-12);
        Assert.Same(pass[1].A, pass[2].Input);
    }

    [Fact]
    public void The_quadratic_cost_and_output_error_of_the_tiny_network_match_the_hand_computation()
    {
        var network = Tiny();
        var pass = network.Forward(V.Dense([1.0, 2.0]));
        var backward = network.Backward(pass, V.Dense([1.0]));

        // C = ½(a − y)² = ½(0.7372500614234645 − 1)²; δ² = (a − y) σ′(z²) = (a − 1) a (1 − a)
        const double a = 0.7372500614234645;
        Assert.Equal(0.03451876511098659, backward.Cost, 1e-12);
        Assert.Equal((a - 1) * a * (1 - a), backward[2].Delta[0, 0], 1e-12);
        // BP2: δ¹ = (W²)ᵀ δ² ⊙ σ′(z¹)
        double d2 = (a - 1) * a * (1 - a);
        Assert.Equal(0.7 * d2 * 0.7310585786300049 * (1 - 0.7310585786300049), backward[1].Delta[0, 0], 1e-12);
        Assert.Equal(-0.8 * d2 * 0.47502081252106 * (1 - 0.47502081252106), backward[1].Delta[1, 0], 1e-12);
        // BP4: ∂C/∂W¹ⱼₖ = δ¹ⱼ xₖ with x = [1, 2]
        Assert.Equal(2 * backward[1].Delta[1, 0], backward[1].GradW[1, 1], 1e-15);
    }

    [Fact]
    public void Every_trace_of_784_16_16_10_has_the_shape_of_the_maths_and_there_are_13002_parameters()
    {
        var network = Network.Create([784, 16, 16, 10]);
        Assert.Equal(12_960, network.WeightCount);
        Assert.Equal(42, network.BiasCount);
        Assert.Equal(13_002, network.ParameterCount);

        var random = new Random(3);
        var X = Uniform(784, 5, random);
        var pass = network.Forward(X);
        var backward = network.Backward(pass, RandomTargets(10, 5, random));
        int[] n = [784, 16, 16, 10];
        Assert.Equal(3, pass.LayerCount);
        for (int l = 1; l <= 3; l++)
        {
            Assert.Equal(l, pass[l].Layer);
            Assert.Equal((n[l - 1], 5), (pass[l].Input.RowCount, pass[l].Input.ColumnCount));
            Assert.Equal((n[l], n[l - 1]), (pass[l].W.RowCount, pass[l].W.ColumnCount));
            Assert.Equal(n[l], pass[l].b.Count);
            Assert.Equal((n[l], 5), (pass[l].Z.RowCount, pass[l].Z.ColumnCount));
            Assert.Equal((n[l], 5), (pass[l].A.RowCount, pass[l].A.ColumnCount));
            Assert.Equal((n[l], 5), (backward[l].Delta.RowCount, backward[l].Delta.ColumnCount));
            Assert.Equal((n[l], n[l - 1]), (backward[l].GradW.RowCount, backward[l].GradW.ColumnCount));
            Assert.Equal(n[l], backward[l].GradB.Count);
        }
        Assert.Equal(5, pass.Predictions.Count);
        Assert.All(pass.Predictions, p => Assert.InRange(p, 0, 9));
    }

    [Theory]
    [InlineData(new[] { 784 }, "at least two layers")]
    [InlineData(new int[0], "at least two layers")]
    [InlineData(new[] { 784, 0, 10 }, "Layer 1 has size 0")]
    [InlineData(new[] { 784, 16, -3 }, "Layer 2 has size -3")]
    public void A_nonsense_layer_size_is_an_argument_exception_naming_it(int[] sizes, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => Network.Create(sizes));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void The_same_seed_gives_the_same_network_and_another_seed_another()
    {
        var a = Network.Create([10, 4, 3], seed: 7);
        var b = Network.Create([10, 4, 3], seed: 7);
        var c = Network.Create([10, 4, 3], seed: 8);
        Assert.Equal(a.W(1), b.W(1));
        Assert.NotEqual(a.W(1), c.W(1));
    }

    [Fact]
    public void Standard_initialisation_has_unit_variance_and_scaled_has_variance_one_over_fan_in()
    {
        var standard = Network.Create([784, 100, 10], seed: 2);
        var scaled = Network.Create([784, 100, 10], seed: 2, initialization: Initialization.Scaled);
        double Variance(Matrix<double> W) => W.Enumerate().Select(w => w * w).Average();
        Assert.InRange(Variance(standard.W(1)), 0.97, 1.03);          // 78,400 draws from N(0, 1)
        Assert.InRange(Variance(scaled.W(1)) * 784, 0.97, 1.03);      // N(0, 1/784)
        Assert.InRange(Variance(scaled.W(2)) * 100, 0.8, 1.2);        // 1,000 draws from N(0, 1/100)
    }

    [Fact]
    public void Forward_and_backward_never_change_the_network()
    {
        var network = Network.Create([6, 5, 4, 3], seed: 4);
        var before = network.Clone();
        var random = new Random(1);
        var pass = network.Forward(Uniform(6, 7, random));
        network.Backward(pass, RandomTargets(3, 7, random));
        GradientCheck.Run(network, Uniform(6, 2, random), RandomTargets(3, 2, random));
        for (int l = 1; l <= network.LayerCount; l++)
        {
            Assert.Equal(before.W(l), network.W(l));
            Assert.Equal(before.b(l), network.b(l));
        }
    }

    [Fact]
    public void A_step_returns_a_new_network_moved_against_the_gradient()
    {
        var network = Tiny();
        var backward = network.Backward(network.Forward(V.Dense([1.0, 2.0])), V.Dense([1.0]));
        var next = network.Step(backward, 0.5);
        Assert.Equal(0.1, network.W(1)[0, 0]);
        Assert.Equal(0.1 - 0.5 * backward[1].GradW[0, 0], next.W(1)[0, 0], 1e-15);
        Assert.Equal(0.9 - 0.5 * backward[2].GradB[0], next.b(2)[0], 1e-15);
        // A small step against the gradient lowers the cost.
        Assert.True(next.CostOf(M.DenseOfArray(new[,] { { 1.0 }, { 2.0 } }), M.Dense(1, 1, 1.0)) < backward.Cost);
    }

    [Fact]
    public void Inputs_of_the_wrong_size_are_rejected_with_both_sizes()
    {
        var e = Assert.Throws<ArgumentException>(() => Network.Create([784, 16, 10]).Forward(V.Dense(783)));
        Assert.Contains("783", e.Message);
        Assert.Contains("784", e.Message);
    }

    [Fact]
    public void Cross_entropy_needs_a_sigmoid_output_layer()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Network.Create([4, 3, 2], cost: Cost.CrossEntropy, outputActivation: Activation.ReLU));
        Assert.Contains("sigmoid", e.Message);
    }
}
