using NeuralNetworks.Cli;
using NeuralNetworks.Data;

namespace NeuralNetworks.Tests.Peers;

/// <summary>
/// The peer programs of <c>bench --peers</c> ship with the tool (Peers/ beside it) and run from a clone: each trains the
/// benchmark network on the first 2,000 MNIST images for one epoch here (the plumbing and the numbers it reports, not the
/// speed), and each runs on the kernel OpenBLAS picks for this CPU, not the one a preset environment pins.
/// </summary>
[Trait("Category", Category.Peers)]
[Trait("Category", Category.Mnist)]
public sealed class PeerProgramTests
{
    private static string MnistFolder => Mnist.FindDataDirectory(AppContext.BaseDirectory);

    [Theory]
    [InlineData("numpy_mlp.py", "matrix", "NumPy")]
    [InlineData("numpy_mlp.py", "per-sample", "NumPy")]
    [InlineData("torch_mlp.py", null, "PyTorch")]
    public void Each_peer_trains_the_benchmark_network_and_reports_its_epochs_accuracy_and_BLAS(string script, string? mode, string library)
    {
        Requires.Python(Category.Peers, "numpy", "torch");
        string[] args = ["--data", MnistFolder, "--batch", "10", "--epochs", "2", "--limit", "2000", .. mode is null ? Array.Empty<string>() : ["--mode", mode]];

        var result = PeerPrograms.Run(script, args, threads: 1);

        Assert.StartsWith(library + " ", result.Peer, StringComparison.Ordinal);
        Assert.Equal(2, result.Epochs.Count);
        Assert.All(result.Epochs, seconds => Assert.InRange(seconds, 1e-4, 60));
        Assert.Equal(10_000, result.TestCount);
        // 2 epochs of η = 3 on 2,000 images: 58 % measured for PyTorch, 80 % for NumPy (other random draws); a network
        // that did not learn stays near 10 %.
        Assert.InRange(result.TestCorrect, 4_000, 9_900);
        Assert.InRange(result.PeakMegabytes, 20, 8_000);
        Assert.Equal("OpenBLAS", result.Blas.Library);
        Assert.Equal(1, result.Blas.Threads);
        Assert.False(string.IsNullOrEmpty(result.Blas.Kernel));
    }

    [Fact]
    public void A_peer_runs_on_the_kernel_OpenBLAS_picks_itself_even_where_the_environment_pins_another()
    {
        Requires.Python(Category.Peers, "numpy", "torch");
        // The kernel OpenBLAS picks with nothing pinned, and the one it runs with OPENBLAS_CORETYPE=Sandybridge (AVX only).
        string own = Kernel(PeerPrograms.Environment(threads: 1));
        string pinned = Kernel([("OPENBLAS_CORETYPE", "Sandybridge")]);
        Assert.SkipWhen(own == pinned, $"OpenBLAS picks {own} on this CPU anyway: pinning cannot be told apart here");

        // The peer is run from an environment that pins the old kernel, as these build machines preset OPENBLAS_CORETYPE.
        var previous = Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE");
        Environment.SetEnvironmentVariable("OPENBLAS_CORETYPE", "Sandybridge");
        try
        {
            var result = PeerPrograms.Run("numpy_mlp.py", ["--data", MnistFolder, "--epochs", "1", "--limit", "500"], threads: 1);
            Assert.Equal(own, result.Blas.Kernel);
            Assert.Null(result.Blas.OlderThanCpu(PeerBlas.CpuFlags()));
        }
        finally
        {
            Environment.SetEnvironmentVariable("OPENBLAS_CORETYPE", previous);
        }
        Assert.Equal("Sandybridge", pinned);
    }

    /// <summary>The kernel NumPy's OpenBLAS reports in a process with these environment changes.</summary>
    private static string Kernel((string Name, string? Value)[] environment)
    {
        const string probe = "import numpy, threadpoolctl; print([p['architecture'] for p in threadpoolctl.threadpool_info() if p['user_api'] == 'blas'][0])";
        Assert.Equal(0, BenchCommand.RunProcess(PeerPrograms.Python, PeerPrograms.Folder, ["-c", probe], out var output, environment));
        return output.Trim();
    }
}
