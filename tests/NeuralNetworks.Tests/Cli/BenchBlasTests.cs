using NeuralNetworks.Cli;

namespace NeuralNetworks.Tests.Cli;

/// <summary>
/// <c>bench --peers</c> reads what each peer reports about its BLAS, names the reference BLAS, and says on a row when
/// OpenBLAS runs a kernel older than the CPU supports (as it does when OPENBLAS_CORETYPE pins it).
/// </summary>
public class BenchBlasTests
{
    private static readonly string[] Avx512Cpu = ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw"];
    private static readonly string[] Avx2Cpu = ["sse4_2", "avx", "avx2", "fma"];

    private static PeerBlas OpenBlas(string kernel, int threads = 2) =>
        new("OpenBLAS", "0.3.21", kernel, threads, ["/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so"]);

    [Theory]
    [InlineData("Haswell", "the Haswell kernel (AVX2) on a CPU with AVX-512")]
    [InlineData("Zen", "the Zen kernel (AVX2) on a CPU with AVX-512")]
    [InlineData("Sandybridge", "the Sandybridge kernel (AVX) on a CPU with AVX-512")]
    [InlineData("Nehalem", "the Nehalem kernel (SSE) on a CPU with AVX-512")]
    public void A_kernel_below_AVX_512_on_an_AVX_512_CPU_is_named_as_older_than_the_CPU_supports(string kernel, string expected)
    {
        Assert.Equal(expected, OpenBlas(kernel).OlderThanCpu(Avx512Cpu));
    }

    [Theory]
    [InlineData("Cooperlake")]
    [InlineData("SkylakeX")]
    [InlineData("SapphireRapids")]
    public void An_AVX_512_kernel_on_an_AVX_512_CPU_is_not_older(string kernel)
    {
        Assert.Null(OpenBlas(kernel).OlderThanCpu(Avx512Cpu));
    }

    [Fact]
    public void The_bench_header_names_the_CPU_s_family_its_widest_vectors_and_its_L2_cache()
    {
        // The build machines of one kind changed CPU between sessions (AVX-512 one day, AVX2 the next): every bench run
        // says which it ran on.
        string cpu = BenchCommand.CpuModel();
        string expected = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "AVX-512"
            : System.Runtime.Intrinsics.X86.Avx2.IsSupported ? "AVX2 without AVX-512" : "";
        Assert.Contains(expected, cpu);
        if (OperatingSystem.IsLinux() && File.Exists("/proc/cpuinfo"))
        {
            Assert.Matches(@"family \d+ model \d+", cpu);
            Assert.DoesNotContain("unknown CPU", cpu);
        }
        if (File.Exists("/sys/devices/system/cpu/cpu0/cache/index2/size")) Assert.Matches(@"L2 \d+K", cpu);
    }

    [Fact]
    public void The_Haswell_kernel_on_an_AVX2_CPU_is_what_that_CPU_supports()
    {
        Assert.Null(OpenBlas("Haswell").OlderThanCpu(Avx2Cpu));
        Assert.Equal("the Sandybridge kernel (AVX) on a CPU with AVX2", OpenBlas("Sandybridge").OlderThanCpu(Avx2Cpu));
    }

    [Fact]
    public void A_kernel_not_known_here_is_not_judged()
    {
        Assert.Null(OpenBlas("NEOVERSEN1").OlderThanCpu(Avx512Cpu));
        Assert.Null(new PeerBlas("MKL", "2023", null, 2, []).OlderThanCpu(Avx512Cpu));
    }

    [Fact]
    public void The_row_names_library_version_kernel_and_threads()
    {
        Assert.Equal("OpenBLAS 0.3.21, Cooperlake kernel, 1 thread", OpenBlas("Cooperlake", 1).ToString());
        Assert.Equal("OpenBLAS 0.3.21, Haswell kernel, 2 threads", OpenBlas("Haswell").ToString());
        var reference = new PeerBlas("reference BLAS", null, null, null, ["/usr/lib/x86_64-linux-gnu/blas/libblas.so.3"]);
        Assert.True(reference.IsReference);
        Assert.False(OpenBlas("Haswell").IsReference);
        Assert.Equal("reference BLAS", reference.ToString());
    }

    [Fact]
    public void A_peers_result_line_is_read_field_by_field()
    {
        var result = PeerResult.Parse("""
            {"result": {"peer": "NumPy 1.24.2", "mode": "matrix", "epochs": [0.41, 0.39, 0.4], "test_correct": 9301, "test_count": 10000,
             "peak_megabytes": 570.5, "blas": {"library": "OpenBLAS", "version": "0.3.21", "kernel": "Cooperlake", "threads": 2,
             "loaded": ["/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3"]}}}
            """.ReplaceLineEndings(" "));

        Assert.Equal("NumPy 1.24.2", result.Peer);
        Assert.Equal([0.41, 0.39, 0.4], result.Epochs);
        Assert.Equal((9301, 10000, 570.5), (result.TestCorrect, result.TestCount, result.PeakMegabytes));
        Assert.Equal(OpenBlas("Cooperlake").ToString(), result.Blas.ToString());
        Assert.Null(result.ProcessSeconds);
    }

    [Fact]
    public void Every_peer_runs_without_the_variables_that_pin_OpenBLAS_and_with_the_threads_it_is_given()
    {
        var environment = PeerPrograms.Environment(threads: 1);

        Assert.Contains(("OPENBLAS_CORETYPE", null), environment);
        Assert.Contains(("OPENBLAS_L2_SIZE", null), environment);
        Assert.Contains(("OPENBLAS_NUM_THREADS", "1"), environment);
        Assert.DoesNotContain(PeerPrograms.Environment(threads: null), v => v.Name == "OPENBLAS_NUM_THREADS");
    }

    [Theory]
    [InlineData(10, 3_316_344_000)]    // 60,000 × 52,672 + 6,000 steps × 2 × 13,002
    [InlineData(100, 3_175_922_400)]   // 60,000 × 52,672 + 600 steps × 2 × 13,002
    [InlineData(64, 3_184_711_752)]    // the last of 938 steps holds 32 examples, and counts as a step
    public void A_dense_epoch_of_784_16_16_10_is_counted_as_forward_BP2_BP4_and_the_update(int batchSize, double flops)
    {
        Assert.Equal(flops, BenchCommand.UsefulFlops(batchSize));
    }
}
