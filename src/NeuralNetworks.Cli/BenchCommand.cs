using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using NeuralNetworks.Model;
using NeuralNetworks.Data;
using NeuralNetworks.Training;

namespace NeuralNetworks.Cli;

/// <summary>
/// <c>bench</c>: seconds per epoch of the 784-16-16-10 network on MNIST (Nielsen's recipe: sigmoid, quadratic cost, η = 3,
/// N(0, 1) initialisation) on the fast path — each batch size a <c>train</c> process of its own, so its first epoch is
/// what a user's first epoch is — and on the reference path, and with <c>--peers</c> the same network in NumPy and PyTorch
/// (Peers/, beside this tool) on one thread and on two, in the same run. Every fast-path row is also given as GFLOP/s and
/// as a share of this machine's measured FMA peak (<see cref="FmaPeak"/>). Medians, because the machine may be shared.
/// </summary>
public static class BenchCommand
{
    /// <summary>One measured implementation at one batch size.</summary>
    /// <param name="Name">What ran.</param>
    /// <param name="BatchSize">m.</param>
    /// <param name="Threads">Threads (or BLAS threads) it used.</param>
    /// <param name="Epochs">Training seconds of each epoch timed.</param>
    /// <param name="TestAccuracy">Test accuracy after the last epoch, when measured.</param>
    /// <param name="PeakMegabytes">Peak memory of the process that ran it, when known.</param>
    /// <param name="Blas">The BLAS of a peer.</param>
    /// <param name="Peer">For a peer, which one ("NumPy", "PyTorch", "network.py"); null for this library.</param>
    /// <param name="Round">Which round of <c>--rounds</c> measured it (1 when there is one).</param>
    public sealed record Row(string Name, int BatchSize, int Threads, IReadOnlyList<double> Epochs, double? TestAccuracy, double? PeakMegabytes,
        PeerBlas? Blas = null, string? Peer = null, int Round = 1)
    {
        /// <summary>The median of <see cref="Epochs"/>.</summary>
        public double MedianSeconds => Median(Epochs);

        /// <summary>The first epoch.</summary>
        public double FirstSeconds => Epochs[0];

        /// <summary>A row of this library's fast path.</summary>
        public bool IsFast => Name.StartsWith(FastName, StringComparison.Ordinal);
    }

    private const string FastName = "this library, fast path";

    /// <summary>Builds the <c>bench</c> command.</summary>
    public static Command Create()
    {
        var epochs = CommandOptions.Int("--epochs", "Epochs of the fast path per batch size (median over them) [default: 7].");
        var referenceEpochs = CommandOptions.Int("--reference-epochs", "Epochs of the reference path per batch size (0 skips it) [default: 2].");
        var batchSizes = new Option<string>("--batch-sizes") { Description = "Comma-separated mini-batch sizes.", DefaultValueFactory = _ => "10,32,100" };
        var peers = new Option<bool>("--peers") { Description = $"Also run the NumPy and PyTorch peers (Peers/ beside this tool; needs {PeerPrograms.Python} with numpy and torch)." };
        var peerEpochs = CommandOptions.Int("--peer-epochs", "Epochs of each peer per batch size [default: 5].");
        var rounds = CommandOptions.Int("--rounds", "With --peers: measure each batch size's fast path and its peers this many times, one after the other, " +
                                                    "and give the median of the rounds' ratios, each from runs seconds apart (for a machine whose speed drifts); " +
                                                    "with --recipe: run the whole processes this many times in turn and give their medians [default: 1].");
        var data = TrainingOptionSet.Data();
        var endToEnd = new Option<string?>("--end-to-end")
        {
            Description = "Instead of the table: load MNIST, train 784-16-16-10 for --epochs epochs at batch 10 (test accuracy after each), save the network as JSON to this path (checked before loading), and exit; time the whole process from outside.",
        };
        var recipe = new Option<string?>("--recipe")
        {
            Description = "Instead of the table: run `train --recipe NAME` as a whole process, timed from start to exit, and with --peers the same recipe " +
                          $"in PyTorch on one thread and on two after it (peer programs exist for: {string.Join(", ", RecipeBench.PeerScripts.Keys)}). --epochs overrides the recipe's epochs.",
        };
        var seed = CommandOptions.Int("--seed", "With --recipe: the seed of both runs [default: 1].");
        var command = new Command("bench", "Median seconds per epoch of 784-16-16-10 on MNIST: fast and reference paths, optionally against NumPy and PyTorch; or a whole recipe against PyTorch (--recipe).")
        {
            epochs, referenceEpochs, batchSizes, peers, peerEpochs, rounds, data, endToEnd, recipe, seed,
        };
        command.SetAction(parse =>
        {
            // Every option is checked before anything loads or trains.
            var sizes = ParseSizes(parse.GetValue(batchSizes)!);
            int e = parse.GetValue(epochs) ?? 7, r = parse.GetValue(referenceEpochs) ?? 2, pe = parse.GetValue(peerEpochs) ?? 5;
            if (e < 1) throw new UsageException($"--epochs must be at least 1, not {e}.");
            if (r < 0) throw new UsageException($"--reference-epochs must be 0 or more, not {r}.");
            if (pe < 1) throw new UsageException($"--peer-epochs must be at least 1, not {pe}.");
            int n = parse.GetValue(rounds) ?? 1;
            if (n < 1) throw new UsageException($"--rounds must be at least 1, not {n}.");
            var dataDir = parse.GetValue(data) is { } d ? CheckFolder(d, "--data") : null;
            if (parse.GetValue(recipe) is { } name)
            {
                var key = TrainingOptionSet.RecipeNamed(name).Key;
                var clashes = new Option[] { referenceEpochs, batchSizes, peerEpochs, endToEnd }
                    .Where(o => parse.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
                if (clashes.Count > 0)
                    throw new UsageException($"--recipe times a whole training run; {string.Join(" and ", clashes)} belong{(clashes.Count == 1 ? "s" : "")} to the per-epoch table: leave them out, or leave out --recipe.");
                if (parse.GetValue(peers) && !RecipeBench.PeerScripts.ContainsKey(key))
                    throw new UsageException($"--recipe {key} --peers: there is a PyTorch peer only for {string.Join(", ", RecipeBench.PeerScripts.Keys)}.");
                RecipeBench.Run(key, parse.GetValue(seed) ?? 1, parse.GetValue(epochs), parse.GetValue(peers), dataDir, n);
                return 0;
            }
            if (parse.GetResult(seed) is { Implicit: false }) throw new UsageException("--seed is for --recipe; the per-epoch table always starts from seed 1.");
            if (parse.GetValue(endToEnd) is { } path)
            {
                var network = OutputFile.Check(path, "--end-to-end", "network.json");
                OutputFile.NotTheData(network, "--end-to-end", dataDir);
                OutputFile.OnlyReplaces(network, "--end-to-end", OutputFile.Kind.Network);
                return EndToEnd(network, e, dataDir);
            }
            if (n > 1 && !parse.GetValue(peers)) throw new UsageException("--rounds pairs the fast path with its peers: add --peers, or leave out --rounds.");
            return Run(sizes, e, r, parse.GetValue(peers), pe, dataDir, n);
        });
        return command;
    }

    private static string CheckFolder(string path, string option)
    {
        string full = Path.GetFullPath(TrainingOptionSet.DataFolder(path)!);
        if (!Directory.Exists(full)) throw new UsageException($"{option} {path}: there is no folder {full}.");
        return full;
    }

    /// <summary>The per-epoch table: for each batch size the fast path on its default thread count and the other, then the
    /// peers (with <paramref name="rounds"/> above 1, the fast path on its default and the peers again, round after round),
    /// then the reference path; the peak, the table and the ratios after.</summary>
    public static int Run(int[] batchSizes, int epochs, int referenceEpochs, bool peers, int peerEpochs, string? dataDir, int rounds = 1)
    {
        if (AnsiConsole.Profile.Width < 200) AnsiConsole.Profile.Width = 200;   // keep the table readable in logs
        AnsiConsole.MarkupLineInterpolated($"[bold]bench[/] on {CpuModel()}, {Environment.ProcessorCount} cores, load {LoadAverage()}, {NativeTool.Build}");
        var clock = Stopwatch.StartNew();
        var mnist = Mnist.Load(dataDir);
        var mnistDir = dataDir ?? Mnist.FindDataDirectory();
        AnsiConsole.WriteLine($"MNIST loaded in {clock.Elapsed.TotalSeconds:0.00} s ({mnist.Training.Count:N0} training, {mnist.Test.Count:N0} test images)");
        var peak = FmaPeak.Measure();
        AnsiConsole.WriteLine($"FMA peak (float32, Vector{peak.VectorBits}, 12 independent chains, best of 40 trials): one core {peak.OneCore:0} GFLOP/s, " +
                              $"{peak.Cores} cores at once {peak.AllCores:0} GFLOP/s");
        if (CacheLineRoundTrip.Measure() is { } roundTrip)
            AnsiConsole.WriteLine($"A cache line's round trip between two threads (ping-pong on one 64-byte line, median of 5 rounds of 100,000): {roundTrip:0.00} µs");
        if (peak.Cores > 1 && peak.AllCores < 1.5 * peak.OneCore)
            AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] {peak.Cores} cores at once reached only {peak.AllCores / peak.OneCore:0.00}× one core: other work held a core, so the percentages of the all-core peak below are of a figure this run did not see; measure on a quiet machine.");

        var rows = new List<Row>();
        foreach (int m in batchSizes)
        {
            for (int round = 1; round <= rounds; round++)
            {
                var fast = Fast(m, epochs, mnistDir, threads: null, round, rounds);
                rows.Add(fast);
                // The other thread count too (in the first round), to show whether the default is the faster (two threads
                // below 100 only when asked for; batches of 8 or fewer are one forward group, which one thread does).
                if (round == 1 && Environment.ProcessorCount > 1 && m > 8) rows.Add(Fast(m, epochs, mnistDir, threads: fast.Threads > 1 ? 1 : 2, round, rounds));
                // Each batch size's peers right after its fast rows, not all of them at the end: the host's speed drifts by
                // 1.5× within a minute on some machines, and a ratio should compare runs made close together (docs/performance-history.md,
                // "The Zen 3 kind again"). The reference path, in no ratio, comes after them.
                bool first = round == 1 && m == batchSizes[0];
                if (peers) rows.AddRange(Peers(m, peerEpochs, mnistDir, perSample: first, announce: first, round, rounds));
            }
            if (referenceEpochs > 0) rows.Add(Reference(mnist, m, referenceEpochs));
        }

        var cpuFlags = PeerBlas.CpuFlags();
        var table = new Table().AddColumns("implementation", "batch", "threads", "epochs", "epoch 1 s", "median s", "× fast", "GFLOP/s", "% of peak", "test accuracy", "peak MB", "BLAS");
        foreach (var row in rows.OrderBy(r => r.BatchSize))
        {
            var fast = rows.First(f => f.BatchSize == row.BatchSize && f.IsFast && f.Round == row.Round);
            double gflops = UsefulFlops(row.BatchSize) / row.MedianSeconds / 1e9;
            table.AddRow(Markup.Escape(row.Name), $"{row.BatchSize}", $"{row.Threads}", $"{row.Epochs.Count}", $"{row.FirstSeconds:0.000}", $"{row.MedianSeconds:0.000}",
                $"{row.MedianSeconds / fast.MedianSeconds:0.0}", $"{gflops:0.0}", $"{gflops / peak.For(row.Threads):P0}",
                row.TestAccuracy is double a ? $"{a:P2}" : "—", row.PeakMegabytes is double mb ? $"{mb:0}" : "—",
                Markup.Escape(row.Blas is { } b ? b.Kernel is null ? b.Library : $"{b.Library} {b.Version} {b.Kernel}" + (b.OlderThanCpu(cpuFlags) is { } older ? $" — OLDER THAN THE CPU SUPPORTS: {older}" : "") : ""));
        }
        AnsiConsole.Write(table);
        AnsiConsole.WriteLine($"GFLOP/s: useful work per epoch counted as a dense implementation does it ({UsefulFlops(10) / 1e9:0.000} GFLOP at batch 10, " +
                              $"{UsefulFlops(100) / 1e9:0.000} at 100: 784·16 + 16·16 + 16·10 multiply-adds forward and as many for the weight gradient, 16·10 + 16·16 for BP2, " +
                              "2 FLOPs each, plus the update), over the median epoch; % of peak: against one core's peak for one thread, all cores' for more.");
        foreach (int m in batchSizes) Summarise(rows.Where(r => r.BatchSize == m).ToList());
        foreach (var row in rows.Where(r => r.Blas is { IsReference: true }))
            AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] {row.Name} runs on the reference BLAS ({string.Join(", ", row.Blas!.Loaded)}), about 3× slower than OpenBLAS, which pip users get: a ratio against it flatters this library. Install OpenBLAS (apt-get install libopenblas0-pthread) and run again.");
        AnsiConsole.WriteLine($"load average at the end: {LoadAverage()}");
        return 0;
    }

    /// <summary>The ratios the README quotes: the fast path against each peer's best configuration, and its first epoch against
    /// its median; with several rounds, each round's and the median of the rounds'.</summary>
    private static void Summarise(List<Row> rows)
    {
        int rounds = rows.Max(r => r.Round);
        for (int round = 1; round <= rounds; round++)
        {
            var fast = rows.First(r => r.IsFast && r.Round == round);
            var parts = new List<string> { $"epoch 1 = {fast.FirstSeconds / fast.MedianSeconds:0.00} × the median" };
            foreach (var peer in new[] { "NumPy", "PyTorch" })
                if (rows.Where(r => r.Peer == peer && r.Round == round).MinBy(r => r.MedianSeconds) is { } best)
                    parts.Add($"{best.MedianSeconds / fast.MedianSeconds:0.0}× faster than {peer} at its best ({best.Threads} thread{(best.Threads == 1 ? "" : "s")}, {best.MedianSeconds:0.000} s)");
            AnsiConsole.WriteLine($"batch {fast.BatchSize}{(rounds > 1 ? $", round {round}" : "")}: fast path {fast.MedianSeconds:0.000} s per epoch on {fast.Threads} thread{(fast.Threads == 1 ? "" : "s")}; {string.Join("; ", parts)}");
        }
        if (rounds == 1) return;
        // Each round's figures come from runs seconds apart; their median is what the machine's drift moves least.
        var byRound = Enumerable.Range(1, rounds).Select(k => rows.Where(r => r.Round == k).ToList()).ToList();
        var medians = new List<string>
        {
            $"epoch 1 = {Median(byRound.Select(r => r.First(x => x.IsFast)).Select(f => f.FirstSeconds / f.MedianSeconds)):0.00} × the median",
        };
        foreach (var peer in new[] { "NumPy", "PyTorch" })
        {
            var ratios = byRound.Where(r => r.Any(x => x.Peer == peer))
                .Select(r => r.Where(x => x.Peer == peer).Min(x => x.MedianSeconds) / r.First(x => x.IsFast).MedianSeconds).ToList();
            if (ratios.Count > 0)
                medians.Add($"{Median(ratios):0.0}× faster than {peer} at its best (the rounds: {string.Join(", ", ratios.Select(x => x.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)))})");
        }
        AnsiConsole.WriteLine($"batch {rows[0].BatchSize}, the median of {rounds} rounds: {string.Join("; ", medians)}");
    }

    /// <summary>
    /// FLOPs per epoch of 784-16-16-10 at batch <paramref name="m"/> on 60,000 images, as a dense implementation does them:
    /// per example the forward pass and the weight gradient (BP4) each Σₗ nˡ⁻¹nˡ multiply-adds and BP2 Σₗ₌₂ nˡ⁻¹nˡ, 2 FLOPs
    /// each; per step 2 FLOPs for each of the 13,002 parameters. The fast path does fewer (it skips inputs that are 0).
    /// </summary>
    public static double UsefulFlops(int m, int examples = 60_000)
    {
        int[] n = [784, 16, 16, 10];
        long products = 0, bp2 = 0, parameters = 0;
        for (int l = 1; l < n.Length; l++)
        {
            products += n[l - 1] * n[l];
            if (l >= 2) bp2 += n[l - 1] * n[l];
            parameters += n[l - 1] * n[l] + n[l];
        }
        double steps = Math.Ceiling(examples / (double)m);
        return examples * 2.0 * (2 * products + bp2) + steps * 2.0 * parameters;
    }

    /// <summary>The fast path at batch <paramref name="m"/>: this tool's <c>train</c> in a process of its own, read back from its <c>--summary</c>.</summary>
    private static Row Fast(int m, int epochs, string mnistDir, int? threads, int round = 1, int rounds = 1)
    {
        var summary = TrainChild(["--batch-size", $"{m}", "--epochs", $"{epochs}", "--data", mnistDir],
            threads switch
            {
                // FastNetwork.TwoThreadsEnvironmentVariable. 1: the steps on one thread, the other core still making each
                // epoch's ordered copy as at batch 10 and 32 (DOTNET_PROCESSOR_COUNT=1 would leave it out, and time the steps
                // over shuffled rows: 0.030 against 0.021–0.023 s at 100, docs/performance-history.md). 2: two threads below 100 too.
                1 => [("NEURALNETWORKS_FAST_THREADS", "1")],
                2 => [("NEURALNETWORKS_FAST_THREADS", "2")],
                _ => [],
            });
        foreach (var e in summary.Epochs)
            AnsiConsole.WriteLine($"  {summary.Engine}, m = {m}{InRound(round, rounds)}, epoch {e.Number}: {e.Seconds:0.000} s" + (e.TestAccuracy is double a ? $", test accuracy {a:P2}" : ""));
        return new Row($"{FastName} (float32, Vector{summary.VectorBits}){InRound(round, rounds)}", m, summary.Threads, summary.Epochs.Select(e => e.Seconds).ToList(),
            (double)summary.TestCorrect / summary.TestCount, summary.PeakMegabytes, Round: round);
    }

    /// <summary>
    /// Runs this tool's <c>train</c> with <paramref name="args"/> (plus a temporary --out and --summary) in a child process
    /// with <paramref name="environment"/>, and reads its summary.
    /// </summary>
    internal static TrainingSummary TrainChild(string[] args, (string Name, string? Value)[] environment, Action<double>? processSeconds = null)
    {
        var folder = Directory.CreateTempSubdirectory("nn-bench-");
        try
        {
            var self = Cli.SelfCommand();
            var summaryPath = Path.Combine(folder.FullName, "summary.json");
            var clock = Stopwatch.StartNew();
            int exit = RunProcess(self[0], Environment.CurrentDirectory,
                [.. self.Skip(1), "train", .. args, "--out", Path.Combine(folder.FullName, "network.json"), "--summary", summaryPath], out var output, environment);
            processSeconds?.Invoke(clock.Elapsed.TotalSeconds);
            if (exit != 0 || !File.Exists(summaryPath))
                throw new ChildProcessException(exit == 0 ? Cli.RunFailed : exit,
                    $"train {string.Join(' ', args)}: {output.Trim().Split('\n').LastOrDefault()?.Trim().Replace("error: ", "", StringComparison.Ordinal)}");
            return TrainingSummary.Load(summaryPath);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The readable reference path, in this process (it evaluates slowly; its accuracy is not the point here).</summary>
    private static Row Reference(MnistData mnist, int m, int epochs)
    {
        var options = new TrainingOptions { Epochs = epochs, BatchSize = m, LearningRate = 3.0, Seed = 1, Engine = TrainingEngine.Reference };
        var history = Trainer.Train(Network.Create([784, 16, 16, 10], seed: 1), mnist.Training, options).History;
        foreach (var e in history.Epochs) AnsiConsole.WriteLine($"  {history.Engine}, m = {m}, epoch {e.Epoch}: {e.Seconds:0.000} s");
        return new Row("this library, reference path (MathNet, double)", m, 1, history.Epochs.Select(e => e.Seconds).ToList(), null, null);
    }

    /// <summary>The NumPy and PyTorch peers at batch size <paramref name="m"/>, each on one BLAS thread and on two; NumPy
    /// per-sample too when <paramref name="perSample"/>; <paramref name="announce"/> says which peers run and how.</summary>
    private static List<Row> Peers(int m, int epochs, string mnistDir, bool perSample, bool announce, int round = 1, int rounds = 1)
    {
        var rows = new List<Row>();
        if (PeerPrograms.Missing("numpy") is { } missing)
        {
            if (announce) AnsiConsole.WriteLine($"peers: {missing}; skipped");
            return rows;
        }
        bool torch = PeerPrograms.Missing("torch") is null;
        if (announce && !torch) AnsiConsole.WriteLine($"peers: {PeerPrograms.Missing("torch")}; PyTorch skipped");
        if (announce) AnsiConsole.WriteLine($"peers: {PeerPrograms.Folder}, run with {string.Join(" and ", PeerPrograms.PinningVariables)} removed from their environment");
        int[] threadCounts = Environment.ProcessorCount > 1 ? [1, 2] : [1];
        var runs = new List<(string Peer, string Script, string[] Args, int? Threads)>();
        foreach (int t in threadCounts)
            runs.Add(("NumPy", "numpy_mlp.py", ["--mode", "matrix", "--batch", $"{m}", "--epochs", $"{epochs}"], t));
        if (torch)
            foreach (int t in threadCounts)
                runs.Add(("PyTorch", "torch_mlp.py", ["--batch", $"{m}", "--epochs", $"{epochs}", "--threads", $"{t}"], t));
        if (perSample)
            runs.Add(("network.py", "numpy_mlp.py", ["--mode", "per-sample", "--batch", $"{m}", "--epochs", $"{Math.Min(epochs, 3)}"], null));
        foreach (var (peer, script, args, threads) in runs)
        {
            PeerResult result;
            try
            {
                result = PeerPrograms.Run(script, [.. args, "--data", mnistDir], threads);
            }
            catch (ChildProcessException e)
            {
                AnsiConsole.WriteLine($"peers: {e.Message}");
                continue;
            }
            string name = peer switch
            {
                "NumPy" => $"{result.Peer}, mini-batch matrices (float64)",
                "PyTorch" => $"{result.Peer} CPU (float32)",
                _ => $"{result.Peer}, per-sample as Nielsen's network.py (float64)",
            } + InRound(round, rounds);
            for (int e = 0; e < result.Epochs.Count; e++)
                AnsiConsole.WriteLine($"  {name}, m = {m}, {result.Blas}: epoch {e + 1}: {result.Epochs[e]:0.000} s");
            rows.Add(new Row(name, m, threads ?? result.Blas.Threads ?? 1, result.Epochs, (double)result.TestCorrect / result.TestCount, result.PeakMegabytes, result.Blas, peer, round));
        }
        return rows;
    }

    /// <summary>", round 2" when there are several rounds; nothing when there is one.</summary>
    internal static string InRound(int round, int rounds) => rounds > 1 ? $", round {round}" : "";

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

    /// <summary>
    /// Runs <paramref name="file"/> in <paramref name="dir"/> to its exit; what it printed (stdout, then stderr) and its exit
    /// code. <paramref name="environment"/> sets variables, or removes those given a null value.
    /// </summary>
    public static int RunProcess(string file, string dir, string[] args, out string output, params (string Name, string? Value)[] environment)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment)
            if (value is null) info.Environment.Remove(name);
            else info.Environment[name] = value;
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        output += stderr.Result;
        return process.ExitCode;
    }

    private static int[] ParseSizes(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new UsageException($"--batch-sizes needs at least one size, e.g. 10,100, not '{text}'.");
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            // An empty entry (10,,32 or a trailing comma) is a typo, perhaps for a missing size: not skipped.
            if (parts[i].Length == 0)
                throw new UsageException($"--batch-sizes '{text}': size {i + 1} of {parts.Length} is empty; give whole numbers separated by single commas, e.g. 10,100.");
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

    /// <summary>
    /// The CPU as the figures depend on it: its name, family and model, the widest vector instructions the runtime
    /// accelerates and the L2 cache of one core ("AMD EPYC, family 23 model 49, AVX2 without AVX-512, L2 512K"). The build
    /// machines of one kind have changed CPU between sessions (docs/performance.md, "The run").
    /// </summary>
    public static string CpuModel()
    {
        string name = "unknown CPU", family = "", model = "", l2 = "";
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.Length == 0) break;   // the first processor's block is enough
                var parts = line.Split(':', 2);
                if (parts.Length < 2) continue;
                switch (parts[0].Trim())
                {
                    case "model name": name = parts[1].Trim(); break;
                    case "cpu family": family = parts[1].Trim(); break;
                    case "model": model = parts[1].Trim(); break;
                }
            }
            const string L2Size = "/sys/devices/system/cpu/cpu0/cache/index2/size";
            if (File.Exists(L2Size)) l2 = File.ReadAllText(L2Size).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        string vectors = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "AVX-512"
            : System.Runtime.Intrinsics.X86.Avx2.IsSupported ? "AVX2 without AVX-512"
            : System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported ? "NEON" : "no AVX2";
        return string.Join(", ", new[] { name, family.Length > 0 ? $"family {family} model {model}" : "", vectors, l2.Length > 0 ? $"L2 {l2}" : "" }
            .Where(part => part.Length > 0));
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
