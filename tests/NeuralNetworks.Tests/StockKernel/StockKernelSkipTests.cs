using Xunit.Abstractions;

namespace NeuralNetworks.Tests.StockKernel;

/// <summary>How the notebook tests behave where Jupyter or the kernel is missing: skip locally, fail on CI.</summary>
public sealed class StockKernelSkipTests
{
    private sealed class Recorder : ITestOutputHelper
    {
        public List<string> Lines { get; } = [];

        public void WriteLine(string message) => Lines.Add(message);

        public void WriteLine(string format, params object[] args) => Lines.Add(string.Format(format, args));
    }

    [Fact]
    public void Without_CI_a_missing_kernel_skips_with_its_reason()
    {
        var output = new Recorder();
        Assert.False(JupyterStockKernel.SkipUnlessCi("jupyter is not on PATH", output, ci: null));
        Assert.Equal(["SKIPPED: jupyter is not on PATH"], output.Lines);
    }

    [Fact]
    public void Under_CI_a_missing_kernel_fails_the_test()
    {
        var failure = Assert.ThrowsAny<Exception>(() => JupyterStockKernel.SkipUnlessCi("jupyter is not on PATH", new Recorder(), ci: "true"));
        Assert.Contains("CI=true and the stock kernel cannot run notebooks: jupyter is not on PATH", failure.Message);
    }
}
