using System.Text.Json;
using Plotly.NET;
using NeuralNetworks.Plotting;

namespace NeuralNetworks.Tests;

/// <summary>The pictures of notebooks 10–11, checked through the figure JSON: the numbers drawn are the numbers given,
/// each on its own panel with its own title.</summary>
public class ChartsBetterTests
{
    private static JsonElement Figure(GenericChart chart) => JsonDocument.Parse(GenericChart.toJson(chart)).RootElement;

    private static double[] Numbers(JsonElement array) => array.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private static string[] PanelTitles(JsonElement layout) =>
        layout.GetProperty("annotations").EnumerateArray().Select(a => a.GetProperty("text").GetString()!).ToArray();

    [Fact]
    public void SideBySide_draws_each_plot_on_its_own_axes_with_its_title_and_numbers()
    {
        double[] steps = [0, 1, 2];
        var chart = Charts.SideBySide("One neuron",
            new Charts.Plot("quadratic", "step", "C", [new Charts.Series("quadratic cost", steps, [0.5, 0.49, 0.48])]),
            new Charts.Plot("cross-entropy", "step", "C", [new Charts.Series("cross-entropy cost", steps, [5.2, 2.1, 0.4])], LogY: true));
        var figure = Figure(chart);
        var data = figure.GetProperty("data").EnumerateArray().ToArray();
        Assert.Equal(2, data.Length);
        Assert.Equal([0.5, 0.49, 0.48], Numbers(data[0].GetProperty("y")));
        Assert.Equal([5.2, 2.1, 0.4], Numbers(data[1].GetProperty("y")));
        Assert.Equal("x", data[0].GetProperty("xaxis").GetString());
        Assert.Equal("x2", data[1].GetProperty("xaxis").GetString());
        Assert.Equal("y2", data[1].GetProperty("yaxis").GetString());
        var layout = figure.GetProperty("layout");
        Assert.Equal(["quadratic", "cross-entropy"], PanelTitles(layout));
        Assert.Equal("log", layout.GetProperty("yaxis2").GetProperty("type").GetString());
        Assert.False(layout.GetProperty("yaxis").TryGetProperty("type", out _));
        var left = Numbers(layout.GetProperty("xaxis").GetProperty("domain"));
        var right = Numbers(layout.GetProperty("xaxis2").GetProperty("domain"));
        Assert.True(left[1] < right[0], "the two plots overlap");
        Assert.Equal("One neuron", layout.GetProperty("title").GetProperty("text").GetString());
    }

    [Fact]
    public void SideBySide_needs_a_plot() => Assert.Throws<ArgumentException>(() => Charts.SideBySide("nothing"));

    [Fact]
    public void ContourPaths_draws_the_same_map_once_per_path_with_that_path_on_it()
    {
        double Bowl(double v1, double v2) => 0.5 * v1 * v1 + 5 * v2 * v2;
        var chart = Charts.ContourPaths(Bowl, -3, 3, -2, 2, "Two descents", "v₁", "v₂",
            new Charts.Series("plain", [-2.5, -2.0], [1.5, -1.2], Markers: true),
            new Charts.Series("momentum", [-2.5, -1.0, 0.0], [1.5, 0.5, 0.1], Markers: true));
        var figure = Figure(chart);
        var data = figure.GetProperty("data").EnumerateArray().ToArray();
        Assert.Equal(["contour", "scatter", "contour", "scatter"], data.Select(t => t.GetProperty("type").GetString()));
        Assert.Equal([-2.5, -1.0, 0.0], Numbers(data[3].GetProperty("x")));
        Assert.Equal("x2", data[2].GetProperty("xaxis").GetString());
        Assert.Equal("x2", data[3].GetProperty("xaxis").GetString());
        var z = data[0].GetProperty("z").EnumerateArray().Select(Numbers).ToArray();
        var x = Numbers(data[0].GetProperty("x"));
        var y = Numbers(data[0].GetProperty("y"));
        Assert.Equal(Bowl(x[7], y[11]), z[11][7], 12);
        Assert.Equal(data[0].GetProperty("z").ToString(), data[2].GetProperty("z").ToString());
        Assert.Equal(["plain", "momentum"], PanelTitles(figure.GetProperty("layout")));
        Assert.Equal([-3.0, 3.0], Numbers(figure.GetProperty("layout").GetProperty("xaxis2").GetProperty("range")));
    }

    [Fact]
    public void LinesLogX_has_a_logarithmic_x_axis_and_one_line_per_series()
    {
        var chart = Charts.LinesLogX("Accuracy against η", "η", "accuracy",
            new Charts.Series("sigmoid", [0.025, 0.1, 0.4], [0.92, 0.94, 0.94]),
            new Charts.Series("tanh", [0.025, 0.1, 0.4], [0.94, 0.937, 0.89]));
        var figure = Figure(chart);
        Assert.Equal("log", figure.GetProperty("layout").GetProperty("xaxis").GetProperty("type").GetString());
        var data = figure.GetProperty("data").EnumerateArray().ToArray();
        Assert.Equal(["sigmoid", "tanh"], data.Select(t => t.GetProperty("name").GetString()));
        Assert.Equal([0.94, 0.937, 0.89], Numbers(data[1].GetProperty("y")));
        Assert.Equal([0.025, 0.1, 0.4], Numbers(figure.GetProperty("layout").GetProperty("xaxis").GetProperty("tickvals")));
        Assert.False(figure.GetProperty("layout").GetProperty("yaxis").TryGetProperty("range", out _));
    }

    [Fact]
    public void LinesLogX_with_a_y_range_keeps_every_point_but_shows_only_that_range()
    {
        var chart = Charts.LinesLogX("Accuracy against η", "η", "accuracy", (0.88, 0.96),
            new Charts.Series("relu", [0.1, 0.2, 0.4], [0.93, 0.92, 0.10]));
        var figure = Figure(chart);
        Assert.Equal([0.88, 0.96], Numbers(figure.GetProperty("layout").GetProperty("yaxis").GetProperty("range")));
        Assert.Equal([0.93, 0.92, 0.10], Numbers(figure.GetProperty("data")[0].GetProperty("y")));
    }
}
