using System.Text.Json;

namespace NeuralNetworks.Cli;

/// <summary>
/// The peer programs of <c>bench --peers</c> and <c>bench --recipe best --peers</c>: the same network in NumPy and PyTorch,
/// in <c>Peers/</c> beside this tool (copied there from src/NeuralNetworks.Cli/Peers by the build). Each runs as
/// <c>/usr/bin/python3</c> with the peer's BLAS left to choose its own kernel: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are
/// removed from its environment (some machines preset them, which holds OpenBLAS to older kernels than the CPU runs).
/// Each prints one JSON line per epoch and a last line <c>{"result": …}</c>, read here.
/// </summary>
public static class PeerPrograms
{
    /// <summary>Debian's Python, which has NumPy and PyTorch as packages (another python3 on the PATH may not).</summary>
    public const string Python = "/usr/bin/python3";

    /// <summary>The folder of the peer programs, beside this tool.</summary>
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Peers");

    /// <summary>Variables that pin OpenBLAS to a kernel or cache size: removed from every peer's environment.</summary>
    public static readonly string[] PinningVariables = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"];

    /// <summary>Why the peers in <paramref name="modules"/> cannot run here, or null when they can.</summary>
    public static string? Missing(params string[] modules)
    {
        if (!File.Exists(Python)) return $"{Python} not found (apt-get install python3-numpy python3-torch)";
        var missing = modules.Where(m => BenchCommand.RunProcess(Python, Folder, ["-c", $"import {m}"], out _) != 0).ToArray();
        return missing.Length == 0 ? null : $"{Python} cannot import {string.Join(", ", missing)} (apt-get install {string.Join(" ", missing.Select(m => $"python3-{m}"))})";
    }

    /// <summary>
    /// The environment changes for a peer: the pinning variables removed, and with <paramref name="threads"/> the BLAS and
    /// OpenMP thread counts set (null: the library's own default, as a user gets it).
    /// </summary>
    public static (string Name, string? Value)[] Environment(int? threads) =>
        [.. PinningVariables.Select(v => (v, (string?)null)),
         .. threads is int t ? new[] { ("OPENBLAS_NUM_THREADS", (string?)$"{t}"), ("OMP_NUM_THREADS", $"{t}"), ("MKL_NUM_THREADS", $"{t}") } : []];

    /// <summary>Runs <paramref name="script"/> of <see cref="Folder"/> with <paramref name="args"/> to its end and reads its result.</summary>
    /// <exception cref="ChildProcessException">The program failed or printed no result.</exception>
    public static PeerResult Run(string script, IEnumerable<string> args, int? threads)
    {
        int exit = BenchCommand.RunProcess(Python, Folder, [Path.Combine(Folder, script), .. args], out var output, Environment(threads));
        var result = output.Split('\n').Where(line => line.StartsWith("{\"result\"", StringComparison.Ordinal)).LastOrDefault();
        if (exit != 0 || result is null)
            throw new ChildProcessException(exit == 0 ? Cli.RunFailed : exit, $"{script} {string.Join(' ', args)}: {output.Trim().Split('\n').LastOrDefault()?.Trim()}");
        return PeerResult.Parse(result);
    }
}

/// <summary>What a peer program reported at its end.</summary>
/// <param name="Peer">The library and its version, e.g. "NumPy 1.24.2".</param>
/// <param name="Epochs">Training seconds of each epoch.</param>
/// <param name="TestCorrect">Test digits classified right after the last epoch.</param>
/// <param name="TestCount">Test digits.</param>
/// <param name="PeakMegabytes">The process's peak resident memory.</param>
/// <param name="Blas">The BLAS the process ran on.</param>
/// <param name="ProcessSeconds">Seconds from the program's start to its result, when it reported them.</param>
public sealed record PeerResult(string Peer, IReadOnlyList<double> Epochs, int TestCorrect, int TestCount, double PeakMegabytes, PeerBlas Blas, double? ProcessSeconds)
{
    /// <summary>Reads the <c>{"result": …}</c> line a peer printed.</summary>
    public static PeerResult Parse(string line)
    {
        using var json = JsonDocument.Parse(line);
        var r = json.RootElement.GetProperty("result");
        var blas = r.GetProperty("blas");
        string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        return new PeerResult(
            r.GetProperty("peer").GetString()!,
            r.GetProperty("epochs").EnumerateArray().Select(e => e.GetDouble()).ToList(),
            r.GetProperty("test_correct").GetInt32(), r.GetProperty("test_count").GetInt32(),
            r.GetProperty("peak_megabytes").GetDouble(),
            new PeerBlas(Text(blas, "library") ?? "unknown", Text(blas, "version"), Text(blas, "kernel"),
                blas.TryGetProperty("threads", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetInt32() : null,
                blas.TryGetProperty("loaded", out var l) ? l.EnumerateArray().Select(p => p.GetString()!).ToList() : []),
            r.TryGetProperty("process_seconds", out var p) ? p.GetDouble() : null);
    }
}

/// <summary>The BLAS a peer ran on, as the peer reported it (threadpoolctl, or OpenBLAS asked directly).</summary>
/// <param name="Library">OpenBLAS, MKL, BLIS, "reference BLAS" (Debian's slow fallback) or "unknown".</param>
/// <param name="Version">Its version, when known.</param>
/// <param name="Kernel">The kernel it chose for this CPU (OpenBLAS's core name, e.g. Cooperlake, Haswell), when known.</param>
/// <param name="Threads">Its thread count.</param>
/// <param name="Loaded">The BLAS libraries mapped into the process.</param>
public sealed record PeerBlas(string Library, string? Version, string? Kernel, int? Threads, IReadOnlyList<string> Loaded)
{
    /// <summary>Debian's reference BLAS: about 3× slower than OpenBLAS, which pip users get; a ratio against it flatters us.</summary>
    public bool IsReference => Library == "reference BLAS";

    /// <summary>"OpenBLAS 0.3.21, Cooperlake kernel, 2 threads".</summary>
    public override string ToString() =>
        $"{Library}{(Version is null ? "" : $" {Version}")}{(Kernel is null ? "" : $", {Kernel} kernel")}{(Threads is int t ? $", {t} thread{(t == 1 ? "" : "s")}" : "")}";

    /// <summary>
    /// The widest SIMD an OpenBLAS kernel of this name uses: 512 (AVX-512: SkylakeX, Cooperlake, SapphireRapids), 256
    /// (AVX2: Haswell, Zen), 255 for AVX without AVX2 (Sandybridge and AMD's Bulldozer line), 128 for the SSE kernels, or
    /// null for a name not known here (ARM's, or a newer one).
    /// </summary>
    public static int? KernelWidth(string? kernel) => kernel?.ToLowerInvariant() switch
    {
        "skylakex" or "cooperlake" or "sapphirerapids" => 512,
        "haswell" or "zen" => 256,
        "sandybridge" or "bulldozer" or "piledriver" or "steamroller" or "excavator" => 255,
        "prescott" or "core2" or "penryn" or "dunnington" or "nehalem" or "atom" or "opteron" or "opteron_sse3" or "barcelona" or "bobcat" or "katmai"
            or "coppermine" or "northwood" or "banias" or "athlon" => 128,
        _ => null,
    };

    /// <summary>The widest SIMD this CPU offers by its <c>/proc/cpuinfo</c> flags, on the same scale as <see cref="KernelWidth"/>.</summary>
    public static int CpuWidth(IReadOnlyCollection<string> flags) =>
        flags.Contains("avx512f") ? 512 : flags.Contains("avx2") ? 256 : flags.Contains("avx") ? 255 : 128;

    /// <summary>
    /// Why this kernel is older than the CPU supports (e.g. "the Haswell kernel (AVX2) on a CPU with AVX-512"), or null
    /// when it is not, or when the kernel is not known here.
    /// </summary>
    public string? OlderThanCpu(IReadOnlyCollection<string> cpuFlags)
    {
        if (KernelWidth(Kernel) is not int kernel) return null;
        int cpu = CpuWidth(cpuFlags);
        return kernel < cpu ? $"the {Kernel} kernel ({Name(kernel)}) on a CPU with {Name(cpu)}" : null;
        static string Name(int width) => width switch { 512 => "AVX-512", 256 => "AVX2", 255 => "AVX", _ => "SSE" };
    }

    /// <summary>The flags of the first CPU in /proc/cpuinfo (empty where there is none).</summary>
    public static IReadOnlyCollection<string> CpuFlags()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal));
            return line is null ? [] : line.Split(':', 2)[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        }
        catch (IOException)
        {
            return [];
        }
    }
}
