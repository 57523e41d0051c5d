using System.Text.Json;
using System.Text.RegularExpressions;
using MathNet.Numerics.LinearAlgebra;
using Plotly.NET;
using NeuralNetworks.Model;
using NeuralNetworks.Data;
using NeuralNetworks.Training;
using NeuralNetworks.Plotting;

namespace NeuralNetworks.Tests.Browser;

/// <summary>The slider charts of notebooks 02, 03, 04 and 07: their frames hold the numbers the lessons compute.</summary>
public sealed partial class SliderChartsTests
{
    internal static double C2(double v1, double v2) => 0.5 * v1 * v1 + 5 * v2 * v2;

    internal static (double, double) Grad2(double v1, double v2) => (v1, 10 * v2);

    /// <summary>A neuron that adds the ink of the top-left quarter, on data whose label is the brightest quarter.</summary>
    internal static (Vector<double> Weights, DataSet Digits) QuarterDetector()
    {
        var digits = TestNetworks.Quadrants(200, seed: 4);
        var weights = Vector<double>.Build.Dense(64, k => k / 8 < 4 && k % 8 < 4 ? 1.0 : -0.2);
        return (weights, digits);
    }

    internal static TrainingHistory History(bool snapshots = true) =>
        Network.Create([784, 16, 16, 10], seed: 5).Train(
            new DataSet(Enumerable.Range(0, 784 * 20).Select(i => (byte)(i * 7 % 256)).ToArray(),
                Enumerable.Range(0, 20).Select(i => (byte)(i % 10)).ToArray(), 784),
            new TrainingOptions { Epochs = 3, BatchSize = 5, LearningRate = 1, RecordSnapshots = snapshots }).History;

    [Fact]
    public void BiasSlider_counts_the_digits_the_neuron_fires_for_at_every_bias()
    {
        var (weights, digits) = QuarterDetector();
        var chart = Charts.BiasSlider(weights, digits, digit: 0, minBias: -10, maxBias: 10, step: 5);

        var frames = Frames(chart);
        Assert.Equal(["b = −10", "b = −5", "b = 0", "b = 5", "b = 10"], frames.Select(f => f.GetProperty("name").GetString()!));
        var sums = Enumerable.Range(0, digits.Count).Select(i => weights * digits.Image(i)).ToArray();
        foreach (var (frame, b) in frames.Zip(new[] { -10.0, -5, 0, 5, 10 }))
        {
            int fires = Enumerable.Range(0, digits.Count).Count(i => digits.Label(i) == 0 && Activation.Sigmoid.Apply(sums[i] + b) > 0.5);
            int zeros = Enumerable.Range(0, digits.Count).Count(i => digits.Label(i) == 0);
            Assert.Contains($"fires for {fires} of {zeros} 0s", frame.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
            Assert.Equal([-b, -b], frame.GetProperty("data")[1].GetProperty("x").EnumerateArray().Select(v => v.GetDouble()));
        }
        Assert.Equal(2, Layout(chart).GetProperty("sliders")[0].GetProperty("active").GetInt32());   // starts at b = 0
    }

    [Fact]
    public void SigmoidSlider_puts_its_points_on_sigma_and_its_derivative_and_shades_where_the_derivative_is_below_a_hundredth()
    {
        var chart = Charts.SigmoidSlider(zMax: 6, step: 1);

        var frames = Frames(chart);
        Assert.Equal(13, frames.Length);
        var atZero = frames.Single(f => f.GetProperty("name").GetString() == "z = 0.0").GetProperty("data");
        Assert.Equal(0.5, atZero[0].GetProperty("y")[0].GetDouble(), 15);
        Assert.Equal(0.25, atZero[1].GetProperty("y")[0].GetDouble(), 15);
        var band = Layout(chart).GetProperty("shapes")[1];
        double edge = band.GetProperty("x0").GetDouble();
        Assert.Equal(0.01, Activation.Sigmoid.Derivative(edge), 12);
        Assert.Contains("saturated", frames[^1].GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
        Assert.DoesNotContain("saturated", frames[6].GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
    }

    [Fact]
    public void LearningRateSlider_says_what_each_learning_rate_does_on_the_bowl_of_notebook_07()
    {
        var chart = Charts.LearningRateSlider(C2, Grad2, learningRates: [0.02, 0.15, 0.19, 0.21]);

        var titles = Frames(chart).Select(f => f.GetProperty("layout").GetProperty("title").GetProperty("text").GetString()!).ToArray();
        Assert.Contains("too small", titles[0]);
        Assert.Contains("about right", titles[1]);
        Assert.Contains("too large: zig-zags", titles[2]);
        Assert.Contains("diverging", titles[3]);
        // The path of η = 0.21 after 20 steps: v₂ = (1 − 10η)²⁰ · 1.5 (the notebook's check).
        var v2 = Frames(chart)[3].GetProperty("data")[0].GetProperty("y");
        Assert.Equal(Math.Pow(1 - 10 * 0.21, 20) * 1.5, v2[20].GetDouble(), 9);
    }

    [Fact]
    public void WeightImagesOverEpochs_registers_named_frames_that_the_slider_and_Play_animate_by_name()
    {
        var history = History();
        var chart = Charts.WeightImagesOverEpochs(history);

        Assert.Equal(["epoch 0", "epoch 1", "epoch 2", "epoch 3"], Charts.FrameNames(chart));
        var frame = Frames(chart)[2];
        Assert.Equal(history.Snapshots![2].Weights[0][15, 28 * 14 + 9], frame.GetProperty("data")[15].GetProperty("z")[14][9].GetDouble(), 4);
        var layout = Layout(chart);
        Assert.Equal("epoch 2", layout.GetProperty("sliders")[0].GetProperty("steps")[2].GetProperty("args")[0][0].GetString());
        Assert.Equal(JsonValueKind.Null, layout.GetProperty("updatemenus")[0].GetProperty("buttons")[0].GetProperty("args")[0].ValueKind);
        var html = Charts.ToHtml(chart);
        Assert.Contains("Plotly.addFrames", html);
        Assert.Single(Regex.Matches(html, "\"name\":\"epoch 3\""));   // the frames travel once, not in every step
    }

    [Fact]
    public void Slider_charts_name_bad_arguments()
    {
        var (weights, digits) = QuarterDetector();
        Assert.Contains("has 3 weights but each digit has 64 pixels",
            Assert.Throws<ArgumentException>(() => Charts.BiasSlider(Vector<double>.Build.Dense(3), digits, 0)).Message);
        Assert.Contains("No digit in quadrants is labelled 7",
            Assert.Throws<ArgumentException>(() => Charts.BiasSlider(weights, digits, 7)).Message);
        Assert.Contains("RecordSnapshots = true",
            Assert.Throws<ArgumentException>(() => Charts.WeightImagesOverEpochs(History(snapshots: false))).Message);
    }

    private static JsonElement[] Frames(GenericChart chart)
    {
        var html = Charts.ToHtml(chart);
        var json = Regex.Match(html, @"var frames = (?<json>\[.*?\]);\s*\n", RegexOptions.Singleline).Groups["json"].Value;
        return JsonDocument.Parse(json).RootElement.EnumerateArray().ToArray();
    }

    private static JsonElement Layout(GenericChart chart) =>
        JsonDocument.Parse(GenericChart.toJson(chart)).RootElement.GetProperty("layout");
}
