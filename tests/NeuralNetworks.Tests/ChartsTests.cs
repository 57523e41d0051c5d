using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using Plotly.NET;
using NeuralNetworks.Model;
using NeuralNetworks.Data;
using NeuralNetworks.Training;
using NeuralNetworks.Plotting;

namespace NeuralNetworks.Tests;

/// <summary>
/// Charts are checked through the figure JSON, which is what the browser receives: the numbers drawn must be the
/// numbers computed, and titles, zero-centred colour scales and animation frames must be there.
/// </summary>
public class ChartsTests
{
    private static readonly Network Net = Network.Create([784, 16, 16, 10], seed: 3);

    /// <summary>A small synthetic MNIST-like data set: image i has a bright bar in row (3 + i) and label i % 10.</summary>
    private static DataSet SyntheticDigits(int count = 12)
    {
        var pixels = new byte[count * 784];
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = (byte)(i % 10);
            for (int c = 5; c < 23; c++) pixels[i * 784 + (3 + i % 20) * 28 + c] = 255;
            pixels[i * 784 + 0 * 28 + i % 28] = 128; // one grey pixel in the top row
        }
        return new DataSet(pixels, labels, 784, 10, "synthetic", 28, 28);
    }

    /// <summary>The figure as plotly.js gets it, parsed.</summary>
    private static JsonElement Figure(GenericChart chart) => JsonDocument.Parse(GenericChart.toJson(chart)).RootElement;

    private static JsonElement Data(GenericChart chart) => Figure(chart).GetProperty("data");

    private static JsonElement Layout(GenericChart chart) => Figure(chart).GetProperty("layout");

    private static string Title(GenericChart chart) => Layout(chart).GetProperty("title").GetProperty("text").GetString()!;

    private static double[][] Z(JsonElement trace) =>
        trace.GetProperty("z").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();

    private static double[] Numbers(JsonElement array) => array.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private static void AssertRowsEqual(Matrix<double> expected, double[][] z, double tolerance = 0)
    {
        Assert.Equal(expected.RowCount, z.Length);
        for (int j = 0; j < expected.RowCount; j++)
        {
            Assert.Equal(expected.ColumnCount, z[j].Length);
            for (int k = 0; k < expected.ColumnCount; k++)
                Assert.True(Math.Abs(expected[j, k] - z[j][k]) <= tolerance, $"z[{j}][{k}] = {z[j][k]} but expected {expected[j, k]}");
        }
    }

    private static TrainingHistory SmallHistory(string label, int epochs = 3, bool snapshots = false, bool steps = false)
    {
        var data = SyntheticDigits(20);
        var result = Network.Create([784, 16, 16, 10], seed: 5).Train(data, new TrainingOptions
        {
            Epochs = epochs,
            BatchSize = 5,
            LearningRate = 1,
            TestData = data,
            Label = label,
            RecordSnapshots = snapshots,
            RecordStepCosts = steps,
        });
        return result.History;
    }

    [Fact]
    public void Heatmap_of_weights_has_W_row_by_row_with_zero_centred_colours_and_row_0_on_top()
    {
        var chart = Charts.Weights(Net, 2);
        var trace = Assert.Single(Data(chart).EnumerateArray());
        Assert.Equal("heatmap", trace.GetProperty("type").GetString());
        AssertRowsEqual(Net.W(2), Z(trace));
        Assert.Equal(0, trace.GetProperty("zmid").GetDouble());
        Assert.Equal(-trace.GetProperty("zmin").GetDouble(), trace.GetProperty("zmax").GetDouble());
        Assert.Contains("%{z:.3f}", trace.GetProperty("hovertemplate").GetString());
        Assert.StartsWith("W² (16×16)", Title(chart));
        Assert.Equal("reversed", Layout(chart).GetProperty("yaxis").GetProperty("autorange").GetString());
        Assert.Equal("k: neuron of layer 1", Layout(chart).GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString());
    }

    [Fact]
    public void Weights_of_layer_1_is_titled_with_its_shape()
    {
        Assert.StartsWith("W¹ (16×784)", Title(Charts.Weights(Net, 1)));
    }

    [Fact]
    public void Digit_shows_the_image_rows_with_row_0_on_top()
    {
        var data = SyntheticDigits();
        var chart = Charts.Digit(data.Image(4), "four");
        var trace = Assert.Single(Data(chart).EnumerateArray());
        var z = Z(trace);
        AssertRowsEqual(data.ImageMatrix(4), z);
        Assert.Equal(128 / 255.0, z[0][4], 12);        // the grey pixel of image 4 sits in row 0 …
        Assert.Equal(1.0, z[3 + 4][10]);               // … and its bar in row 7
        Assert.Equal("reversed", Layout(chart).GetProperty("yaxis").GetProperty("autorange").GetString()); // … drawn on top
        Assert.Equal("four", Title(chart));
        Assert.Equal(0, trace.GetProperty("zmin").GetDouble());
        Assert.Equal(1, trace.GetProperty("zmax").GetDouble());
    }

    [Fact]
    public void Digit_of_a_data_set_is_titled_with_its_label()
    {
        var chart = Charts.Digit(SyntheticDigits(), 7);
        Assert.Contains("label 7", Title(chart));
    }

    [Fact]
    public void Digits_titles_each_panel_with_label_or_label_and_prediction()
    {
        var data = SyntheticDigits();
        var plain = Charts.Digits(data, [0, 1, 2]);
        var titles = Layout(plain).GetProperty("annotations").EnumerateArray().Select(a => a.GetProperty("text").GetString()!).ToArray();
        Assert.Equal(["label 0", "label 1", "label 2"], titles);
        Assert.Equal(3, Data(plain).GetArrayLength());

        var predicted = Charts.Digits(data, [5, 3], predictions: [5, 8]);
        titles = Layout(predicted).GetProperty("annotations").EnumerateArray().Select(a => a.GetProperty("text").GetString()!).ToArray();
        Assert.Equal(["5 → 5", "3 → 8"], titles);
        AssertRowsEqual(data.ImageMatrix(3), Z(Data(predicted)[1]));
        Assert.Equal("y2", Data(predicted)[1].GetProperty("yaxis").GetString());
        Assert.Equal("reversed", Layout(predicted).GetProperty("yaxis2").GetProperty("autorange").GetString());
    }

    [Fact]
    public void WeightImages_has_16_panels_of_28_by_28_with_one_shared_symmetric_range()
    {
        var chart = Charts.WeightImages(Net);
        var traces = Data(chart).EnumerateArray().ToArray();
        Assert.Equal(16, traces.Length);
        double limit = Net.W(1).Enumerate().Max(Math.Abs);
        for (int j = 0; j < 16; j++)
        {
            var z = Z(traces[j]);
            Assert.Equal(28, z.Length);
            Assert.Equal(Net.W(1)[j, 28 * 5 + 7], z[5][7]);
            Assert.Equal(-limit, traces[j].GetProperty("zmin").GetDouble());
            Assert.Equal(limit, traces[j].GetProperty("zmax").GetDouble());
            Assert.Equal(0, traces[j].GetProperty("zmid").GetDouble());
        }
        Assert.Equal(16, Layout(chart).GetProperty("annotations").GetArrayLength());
        Assert.StartsWith("W¹", Title(chart));
    }

    [Fact]
    public void NetworkDiagram_draws_one_circle_per_shown_neuron_coloured_by_its_activation()
    {
        var data = SyntheticDigits();
        var pass = Net.Forward(data.Image(2));
        var chart = Charts.NetworkDiagram(pass);
        var traces = Data(chart).EnumerateArray().ToArray();
        for (int l = 1; l <= 3; l++)
        {
            var layer = Assert.Single(traces, t => t.TryGetProperty("name", out var n) && n.GetString() == $"layer {l}");
            var colours = Numbers(layer.GetProperty("marker").GetProperty("color"));
            Assert.Equal(pass[l].A.Column(0).ToArray(), colours);
            Assert.Equal(pass[l].A.RowCount, layer.GetProperty("x").GetArrayLength());
        }
        // The 784 inputs are the 28×28 picture, not circles.
        Assert.DoesNotContain(traces, t => t.TryGetProperty("name", out var n) && n.GetString() == "layer 0");
        var image = Assert.Single(traces, t => t.GetProperty("type").GetString() == "heatmap");
        AssertRowsEqual(data.ImageMatrix(2), Z(image));
        // Output neurons carry their digit, and the prediction is ringed.
        var output = traces.Single(t => t.TryGetProperty("name", out var n) && n.GetString() == "layer 3");
        Assert.Equal(Enumerable.Range(0, 10).Select(d => d.ToString()), output.GetProperty("text").EnumerateArray().Select(t => t.GetString()!.Trim()));
        Assert.Contains(traces, t => t.TryGetProperty("name", out var n) && n.GetString() == "prediction");
        Assert.Contains($"predicts {pass.PredictedClass}", Title(chart));
        var labels = Layout(chart).GetProperty("annotations").EnumerateArray().Select(a => a.GetProperty("text").GetString()!).ToArray();
        Assert.Contains("hidden 16", labels);
        Assert.Contains("output 10", labels);
        Assert.Contains(labels, l => l!.StartsWith("input 784", StringComparison.Ordinal));
    }

    [Fact]
    public void NetworkDiagram_samples_large_layers_with_an_ellipsis_and_colours_lines_by_weight_sign()
    {
        var net = Network.Create([30, 40, 3], seed: 2);
        var x = Vector<double>.Build.Dense(30, i => i / 30.0);
        var chart = Charts.NetworkDiagram(net, x);
        var traces = Data(chart).EnumerateArray().ToArray();
        var input = traces.Single(t => t.TryGetProperty("name", out var n) && n.GetString() == "layer 0");
        Assert.Equal(16, input.GetProperty("x").GetArrayLength());          // 30 is not a square: a sampled column
        var hidden = traces.Single(t => t.TryGetProperty("name", out var n) && n.GetString() == "layer 1");
        var a1 = net.Forward(x)[1].A.Column(0);
        int[] shown = [.. Enumerable.Range(0, 8), .. Enumerable.Range(32, 8)];
        Assert.Equal(shown.Select(j => a1[j]).ToArray(), Numbers(hidden.GetProperty("marker").GetProperty("color")));
        Assert.Contains(traces, t => t.TryGetProperty("name", out var n) && n.GetString() == "layer 1 (more)");
        var lines = traces.Where(t => t.GetProperty("mode").GetString() == "lines").ToArray();
        Assert.InRange(lines.Length, 2, 8);
        Assert.All(lines, l => Assert.Contains(l.GetProperty("line").GetProperty("color").GetString(), new[] { Charts.Positive, Charts.Negative }));
        int segments = lines.Sum(l => l.GetProperty("x").GetArrayLength()) / 3;
        Assert.Equal(16 * 16 + 16 * 3, segments);
    }

    [Fact]
    public void Layers_shows_z_and_a_of_every_layer()
    {
        var pass = Net.Forward(SyntheticDigits().Image(1));
        var chart = Charts.Layers(pass);
        var traces = Data(chart).EnumerateArray().ToArray();
        Assert.Equal(6, traces.Length);
        for (int l = 1; l <= 3; l++)
        {
            Assert.Equal(pass[l].Z.Column(0).ToArray(), Z(traces[2 * l - 2]).Select(r => r.Single()).ToArray());
            Assert.Equal(pass[l].A.Column(0).ToArray(), Z(traces[2 * l - 1]).Select(r => r.Single()).ToArray());
            Assert.Equal(0, traces[2 * l - 2].GetProperty("zmid").GetDouble());
        }
    }

    [Fact]
    public void ActivationFunctions_and_SigmoidWithBiases_plot_the_functions()
    {
        var chart = Charts.ActivationFunctions();
        var traces = Data(chart).EnumerateArray().ToArray();
        Assert.Equal(6, traces.Length);
        var x = Numbers(traces[0].GetProperty("x"));
        Assert.Equal(-6, x[0], 12);
        Assert.Equal(6, x[^1], 12);
        Assert.Equal(Activation.Sigmoid.Apply(x[100]), Numbers(traces[0].GetProperty("y"))[100]);
        Assert.Equal(Activation.Tanh.Derivative(x[100]), Numbers(traces[4].GetProperty("y"))[100]);

        var sigmoids = Charts.SigmoidWithBiases(2, -3, 0, 3);
        var curves = Data(sigmoids).EnumerateArray().ToArray();
        Assert.Equal(["b = -3", "b = 0", "b = 3"], curves.Select(c => c.GetProperty("name").GetString()!));
        var cx = Numbers(curves[2].GetProperty("x"));
        Assert.Equal(Activation.Sigmoid.Apply(2 * cx[50] + 3), Numbers(curves[2].GetProperty("y"))[50]);
        Assert.Contains("w = 2", Title(sigmoids));
    }

    /// <summary>A heatmap's colour scale as (position, colour) pairs.</summary>
    private static (double At, string Colour)[] Scale(JsonElement trace) =>
        trace.GetProperty("colorscale").EnumerateArray().Select(s => (s[0].GetDouble(), s[1].GetString()!)).ToArray();

    private static void AssertGrey(JsonElement trace, string what)
    {
        var scale = Scale(trace);
        Assert.True(scale[0] == (0.0, "rgb(0,0,0)") && scale[^1] == (1.0, "rgb(255,255,255)"), $"{what}: scale {string.Join(", ", scale)}");
        Assert.Equal(0, trace.GetProperty("zmin").GetDouble());
        Assert.Equal(1, trace.GetProperty("zmax").GetDouble());
    }

    private static void AssertSigned(JsonElement trace, string what)
    {
        var scale = Scale(trace);
        Assert.True(scale[0] == (0.0, Charts.Negative) && scale[^1] == (1.0, Charts.Positive) && scale.Contains((0.5, "rgb(255,255,255)")),
            $"{what}: scale {string.Join(", ", scale)}");
        Assert.Equal(0, trace.GetProperty("zmid").GetDouble());
        Assert.Equal(-trace.GetProperty("zmin").GetDouble(), trace.GetProperty("zmax").GetDouble());
    }

    [Fact]
    public void Activations_are_grey_black_at_0_and_white_at_1_in_every_chart()
    {
        var data = SyntheticDigits();
        var pass = Net.Forward(data.Image(2));
        var a = pass[1].A.Append(pass[2].A);   // 16 × 2 activations
        var heatmap = Assert.Single(Data(Charts.ActivationHeatmap(a, "a")).EnumerateArray());
        AssertRowsEqual(a, Z(heatmap));
        AssertGrey(heatmap, "ActivationHeatmap");
        AssertGrey(Assert.Single(Data(Charts.Digit(data.Image(1))).EnumerateArray()), "Digit");
        AssertGrey(Data(Charts.Digits(data, [0, 1, 2])).EnumerateArray().First(), "Digits");
        var layers = Data(Charts.Layers(pass)).EnumerateArray().ToArray();
        for (int l = 1; l <= 3; l++) AssertGrey(layers[2 * l - 1], $"Layers a{l}");
        var neurons = Data(Charts.NetworkDiagram(pass)).EnumerateArray()
            .Where(t => t.TryGetProperty("marker", out var m) && m.TryGetProperty("colorscale", out _)).ToArray();
        Assert.NotEmpty(neurons);
        foreach (var marker in neurons.Select(t => t.GetProperty("marker")))
        {
            var scale = Scale(marker);
            Assert.Equal((0.0, "rgb(0,0,0)"), scale[0]);
            Assert.Equal((1.0, "rgb(255,255,255)"), scale[^1]);
            Assert.Equal((0.0, 1.0), (marker.GetProperty("cmin").GetDouble(), marker.GetProperty("cmax").GetDouble()));
        }
    }

    [Fact]
    public void Signed_values_are_blue_positive_red_negative_white_at_0_in_every_chart()
    {
        var data = SyntheticDigits();
        var pass = Net.Forward(data.Images(0, 4));
        var backward = Net.Backward(pass, data.Targets(0, 4));
        AssertSigned(Assert.Single(Data(Charts.Heatmap(Net.W(3))).EnumerateArray()), "Heatmap");
        AssertSigned(Assert.Single(Data(Charts.Weights(Net, 1)).EnumerateArray()), "Weights");
        foreach (var panel in Data(Charts.WeightImages(Net, 1)).EnumerateArray()) AssertSigned(panel, "WeightImages");
        var layers = Data(Charts.Layers(pass)).EnumerateArray().ToArray();
        for (int l = 1; l <= 3; l++) AssertSigned(layers[2 * l - 2], $"Layers z{l}");
        foreach (var panel in Data(Charts.Deltas(backward)).EnumerateArray()) AssertSigned(panel, "Deltas");
        foreach (var panel in Data(Charts.Gradients(backward)).EnumerateArray()) AssertSigned(panel, "Gradients");
        Assert.True(Positive(Charts.Positive) && !Positive(Charts.Negative), "Positive must be a blue, Negative a red");

        static bool Positive(string rgb)   // blue outweighs red
        {
            var parts = rgb[4..^1].Split(',').Select(int.Parse).ToArray();
            return parts[2] > parts[0];
        }
    }

    [Fact]
    public void ActivationFunctions_curves_use_neither_the_positive_blue_nor_the_negative_red()
    {
        var colours = Data(Charts.ActivationFunctions()).EnumerateArray()
            .Select(t => t.GetProperty("line").GetProperty("color").GetString()).ToArray();
        Assert.Equal(3, colours.Distinct().Count());
        Assert.DoesNotContain(Charts.Positive, colours);
        Assert.DoesNotContain(Charts.Negative, colours);
    }

    [Fact]
    public void History_plots_costs_and_accuracy_per_epoch()
    {
        var history = SmallHistory("run A");
        var chart = Charts.History(history);
        var traces = Data(chart).EnumerateArray().ToArray();
        Assert.Equal(["training cost", "test cost", "test accuracy"], traces.Select(t => t.GetProperty("name").GetString()!));
        Assert.Equal(history.Epochs.Select(e => e.TrainingCost).ToArray(), Numbers(traces[0].GetProperty("y")));
        Assert.Equal(history.Epochs.Select(e => e.TestAccuracy!.Value).ToArray(), Numbers(traces[2].GetProperty("y")));
        Assert.Equal("y2", traces[2].GetProperty("yaxis").GetString());
        Assert.Contains("run A", Title(chart));
    }

    [Fact]
    public void StepCosts_plots_every_step_and_a_moving_average()
    {
        var history = SmallHistory("steps", steps: true);
        var traces = Data(Charts.StepCosts(history, window: 3)).EnumerateArray().ToArray();
        Assert.Equal(history.StepCosts!.ToArray(), Numbers(traces[0].GetProperty("y")));
        var average = Numbers(traces[1].GetProperty("y"));
        Assert.Equal(history.StepCosts!.Skip(2).Take(3).Average(), average[4], 12);
        Assert.Throws<ArgumentException>(() => Charts.StepCosts(SmallHistory("none")));
    }

    [Fact]
    public void Compare_draws_one_line_per_history_labelled_by_it()
    {
        var histories = new[] { SmallHistory("η = 1"), SmallHistory("η = 1 again", epochs: 2) };
        var traces = Data(Charts.Compare(histories)).EnumerateArray().ToArray();
        Assert.Equal(["η = 1", "η = 1 again"], traces.Select(t => t.GetProperty("name").GetString()!));
        Assert.Equal(histories[1].Epochs.Select(e => e.TestAccuracy!.Value).ToArray(), Numbers(traces[1].GetProperty("y")));
        Assert.Equal(2, Data(Charts.Compare(histories, "cost")).GetArrayLength());
        Assert.Throws<ArgumentException>(() => Charts.Compare(histories, "speed"));
        Assert.Equal("Seconds per epoch", Title(Charts.Compare(histories, "seconds")));
        Assert.Equal("Training cost per epoch", Title(Charts.Compare(histories, "cost")));
    }

    [Fact]
    public void Compare_draws_the_validation_accuracy_and_says_how_to_get_it_when_it_is_missing()
    {
        var data = SyntheticDigits(20);
        var (first, second) = data.Split(12, "training", "validation");
        var history = Network.Create([784, 16, 16, 10], seed: 5).Train(first, new TrainingOptions
        {
            Epochs = 2,
            BatchSize = 4,
            LearningRate = 1,
            ValidationData = second,
            Label = "validated",
        }).History;
        var chart = Charts.Compare([history], "validation accuracy");
        Assert.Equal(history.Epochs.Select(e => e.ValidationAccuracy!.Value).ToArray(), Numbers(Data(chart)[0].GetProperty("y")));
        Assert.Contains("Validation accuracy", Title(chart));
        var e = Assert.Throws<ArgumentException>(() => Charts.Compare([SmallHistory("no validation")], "validation accuracy"));
        Assert.Contains("ValidationData", e.Message);
    }

    [Fact]
    public void Deltas_and_Gradients_show_one_zero_centred_panel_per_layer()
    {
        var data = SyntheticDigits();
        var forward = Net.Forward(data.Images(0, 4));
        var backward = Net.Backward(forward, data.Targets(0, 4));
        var deltas = Data(Charts.Deltas(backward)).EnumerateArray().ToArray();
        var gradients = Data(Charts.Gradients(backward)).EnumerateArray().ToArray();
        Assert.Equal(3, deltas.Length);
        Assert.Equal(3, gradients.Length);
        for (int l = 1; l <= 3; l++)
        {
            AssertRowsEqual(backward[l].Delta, Z(deltas[l - 1]));
            AssertRowsEqual(backward[l].GradW, Z(gradients[l - 1]));
            Assert.Equal(0, deltas[l - 1].GetProperty("zmid").GetDouble());
            Assert.Equal(0, gradients[l - 1].GetProperty("zmid").GetDouble());
        }
    }

    [Fact]
    public void Confusion_writes_the_counts_in_the_cells()
    {
        var data = SyntheticDigits(20);
        var evaluation = Net.Evaluate(data);
        var chart = Charts.Confusion(evaluation);
        var trace = Assert.Single(Data(chart).EnumerateArray());
        AssertRowsEqual(evaluation.Confusion, Z(trace));
        var text = trace.GetProperty("text").EnumerateArray().Select(r => r.EnumerateArray().Select(t => t.GetString()).ToArray()).ToArray();
        for (int i = 0; i < 10; i++)
            for (int j = 0; j < 10; j++)
                Assert.Equal(((int)evaluation.Confusion[i, j]).ToString(), text[i][j]);
        Assert.Equal("%{text}", trace.GetProperty("texttemplate").GetString());
        Assert.Equal("true label", Layout(chart).GetProperty("yaxis").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("predicted", Layout(chart).GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString());
    }

    [Fact]
    public void Mistakes_shows_each_misclassified_digit_with_label_prediction_and_confidence()
    {
        var data = SyntheticDigits(20);
        var evaluation = Net.Evaluate(data);
        Assert.NotEmpty(evaluation.Mistakes);
        var chart = Charts.Mistakes(evaluation, data, count: 5);
        var first = evaluation.Mistakes[0];
        var titles = Layout(chart).GetProperty("annotations").EnumerateArray().Select(a => a.GetProperty("text").GetString()!).ToArray();
        Assert.Equal(Math.Min(5, evaluation.Mistakes.Count), titles.Length);
        Assert.Equal($"true {first.Label} → {first.Predicted} ({first.Confidence:0.00})", titles[0]);
        AssertRowsEqual(data.ImageMatrix(first.Index), Z(Data(chart)[0]));
    }

    [Fact]
    public void SaveHtml_writes_a_self_contained_page_with_plotly_inline()
    {
        Assert.Contains("plotly.js v2.28.0", Charts.PlotlyJs);
        var path = Path.Combine(Path.GetTempPath(), $"charts-{Guid.NewGuid():N}.html");
        try
        {
            Charts.SaveHtml(Charts.Digit(SyntheticDigits().Image(0)), path);
            var html = File.ReadAllText(path);
            Assert.Contains("plotly.js v2.28.0", html);
            Assert.DoesNotContain("<script src=", html); // nothing to fetch: works offline
            Assert.Contains("Plotly.newPlot", html);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
