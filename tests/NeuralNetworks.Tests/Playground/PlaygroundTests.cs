using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Model;
using NeuralNetworks.Data;
using NeuralNetworks.Plotting;
using NeuralNetworks.Course;

namespace NeuralNetworks.Tests.Browser;

/// <summary>The library side of the playground: the input gradient and the MNIST-style preprocessing.</summary>
public sealed class PlaygroundTests
{
    private static readonly VectorBuilder<double> V = Vector<double>.Build;

    [Fact]
    public void InputGradient_matches_central_differences_of_the_output()
    {
        var network = Network.Create([12, 5, 4, 3], seed: 7);
        var random = new Random(3);
        var x = V.Dense(12, _ => random.NextDouble());
        const double h = 1e-6;

        for (int j = 0; j < 3; j++)
        {
            var gradient = network.InputGradient(x, j);
            for (int p = 0; p < 12; p++)
            {
                var plus = x.Clone(); plus[p] += h;
                var minus = x.Clone(); minus[p] -= h;
                double numeric = (network.Output(plus)[j] - network.Output(minus)[j]) / (2 * h);
                Assert.Equal(numeric, gradient[p], 1e-8);
            }
        }
    }

    [Fact]
    public void InputGradient_is_the_library_backward_pass_carried_down_to_the_input()
    {
        // With C = ½‖a − y‖² and y = aᴸ − eⱼ, ∇ₐC = eⱼ: BP1 then starts from exactly the output aᴸⱼ, so Backward's δ¹
        // gives ∂aᴸⱼ/∂x = (W¹)ᵀ δ¹.
        var network = Network.Create([784, 16, 16, 10], seed: 1, cost: Cost.Quadratic);
        var random = new Random(5);
        var x = V.Dense(784, _ => random.NextDouble());
        var pass = network.Forward(x);
        for (int j = 0; j < 10; j++)
        {
            var y = pass.Output.Column(0) - V.Dense(10, i => i == j ? 1 : 0);
            var backward = network.Backward(pass, y);
            var expected = network.W(1).TransposeThisAndMultiply(backward[1].Delta.Column(0));

            var actual = network.InputGradient(x, j);

            Assert.True(expected.AbsoluteMaximum() > 1e-8);
            Assert.True((expected - actual).AbsoluteMaximum() <= 1e-12 * expected.AbsoluteMaximum());
        }
    }

    [Fact]
    public void InputGradient_names_an_output_that_does_not_exist()
    {
        var network = Network.Create([4, 3, 2], seed: 1);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => network.InputGradient(V.Dense(4), 2));
        Assert.Contains("outputs 0–1", error.Message);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(37, 81)]
    [InlineData(90, 3)]
    public void Preprocess_fits_a_square_of_ink_into_the_central_20_by_20_pixels_wherever_it_was_drawn(int left, int top)
    {
        // A 10×10 block of full ink: the box is 10 wide, so 0.5 drawing pixels per MNIST pixel, and its centre of mass
        // goes to (14, 14): MNIST pixels 4…23 in both directions are covered exactly, the rest not at all.
        var ink = new double[100 * 100];
        for (int y = top; y < top + 10; y++)
            for (int x = left; x < left + 10; x++) ink[y * 100 + x] = 1;

        var image = NeuralNetworks.Plotting.Playground.Preprocess(ink, 100, 100);

        for (int r = 0; r < 28; r++)
            for (int c = 0; c < 28; c++)
                Assert.Equal(r is >= 4 and < 24 && c is >= 4 and < 24 ? 1.0 : 0.0, image[r * 28 + c], 12);
    }

    [Fact]
    public void Preprocess_keeps_the_aspect_ratio_and_anti_aliases_the_edges_of_a_thin_stroke()
    {
        // A vertical bar 3 wide and 40 tall: 2 drawing pixels per MNIST pixel, so it becomes 1.5 pixels wide and 20
        // tall; its centre of mass goes to x = 14, so it covers [13.25, 14.75): three quarters of columns 13 and 14.
        var ink = new double[50 * 50];
        for (int y = 5; y < 45; y++)
            for (int x = 20; x < 23; x++) ink[y * 50 + x] = 1;

        var image = NeuralNetworks.Plotting.Playground.Preprocess(ink, 50, 50);

        for (int r = 4; r < 24; r++)
        {
            Assert.Equal(0.75, image[r * 28 + 13], 12);
            Assert.Equal(0.75, image[r * 28 + 14], 12);
            Assert.Equal(0.0, image[r * 28 + 12], 12);
            Assert.Equal(0.0, image[r * 28 + 15], 12);
        }
        Assert.Equal(0.0, image[3 * 28 + 13], 12);
        Assert.Equal(0.0, image[24 * 28 + 13], 12);
    }

    [Fact]
    public void Preprocess_of_an_empty_drawing_is_black_and_a_wrong_size_is_named()
    {
        Assert.All(NeuralNetworks.Plotting.Playground.Preprocess(new double[64], 8, 8), v => Assert.Equal(0.0, v));
        var error = Assert.Throws<ArgumentException>(() => NeuralNetworks.Plotting.Playground.Preprocess(new double[63], 8, 8));
        Assert.Contains("8×8 drawing has 64 pixels, not 63", error.Message);
    }

    [Fact]
    public void The_playground_refuses_a_network_that_does_not_take_28_by_28_pixels()
    {
        var digits = new DataSet(new byte[784 * 2], [3, 4], 784);
        var error = Assert.Throws<ArgumentException>(() => Charts.Playground(Network.Create([4, 3, 2]), digits));
        Assert.Contains("takes 4 inputs", error.Message);
    }

    [Fact]
    public void The_playground_shows_inline_in_a_notebook_without_a_second_plotly()
    {
        var network = Network.Create([784, 16, 16, 10], seed: 2);
        var digits = new DataSet(Enumerable.Range(0, 784 * 3).Select(i => (byte)(i % 251)).ToArray(), [3, 4, 5], 784);

        var playground = Charts.Playground(network, digits);
        var inline = NotebookHtml.Of(playground);

        Assert.Equal(3, playground.DigitCount);
        Assert.Contains("class=\"nn-playground\"", inline);
        Assert.Contains("Plotly.newPlot", inline);
        Assert.DoesNotContain("plotly.js v", inline);
        Assert.Contains("plotly.js v", playground.Html);
        Assert.Contains("<script type=\"application/json\" id=\"network\"", playground.Html);
        Assert.NotEqual(NotebookHtml.Of(playground), inline); // each inline copy gets its own id
    }
}
