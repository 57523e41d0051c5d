using System.Globalization;
using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Data;
using NeuralNetworks.Model;
using NeuralNetworks.Plotting;
using NeuralNetworks.Training;
using Plotly.NET;

namespace NeuralNetworks.Tests;

/// <summary>
/// The pictures of notebooks 08 and 09, checked through the figure JSON: the chain-rule tree shows the chain's own numbers,
/// the template chart the weights, the strongest responses the right digits, and the inside-training chart the passes it
/// was given, with the numbers of its titles computed from them.
/// </summary>
public class LearningChartsTests
{
    private static JsonElement Figure(GenericChart chart) => JsonDocument.Parse(GenericChart.toJson(chart)).RootElement;

    private static string[] Annotations(GenericChart chart) =>
        Figure(chart).GetProperty("layout").GetProperty("annotations").EnumerateArray().Select(a => a.GetProperty("text").GetString()!).ToArray();

    private static string Show(double v) => v.ToString(Math.Abs(v) is > 0 and < 1e-3 ? "0.00e+0" : "0.####", CultureInfo.InvariantCulture);

    /// <summary>Made-up digits: example i has a bright row (3 + i % 20) and label i % 10.</summary>
    private static DataSet Digits(int count)
    {
        var pixels = new byte[count * 784];
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = (byte)(i % 10);
            for (int c = 4 + i % 7; c < 24; c++) pixels[i * 784 + (3 + i % 20) * 28 + c] = (byte)(100 + 15 * (i % 10));
        }
        return new DataSet(pixels, labels, 784, 10, "made-up", 28, 28);
    }

    [Fact]
    public void The_chain_rule_tree_shows_every_value_and_gradient_of_the_chain()
    {
        var chain = Network.Create([1, 1, 1, 1], seed: 3);
        double x = 0.8, y = 1;
        var pass = chain.Forward(Matrix<double>.Build.Dense(1, 1, x));
        var backward = chain.Backward(pass, Matrix<double>.Build.Dense(1, 1, y));
        var texts = Annotations(Charts.ChainRuleTree(chain, x, y));

        Assert.Contains($"<b>C</b> = {Show(backward.Cost)}", texts);
        for (int l = 1; l <= 3; l++)
        {
            string n = "¹²³"[l - 1].ToString();
            Assert.Contains($"<b>z{n}</b> = {Show(pass[l].Z[0, 0])}<br>δ{n} = ∂C/∂z{n} = {Show(backward[l].Delta[0, 0])}", texts);
            Assert.Contains($"<b>w{n}</b> = {Show(chain.W(l)[0, 0])}<br>∂C/∂w{n} = {Show(backward[l].GradW[0, 0])}", texts);
            Assert.Contains($"<b>b{n}</b> = {Show(chain.b(l)[0])}<br>∂C/∂b{n} = {Show(backward[l].GradB[0])}", texts);
            Assert.Contains($"∂a{n}/∂z{n} = σ′(z{n}) = {Show(Activation.Sigmoid.Derivative(pass[l].Z[0, 0]))}", texts);
        }
        Assert.Contains($"∂C/∂a³ = a³ − y = {Show(pass[3].A[0, 0] - y)}", texts);
        Assert.Contains("<b>a⁰ = x</b> = 0.8<br>∂C/∂x = ?", texts);   // left for Exercise 2
        Assert.Throws<ArgumentException>(() => Charts.ChainRuleTree(Network.Create([1, 2, 1]), x, y));
    }

    [Fact]
    public void The_template_chart_draws_the_linear_networks_weights_above_the_hidden_ones()
    {
        var linear = Network.Create([784, 10], seed: 2);
        var hidden = Network.Create([784, 16, 16, 10], seed: 5);
        var traces = Figure(Charts.WeightTemplates(linear, hidden, count: 4)).GetProperty("data").EnumerateArray().ToArray();
        Assert.Equal(14, traces.Length);   // ten templates, four hidden neurons (the other six panels are empty)
        for (int j = 0; j < 10; j++)
            Assert.Equal(linear.W(1)[j, 28 * 9 + 13], traces[j].GetProperty("z")[9][13].GetDouble());
        Assert.Equal(hidden.W(1)[3, 28 * 20 + 5], traces[13].GetProperty("z")[20][5].GetDouble());
        Assert.Throws<ArgumentException>(() => Charts.WeightTemplates(hidden, hidden));
    }

    [Fact]
    public void The_strongest_responses_are_the_examples_with_the_largest_activation()
    {
        var network = Network.Create([784, 16, 16, 10], seed: 4, initialization: Initialization.Scaled);
        var data = Digits(1_200);   // more than one chunk of 1,000
        var strongest = NeuronResponses.Strongest(network, data, layer: 2, count: 5);
        var a2 = network.Forward(data.Images(0, data.Count))[2].A;
        Assert.Equal(16, strongest.Count);
        for (int j = 0; j < 16; j++)
        {
            var expected = Enumerable.Range(0, data.Count).OrderByDescending(i => a2[j, i]).ThenBy(i => i).Take(5);
            Assert.Equal(expected, strongest[j]);
        }
        var chart = Charts.StrongestResponses(network, data, layer: 2, count: 5);
        var titles = Annotations(chart);
        Assert.Equal(16 * 5, titles.Count(t => t.Length > 0));
        Assert.Equal($"<b>n0</b>: {data.Label(strongest[0][0])}", titles[0]);
        Assert.Equal(16 * 5, Figure(chart).GetProperty("data").GetArrayLength());
    }

    [Fact]
    public void Looking_inside_training_runs_each_snapshot_on_the_examples_and_counts_what_the_charts_say()
    {
        var data = Digits(60);
        var start = Network.Create([784, 16, 16, 10], seed: 6);
        var history = start.Train(data, new TrainingOptions { Epochs = 3, BatchSize = 10, LearningRate = 3, RecordSnapshots = true }).History;
        var looks = EpochPasses.Of(start, history, data, 0, 3);

        Assert.Equal([0, 3], looks.Select(l => l.Epoch));
        var after3 = start.WithParameters(history.Snapshots![3].Weights, history.Snapshots[3].Biases);
        Assert.Equal(after3.Forward(data.Images(0, 60))[1].Z, looks[1].Forward[1].Z);
        var z1 = looks[0].Forward[1].Z;
        Assert.Equal(z1.Enumerate().Count(z => Activation.Sigmoid.Derivative(z) < 0.01) / (double)(16 * 60), looks[0].SaturatedShare(1));
        var sizes = looks[0].Backward[2].Delta.Enumerate().Select(Math.Abs).Order().ToArray();
        Assert.Equal((sizes[479] + sizes[480]) / 2, looks[0].MedianError(2));

        var figure = Figure(Charts.InsideTraining(looks));
        var traces = figure.GetProperty("data").EnumerateArray().ToArray();
        Assert.Equal(2 * 3 * 2, traces.Length);   // activations and errors, three layers, two epochs
        Assert.All(traces, t => Assert.Equal(1.0, t.GetProperty("y").EnumerateArray().Sum(v => v.GetDouble()), 1e-9));
        Assert.Contains($"a¹: {looks[0].SaturatedShare(1).ToString("0%", CultureInfo.InvariantCulture)} → {looks[1].SaturatedShare(1).ToString("0%", CultureInfo.InvariantCulture)} saturated",
            Annotations(Charts.InsideTraining(looks)));
        Assert.Throws<ArgumentException>(() => EpochPasses.Of(start, history with { Snapshots = null }, data, 0));
        Assert.Throws<ArgumentException>(() => EpochPasses.Of(start, history, data, 7));
    }
}
