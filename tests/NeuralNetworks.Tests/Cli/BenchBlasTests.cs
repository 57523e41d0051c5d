using NeuralNetworks.Cli;

namespace NeuralNetworks.Tests.Cli;

/// <summary>`bench --peers` names the BLAS each peer runs on and tells the reference BLAS apart (paths as Debian 12 maps them).</summary>
public class BenchBlasTests
{
    [Fact]
    public void Debians_reference_BLAS_is_recognised_and_named()
    {
        var blas = new BenchCommand.BlasInfo("blas_opt_info libraries ['blas', 'blas']", "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3", null);

        Assert.True(blas.IsReference);
        Assert.Equal("reference BLAS", blas.Short);
        Assert.Contains("/blas/libblas.so.3", blas.Describe());
    }

    [Fact]
    public void OpenBLAS_is_not_the_reference_and_its_threads_are_named()
    {
        var blas = new BenchCommand.BlasInfo("BLAS_INFO=generic",
            "/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3, /usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so", 1);

        Assert.False(blas.IsReference);
        Assert.Equal("OpenBLAS, 1 BLAS thread", blas.Short);
        Assert.Equal("OpenBLAS, 2 BLAS threads", (blas with { Threads = 2 }).Short);
    }

    [Fact]
    public void The_reference_BLAS_next_to_OpenBLAS_is_not_reported_as_reference()
    {
        var blas = new BenchCommand.BlasInfo("?", "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3, /usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so", 2);

        Assert.False(blas.IsReference);
        Assert.StartsWith("OpenBLAS", blas.Short);
    }
}
