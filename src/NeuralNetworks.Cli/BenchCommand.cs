using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Spectre.Console;
using NeuralNetworks.Model;
using NeuralNetworks.Data;
using NeuralNetworks.Training;

namespace NeuralNetworks.Cli;

/// <summary>
/// <c>bench</c>: seconds per epoch of the 784-16-16-10 network on MNIST (Nielsen's recipe: sigmoid, quadratic
/// cost, η = 3, N(0, 1) initialisation) on the fast and the reference path, and with <c>--peers</c> the NumPy
/// and PyTorch scripts of ../shared/bench/peers in the same run, as ratios. Medians, because the machine is shared.
/// </summary>
public static partial class BenchCommand
{
    /// <summary>One measured implementation at one batch size.</summary>
    /// <param name="Name">What ran.</param>
    /// <param name="BatchSize">m.</param>
    /// <param name="Epochs">Epochs timed.</param>
    /// <param name="MedianSeconds">Median training seconds per epoch.</param>
    /// <param name="TestAccuracy">Test accuracy after the last epoch, when measured.</param>
    /// <param name="PeakMegabytes">Peak memory of the process that ran it, when known.</param>
    public sealed record Row(string Name, int BatchSize, int Epochs, double MedianSeconds, double? TestAccuracy, double? PeakMegabytes);

    /// <summary>Builds the <c>bench</c> command.</summary>
    public static Command Create()
    {
        var epochs = CommandOptions.Int("--epochs", "Epochs of the fast path per batch size (median over them) [default: 7].");
        var referenceEpochs = CommandOptions.Int("--reference-epochs", "Epochs of the reference path per batch size (0 skips it) [default: 2].");
        var batchSizes = new Option<string>("--batch-sizes") { Description = "Comma-separated mini-batch sizes.", DefaultValueFactory = _ => "10,32,100" };
        var peers = new Option<bool>("--peers") { Description = "Also run the NumPy and PyTorch peer scripts (needs /usr/bin/python3 with numpy and torch)." };
        var peerEpochs = CommandOptions.Int("--peer-epochs", "Epochs of each peer script per batch size [default: 3].");
        var peersDir = new Option<string?>("--peers-dir") { Description = "Folder of np_mlp.py, torch_mlp.py and prep_data.py (default: shared/bench/peers found upward from here)." };
        var data = TrainingOptionSet.Data();
        var endToEnd = new Option<string?>("--end-to-end")
        {
            Description = "Instead of the table: load MNIST, train 784-16-16-10 for --epochs epochs at batch 10 (test accuracy after each), save the network as JSON to this path (checked before loading), and exit; time the whole process from outside.",
        };
        var recipe = new Option<string?>("--recipe")
        {
            Description = "Instead of the table: run `train --recipe NAME` as a whole process, timed from start to exit, and with --peers the same recipe " +
                          $"in PyTorch on one thread and on two after it (peer scripts exist for: {string.Join(", ", RecipeBench.PeerScripts.Keys)}). --epochs overrides the recipe's epochs.",
        };
        var seed = CommandOptions.Int("--seed", "With --recipe: the seed of both runs [default: 1].");
        var command = new Command("bench", "Median seconds per epoch of 784-16-16-10 on MNIST: fast and reference paths, optionally against NumPy and PyTorch; or a whole recipe against PyTorch (--recipe).")
        {
            epochs, referenceEpochs, batchSizes, peers, peerEpochs, peersDir, data, endToEnd, recipe, seed,
        };
        command.SetAction(parse =>
        {
            // Every option is checked before anything loads or trains.
            var sizes = ParseSizes(parse.GetValue(batchSizes)!);
            int e = parse.GetValue(epochs) ?? 7, r = parse.GetValue(referenceEpochs) ?? 2, pe = parse.GetValue(peerEpochs) ?? 3;
            if (e < 1) throw new UsageException($"--epochs must be at least 1, not {e}.");
            if (r < 0) throw new UsageException($"--reference-epochs must be 0 or more, not {r}.");
            if (pe < 1) throw new UsageException($"--peer-epochs must be at least 1, not {pe}.");
            var dataDir = parse.GetValue(data) is { } d ? CheckFolder(d, "--data") : null;
            var peersFolder = parse.GetValue(peersDir) is { } p ? CheckFolder(p, "--peers-dir") : null;
            if (parse.GetValue(recipe) is { } name)
            {
                var key = name.Trim().ToLowerInvariant();
                if (!TrainingRecipe.All.ContainsKey(key))
                    throw new UsageException($"--recipe {name}: no such recipe" + Cli.Suggest(name, TrainingRecipe.All.Keys.ToList(), "recipes"));
                var clashes = new Option[] { referenceEpochs, batchSizes, peerEpochs, peersDir, endToEnd }
                    .Where(o => parse.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
                if (clashes.Count > 0)
                    throw new UsageException($"--recipe times a whole training run; {string.Join(" and ", clashes)} belong to the per-epoch table: leave them out, or leave out --recipe.");
                if (parse.GetValue(peers) && !RecipeBench.PeerScripts.ContainsKey(key))
                    throw new UsageException($"--recipe {key} --peers: there is a PyTorch peer only for {string.Join(", ", RecipeBench.PeerScripts.Keys)}.");
                RecipeBench.Run(key, parse.GetValue(seed) ?? 1, parse.GetValue(epochs), parse.GetValue(peers), dataDir);
                return 0;
            }
            if (parse.GetResult(seed) is { Implicit: false }) throw new UsageException("--seed is for --recipe; the per-epoch table always starts from seed 1.");
            if (parse.GetValue(endToEnd) is { } path) return EndToEnd(OutputFile.Check(path, "--end-to-end", "network.json"), e, dataDir);
            return Run(sizes, e, r, parse.GetValue(peers), pe, peersFolder, dataDir);
        });
        return command;
    }

    private static string CheckFolder(string path, string option)
    {
        string full = Path.GetFullPath(path);
        if (!Directory.Exists(full)) throw new UsageException($"{option} {path}: there is no folder {full}.");
        return full;
    }

    private static int Run(int[] batchSizes, int epochs, int referenceEpochs, bool peers, int peerEpochs, string? peersDir, string? dataDir)
    {
        if (AnsiConsole.Profile.Width < 120) AnsiConsole.Profile.Width = 120;   // keep the table readable in logs
        var machine = $"{CpuModel()}, {Environment.ProcessorCount} cores, load {LoadAverage()}";
        AnsiConsole.MarkupLineInterpolated($"[bold]bench[/] on {machine}");
        var clock = Stopwatch.StartNew();
        var mnist = Mnist.Load(dataDir);
        AnsiConsole.WriteLine($"MNIST loaded in {clock.Elapsed.TotalSeconds:0.00} s ({mnist.Training.Count:N0} training, {mnist.Test.Count:N0} test images)");

        var rows = new List<Row>();
        foreach (int m in batchSizes)
        {
            rows.Add(Measure(mnist, m, epochs, TrainingEngine.Fast));
            if (referenceEpochs > 0) rows.Add(Measure(mnist, m, referenceEpochs, TrainingEngine.Reference));
        }
        var process = Process.GetCurrentProcess();
        double peak = process.PeakWorkingSet64 / 1e6;

        if (peers)
        {
            var peerRows = RunPeers(batchSizes, peerEpochs, peersDir, dataDir);
            rows.AddRange(peerRows);
        }

        var table = new Table().AddColumns("implementation", "batch", "epochs", "median s/epoch", "× slower than fast", "test accuracy", "peak MB");
        foreach (var row in rows.OrderBy(r => r.BatchSize))
        {
            var fast = rows.First(f => f.BatchSize == row.BatchSize && f.Name.StartsWith("fast", StringComparison.Ordinal));
            table.AddRow(Markup.Escape(row.Name), $"{row.BatchSize}", $"{row.Epochs}", $"{row.MedianSeconds:0.000}",
                $"{row.MedianSeconds / fast.MedianSeconds:0.0}", row.TestAccuracy is double a ? $"{a:P2}" : "—",
                row.PeakMegabytes is double mb ? $"{mb:0}" : "—");
        }
        AnsiConsole.Write(table);
        var gc = GC.GetGCMemoryInfo();
        AnsiConsole.WriteLine($"this process (loading, fast and reference runs): peak working set {peak:0} MB, " +
            $"GC heap now {GC.GetTotalMemory(false) / 1e6:0} MB, peak GC heap committed {gc.TotalCommittedBytes / 1e6:0} MB, " +
            $"{GC.GetTotalAllocatedBytes() / 1e6:0} MB allocated in all, gen0/1/2 collections {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}");
        AnsiConsole.WriteLine($"load average at the end: {LoadAverage()}");
        return 0;
    }

    private static int EndToEnd(string path, int epochs, string? dataDir)
    {
        var clock = Stopwatch.StartNew();
        var mnist = Mnist.Load(dataDir);
        double loaded = clock.Elapsed.TotalSeconds;
        var result = Network.Create([784, 16, 16, 10], seed: 1).Train(mnist.Training, new TrainingOptions { Epochs = epochs, BatchSize = 10, TestData = mnist.Test });
        double trained = clock.Elapsed.TotalSeconds;
        OutputFile.Write(path, temporary => result.Network.Save(temporary));
        Console.WriteLine($"loaded in {loaded:0.00} s, {epochs} epochs in {trained - loaded:0.00} s ({result.History.Engine}), saved in {clock.Elapsed.TotalSeconds - trained:0.00} s; " +
            $"test accuracy {result.History.FinalTestAccuracy:P2}; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:0} MB");
        return 0;
    }

    private static Row Measure(MnistData mnist, int batchSize, int epochs, TrainingEngine engine)
    {
        var network = Network.Create([784, 16, 16, 10], seed: 1);
        var options = new TrainingOptions
        {
            Epochs = epochs,
            BatchSize = batchSize,
            LearningRate = 3.0,
            Seed = 1,
            Engine = engine,
            TestData = engine == TrainingEngine.Fast ? mnist.Test : null,  // the reference evaluates slowly; its accuracy is not the point here
        };
        var history = Trainer.Train(network, mnist.Training, options).History;
        var name = history.Engine.ToString();   // e.g. "fast (float32, Vector256, 1 thread)": which kernels this CPU ran
        foreach (var e in history.Epochs)
            AnsiConsole.WriteLine($"  {name}, m = {batchSize}, epoch {e.Epoch}: {e.Seconds:0.000} s" + (e.TestAccuracy is double a ? $", test accuracy {a:P2}" : ""));
        return new Row(name, batchSize, epochs, Median(history.Epochs.Select(x => x.Seconds)), history.FinalTestAccuracy, null);
    }

    private static List<Row> RunPeers(int[] batchSizes, int epochs, string? peersDir, string? dataDir)
    {
        var rows = new List<Row>();
        var dir = peersDir ?? FindUpward(Path.Combine("shared", "bench", "peers"));
        const string python = "/usr/bin/python3";
        if (dir is null || !File.Exists(Path.Combine(dir, "np_mlp.py")))
        {
            AnsiConsole.WriteLine("peers: shared/bench/peers not found (give --peers-dir); skipped");
            return rows;
        }
        if (!File.Exists(python) || RunProcess(python, dir, ["-c", "import numpy"], null, out _) != 0)
        {
            AnsiConsole.WriteLine("peers: /usr/bin/python3 with numpy not found (apt-get install python3-numpy python3-torch); skipped");
            return rows;
        }
        bool torch = RunProcess(python, dir, ["-c", "import torch"], null, out _) == 0;
        var numpyBlas = PeerBlas(python, dir, "numpy");
        var torchBlas = torch ? PeerBlas(python, dir, "torch", OneBlasThread) : null;
        AnsiConsole.WriteLine($"peers: NumPy on {numpyBlas.Describe()}");
        if (torchBlas is not null) AnsiConsole.WriteLine($"peers: PyTorch on {torchBlas.Describe()}");
        foreach (var (peer, blas) in new[] { ("NumPy", numpyBlas), ("PyTorch", torchBlas) })
            if (blas is { IsReference: true })
                AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] {peer} runs on the reference BLAS ({blas.Loaded}), about 3× slower than on OpenBLAS, which pip users get: a ratio against it flatters this library. Install OpenBLAS (apt-get install libopenblas0-pthread) and run again.");
        var peerData = Path.Combine(Path.GetTempPath(), $"nn-bench-peer-data-{Environment.ProcessId}");
        try
        {
            var mnistDir = dataDir ?? Mnist.FindDataDirectory();
            if (RunProcess(python, dir, ["prep_data.py", mnistDir], peerData, out var prep) != 0)
                throw new InvalidOperationException($"prep_data.py failed: {prep}");
            foreach (int m in batchSizes)
            {
                var runs = new List<(string Name, string[] Args, (string, string)[] Environment)>
                {
                    ($"NumPy vectorised (float64, {numpyBlas.Short})", ["np_mlp.py", "vec", $"{m}", $"{epochs}", $"{epochs}"], []),
                };
                if (torch) runs.Add(($"PyTorch CPU, 1 thread ({torchBlas!.Short})", ["torch_mlp.py", $"{m}", $"{epochs}", "1", $"{epochs}"], OneBlasThread));
                if (m == batchSizes[0]) runs.Add(("NumPy per-sample (network.py)", ["np_mlp.py", "nielsen", $"{m}", "1"], []));
                foreach (var (name, args, environment) in runs)
                {
                    int exit = RunProcess(python, dir, args, peerData, out var output, environment);
                    var result = ResultLine().Match(output);
                    if (exit != 0 || !result.Success)
                    {
                        AnsiConsole.WriteLine($"peers: {string.Join(' ', args)} failed: {output.Trim()}");
                        continue;
                    }
                    foreach (var line in output.Split('\n').Where(l => l.StartsWith("epoch", StringComparison.Ordinal)))
                        AnsiConsole.WriteLine($"  {name}, m = {m}: {line.Trim()}");
                    var accuracy = AccuracyLine().Matches(output).LastOrDefault() is { } acc ? int.Parse(acc.Groups[1].Value, CultureInfo.InvariantCulture) / 10000.0 : (double?)null;
                    rows.Add(new Row(name, m, int.Parse(args[0] == "np_mlp.py" ? args[3] : args[2], CultureInfo.InvariantCulture),
                        double.Parse(result.Groups[1].Value, CultureInfo.InvariantCulture), accuracy,
                        double.Parse(result.Groups[2].Value, CultureInfo.InvariantCulture)));
                }
            }
        }
        finally
        {
            if (Directory.Exists(peerData)) Directory.Delete(peerData, recursive: true);
        }
        return rows;
    }

    /// <summary>
    /// The BLAS a peer runs on: what its build says (numpy.show_config, torch.__config__) and which library the
    /// process actually loaded (Debian's NumPy and PyTorch link the generic libblas.so.3, which the alternatives
    /// system points at OpenBLAS when installed, else at the slow reference BLAS).
    /// </summary>
    /// <param name="Declared">What the package's build configuration names.</param>
    /// <param name="Loaded">The BLAS libraries mapped into the process after importing the package.</param>
    /// <param name="Threads">OpenBLAS's thread count, when OpenBLAS is loaded.</param>
    public sealed record BlasInfo(string Declared, string Loaded, int? Threads)
    {
        /// <summary>Only Debian's reference BLAS (…/blas/libblas.so.3) is loaded: no OpenBLAS, MKL or BLIS.</summary>
        public bool IsReference => Loaded.Contains("/blas/libblas", StringComparison.Ordinal)
            && !Regex.IsMatch(Loaded, "openblas|mkl|blis", RegexOptions.IgnoreCase);

        /// <summary>A short name for the table: OpenBLAS, reference BLAS, MKL, BLIS or what was loaded.</summary>
        public string Short =>
            Regex.IsMatch(Loaded, "openblas", RegexOptions.IgnoreCase) ? $"OpenBLAS{(Threads is int t ? $", {t} BLAS thread{(t == 1 ? "" : "s")}" : "")}"
            : Regex.IsMatch(Loaded, "mkl", RegexOptions.IgnoreCase) ? "MKL"
            : Regex.IsMatch(Loaded, "blis", RegexOptions.IgnoreCase) ? "BLIS"
            : IsReference ? "reference BLAS" : "BLAS unknown";

        /// <summary>One line for the log.</summary>
        public string Describe() => $"{Short} (build says {Declared}; loaded {Loaded})";
    }

    // Imports the package, then prints what its build says about BLAS and the BLAS libraries the process mapped.
    private const string BlasProbe = """
        import sys, re, io, ctypes, contextlib
        which = sys.argv[1]
        if which == "numpy":
            import numpy
            text = io.StringIO()
            with contextlib.redirect_stdout(text): numpy.show_config()
            m = re.search(r"blas_opt_info:\n(?:    .*\n)*?    libraries = (\[[^\]]*\])", text.getvalue())
            declared = "blas_opt_info libraries " + (m.group(1) if m else "?")
        else:
            import torch
            m = re.search(r"BLAS_INFO=([^,\s]+)", torch.__config__.show())
            declared = "BLAS_INFO=" + (m.group(1) if m else "?")
        libs = sorted({l.split()[-1] for l in open("/proc/self/maps") if len(l.split()) >= 6 and re.search(r"(blas|mkl|blis)[^/]*$", l.split()[-1])})
        threads = ""
        for lib in libs:
            if "openblas" in lib.rsplit("/", 1)[-1]:
                try: threads = str(ctypes.CDLL(lib).openblas_get_num_threads())
                except Exception: pass
        print("BLAS|" + declared + "|" + ", ".join(libs) + "|" + threads)
        """;

    /// <summary>
    /// For "PyTorch, 1 thread": torch.set_num_threads(1) limits PyTorch's own pool but not the OpenBLAS that Debian's
    /// PyTorch calls (measured: openblas_get_num_threads() still says 2), so the run gets OPENBLAS_NUM_THREADS=1 too.
    /// </summary>
    internal static readonly (string, string)[] OneBlasThread = [("OPENBLAS_NUM_THREADS", "1"), ("OMP_NUM_THREADS", "1")];

    internal static BlasInfo PeerBlas(string python, string dir, string package, params (string Name, string Value)[] environment)
    {
        if (RunProcess(python, dir, ["-c", BlasProbe, package], null, out var output, environment) != 0
            || output.Split('\n').FirstOrDefault(l => l.StartsWith("BLAS|", StringComparison.Ordinal)) is not { } line)
            return new BlasInfo("?", $"unknown ({output.Trim().Split('\n').LastOrDefault()})", null);
        var parts = line.Trim().Split('|');
        return new BlasInfo(parts[1], parts[2].Length > 0 ? parts[2] : "no BLAS library mapped", int.TryParse(parts[3], CultureInfo.InvariantCulture, out int t) ? t : null);
    }

    /// <summary>Runs <paramref name="file"/> in <paramref name="dir"/> to its exit; what it printed (stdout, then stderr) and its exit code.</summary>
    internal static int RunProcess(string file, string dir, string[] args, string? peerData, out string output, params (string Name, string Value)[] environment)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment) info.Environment[name] = value;
        foreach (var a in args) info.ArgumentList.Add(a);
        if (peerData is not null) info.Environment["PEER_DATA"] = peerData;
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        output += stderr.Result;
        return process.ExitCode;
    }

    [GeneratedRegex(@"median_epoch_s=([0-9.]+).*maxrss_MB=([0-9.]+)")]
    private static partial Regex ResultLine();

    [GeneratedRegex(@"acc (\d+)/10000")]
    private static partial Regex AccuracyLine();

    private static int[] ParseSizes(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0) throw new UsageException($"--batch-sizes needs at least one size, e.g. 10,100, not '{text}'.");
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!Numbers.TryParseInt(parts[i], out sizes[i], out var problem))
                throw new UsageException($"--batch-sizes '{text}': {problem}; give whole numbers separated by commas, e.g. 10,100.");
            if (sizes[i] < 1 || sizes[i] > 60_000)
                throw new UsageException($"--batch-sizes '{text}': {sizes[i]} is not a batch size from 1 to the 60,000 MNIST training examples.");
        }
        return sizes;
    }

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string? FindUpward(string relative)
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, relative))) return Path.Combine(dir.FullName, relative);
        return null;
    }

    internal static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }

    internal static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
