using NeuralNetworks.Tests.Setup;
using NeuralNetworks.Tests.StockKernel;

namespace NeuralNetworks.Tests.Browser;

/// <summary>
/// The slider charts and the playground in the stock kernel (dotnet-interactive 1.0.712001 through Jupyter), after the
/// notebooks' own setup cells: each shows as our HTML, drawn from the page's plotly.js, with its frames or its network.
/// Skipped where Jupyter or the kernel is missing, except under CI=true.
/// </summary>
[Trait("Category", Category.Notebooks)]
[Collection("Course notebooks")]
public sealed class StockKernelSliderTests(ITestOutputHelper output, StockKernelTests.ScratchFolder scratch)
    : IClassFixture<StockKernelTests.ScratchFolder>
{
    [Fact]
    public void Slider_charts_and_the_playground_show_offline_in_the_stock_kernel()
    {
        JupyterStockKernel.Require();

        var run = JupyterStockKernel.Run(scratch.Notebook("sliders",
            "Charts.SigmoidSlider()",
            "Charts.LearningRateSlider((v1, v2) => 0.5 * v1 * v1 + 5 * v2 * v2, (v1, v2) => (v1, 10 * v2))",
            "Charts.BiasSlider(Vector<double>.Build.Dense(784, 1.0), new DataSet(Enumerable.Range(0, 784 * 4).Select(i => (byte)i).ToArray(), [1, 2, 1, 3], 784), digit: 1)",
            "Charts.Playground(Network.Create([784, 16, 16, 10]), new DataSet(new byte[784 * 2], [1, 2], 784))"),
            scratch.OutputFolder, output, scratch.Environment);

        Assert.True(run.ExitCode == 0, run.Log);
        Assert.Empty(run.Errors);
        foreach (var call in new[] { "Charts.SigmoidSlider", "Charts.LearningRateSlider", "Charts.BiasSlider" })
        {
            var html = Assert.Single(run.Html, h => h.Source.StartsWith(call, StringComparison.Ordinal)).Html;
            OfflineChart.AssertDrawsOffline(html);
            Assert.Contains("Plotly.addFrames", html);
        }
        var playground = Assert.Single(run.Html, h => h.Source.StartsWith("Charts.Playground", StringComparison.Ordinal)).Html;
        OfflineChart.AssertDrawsOffline(playground);
        Assert.Contains("class=\"nn-playground\"", playground);
        Assert.DoesNotContain("plotly.js v", playground);   // the setup's copy serves it
    }
}
