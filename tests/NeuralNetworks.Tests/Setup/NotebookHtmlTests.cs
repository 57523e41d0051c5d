using System.Net;
using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Model;
using NeuralNetworks.Training;
using NeuralNetworks.Plotting;
using NeuralNetworks.Course;

namespace NeuralNetworks.Tests.Setup;

/// <summary>What the notebooks' setup cell shows for each value: tables and charts with their shape, drawn without a CDN.</summary>
public sealed class NotebookHtmlTests
{
    private static readonly MatrixBuilder<double> M = Matrix<double>.Build;
    private static readonly VectorBuilder<double> V = Vector<double>.Build;

    private static void AssertOfflineChart(string html)
    {
        Assert.Contains("class=\"nn-chart\"", html);
        OfflineChart.AssertDrawsOffline(html);
    }

    [Fact]
    public void A_small_matrix_is_a_table_captioned_with_its_shape()
    {
        var html = NotebookHtml.Of(M.Dense(2, 3, (i, j) => i + j / 10.0));
        Assert.StartsWith("<table", html);
        Assert.Contains(">2 × 3 matrix</caption>", html);
        Assert.Contains(">1.2</td>", html);
        Assert.DoesNotContain("newPlot", html);
    }

    [Fact]
    public void A_large_matrix_is_a_heatmap_with_its_shape()
    {
        var html = NotebookHtml.Of(Network.Create([784, 16, 16, 10]).W(1));
        Assert.Contains("16 × 784 matrix", html);
        Assert.Contains("\"type\":\"heatmap\"", html);
        AssertOfflineChart(html);
    }

    [Fact]
    public void A_short_vector_is_a_column_of_numbers()
    {
        var html = NotebookHtml.Of(V.Dense([0.5, -1, 2]));
        Assert.Contains(">vector of 3</caption>", html);
        Assert.Equal(4, html.Split("<tr>").Length - 1);
    }

    [Fact]
    public void An_image_vector_is_drawn_as_a_square_picture_and_any_other_long_vector_as_a_heatmap()
    {
        var image = NotebookHtml.Of(V.Dense(784, i => i / 784.0));
        Assert.Contains("vector of 784, drawn as a 28 × 28 image", image);
        AssertOfflineChart(image);
        var signed = NotebookHtml.Of(V.Dense(100, i => i - 50.0));
        Assert.Contains("vector of 100", signed);
        Assert.DoesNotContain("image", signed);
        AssertOfflineChart(signed);
    }

    [Fact]
    public void Passes_and_results_show_their_one_line_summary_above_their_chart()
    {
        var network = Network.Create([4, 3, 2], seed: 2);
        var x = V.Dense([0.1, 0.2, 0.3, 0.4]);
        var forward = network.Forward(x);
        var backward = network.Backward(forward, V.Dense([0.0, 1.0]));
        var check = GradientCheck.Run(network, x, V.Dense([0.0, 1.0]));
        foreach (object value in new object[] { forward, backward, check })
        {
            var html = NotebookHtml.Of(value);
            Assert.Contains($"<div class=\"nn-summary\">{WebUtility.HtmlEncode(value.ToString())}</div>", html);
            AssertOfflineChart(html);
        }
    }

    [Fact]
    public void Any_Plotly_chart_is_drawn_with_the_plotly_js_of_the_page()
    {
        AssertOfflineChart(NotebookHtml.Of(Charts.Heatmap(M.Dense(2, 2, 1.0))));
    }

    [Fact]
    public void The_plotly_loader_carries_plotly_js_and_hides_require_js_while_it_runs()
    {
        var loader = NotebookHtml.PlotlyLoader;
        Assert.Equal("2.28.0", loader.Version);
        Assert.Equal(loader.Html, NotebookHtml.Of(loader));
        Assert.Contains("if (window.Plotly) return;", loader.Html);
        Assert.Contains("window.define = undefined;", loader.Html);
        Assert.Contains("window.define = savedDefine;", loader.Html);
        Assert.Contains(Charts.PlotlyJs[..1000], loader.Html);
        Assert.Equal(1, loader.Html.Split("</script>").Length - 1);
        Assert.DoesNotContain("<script src", loader.Html);
    }

    [Fact]
    public void Every_formatted_type_is_one_the_setup_cell_registers_and_others_are_refused()
    {
        Assert.Contains(typeof(Matrix<double>), NotebookHtml.FormattedTypes);
        Assert.Contains(typeof(Plotly.NET.GenericChart), NotebookHtml.FormattedTypes);
        Assert.Contains(typeof(EvaluationResult), NotebookHtml.FormattedTypes);
        Assert.Throws<ArgumentException>(() => NotebookHtml.Of("a string"));
    }
}
