using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Spectre.Console;
using NeuralNetworks.Data;
using NeuralNetworks.Training;

namespace NeuralNetworks.Cli;

/// <summary>
/// <c>bench --recipe NAME</c>: a named recipe trained as a user runs it, whole process timed from outside — this
/// tool's own <c>train --recipe NAME</c> in a child process — and with <c>--peers</c> the same recipe in PyTorch on one
/// thread and on two (Peers/torch_best_recipe.py, shipped beside this tool), one after the other in the same run.
/// </summary>
public static partial class RecipeBench
{
    /// <summary>The recipes with a PyTorch peer script, by name.</summary>
    public static IReadOnlyDictionary<string, string> PeerScripts { get; } = new Dictionary<string, string> { ["best"] = "torch_best_recipe.py" };

    /// <summary>One whole process: what ran, its wall clock from start to exit, what it said of itself.</summary>
    /// <param name="Name">What ran.</param>
    /// <param name="ProcessSeconds">Wall clock from starting the process to its exit, measured here.</param>
    /// <param name="TrainingSeconds">Training seconds the process reported (its epochs summed).</param>
    /// <param name="Correct">Test digits classified right.</param>
    /// <param name="TestCount">Test digits.</param>
    /// <param name="PeakMegabytes">Peak memory the process reported (working set / max RSS).</param>
    public sealed record Row(string Name, double ProcessSeconds, double TrainingSeconds, int Correct, int TestCount, double PeakMegabytes)
    {
        /// <summary>Correct / test count.</summary>
        public double TestAccuracy => (double)Correct / TestCount;
    }

    /// <summary>Runs the comparison and prints it; the rows, ours first.</summary>
    /// <param name="recipe">A key of <see cref="TrainingRecipe.All"/>.</param>
    /// <param name="seed">The seed for both implementations (their random generators differ).</param>
    /// <param name="epochs">Epochs, when not the recipe's own.</param>
    /// <param name="peers">Also run the PyTorch peer (needs /usr/bin/python3 with numpy and torch).</param>
    /// <param name="dataDir">The MNIST folder, or null for the bundled one.</param>
    public static IReadOnlyList<Row> Run(string recipe, int seed, int? epochs, bool peers, string? dataDir)
    {
        var mnistDir = dataDir ?? Mnist.FindDataDirectory();
        int e = epochs ?? TrainingRecipe.All[recipe].Options.Epochs;
        if (AnsiConsole.Profile.Width < 140) AnsiConsole.Profile.Width = 140;   // keep the table readable in logs
        AnsiConsole.MarkupLineInterpolated($"[bold]bench --recipe {recipe}[/], seed {seed}, {e} epochs, on {BenchCommand.CpuModel()}, {Environment.ProcessorCount} cores, load {BenchCommand.LoadAverage()}");
        AnsiConsole.WriteLine("Each row is one whole process (start, load MNIST, train, test), timed here from start to exit, one after the other.");

        var rows = new List<Row> { Ours(recipe, seed, e, mnistDir) };
        // PyTorch on one thread, as the issue asks, and on as many as this library's fast path used (2 at batch ≥ 32).
        if (peers)
            foreach (int threads in Environment.ProcessorCount > 1 ? [1, 2] : new[] { 1 })
                if (Peer(recipe, seed, e, mnistDir, threads) is { } peer) rows.Add(peer);
                else break;

        var table = new Table().AddColumns("implementation", "whole process s", "training s", "test accuracy", "peak MB", "× our whole process");
        foreach (var row in rows)
            table.AddRow(Markup.Escape(row.Name), $"{row.ProcessSeconds:0.0}", $"{row.TrainingSeconds:0.0}",
                $"{row.TestAccuracy:P2} ({row.Correct:N0} / {row.TestCount:N0})", $"{row.PeakMegabytes:0}", $"{row.ProcessSeconds / rows[0].ProcessSeconds:0.0}");
        AnsiConsole.Write(table);
        AnsiConsole.WriteLine($"load average at the end: {BenchCommand.LoadAverage()}");
        return rows;
    }

    private static Row Ours(string recipe, int seed, int epochs, string mnistDir)
    {
        var network = Path.Combine(Path.GetTempPath(), $"nn-bench-{Environment.ProcessId}-{Guid.NewGuid():N}.json");
        try
        {
            var (exit, output, seconds) = Time(Self(), ["train", "--recipe", recipe, "--seed", $"{seed}", "--epochs", $"{epochs}",
                "--data", mnistDir, "--out", network], []);
            var accuracy = TrainAccuracy().Match(output);
            var totals = TrainTotals().Match(output);
            if (exit != 0)
                throw new ChildProcessException(exit, $"train --recipe {recipe}: {Last(output).Replace("error: ", "", StringComparison.Ordinal)}");
            if (!accuracy.Success || !totals.Success)
                throw new InvalidOperationException($"train --recipe {recipe} did not print its test accuracy and times: {Last(output)}");
            var engine = TrainEngine().Match(output) is { Success: true } m ? m.Groups[1].Value.Trim() : "engine not named";
            return new Row($"this library, {engine}", seconds, Number(totals.Groups["training"].Value),
                WholeNumber(accuracy.Groups["correct"].Value), WholeNumber(accuracy.Groups["count"].Value), Number(totals.Groups["peak"].Value));
        }
        finally
        {
            File.Delete(network);
        }
    }

    private static Row? Peer(string recipe, int seed, int epochs, string mnistDir, int threads)
    {
        const string python = "/usr/bin/python3";
        var script = Path.Combine(AppContext.BaseDirectory, "Peers", PeerScripts[recipe]);
        if (!File.Exists(python) || BenchCommand.RunProcess(python, AppContext.BaseDirectory, ["-c", "import numpy, torch"], null, out _) != 0)
        {
            AnsiConsole.WriteLine("peers: /usr/bin/python3 with numpy and torch not found (apt-get install python3-numpy python3-torch); skipped");
            return null;
        }
        // torch.set_num_threads does not reach the OpenBLAS that Debian's PyTorch calls: the environment does.
        (string, string)[] environment = [("OPENBLAS_NUM_THREADS", $"{threads}"), ("OMP_NUM_THREADS", $"{threads}")];
        var blas = BenchCommand.PeerBlas(python, AppContext.BaseDirectory, "torch", environment);
        AnsiConsole.WriteLine($"peers: PyTorch, {threads} thread{(threads == 1 ? "" : "s")}, on {blas.Describe()}");
        var (exit, output, seconds) = Time(python, [script, mnistDir, $"{seed}", $"{threads}", $"{epochs}"], environment);
        var result = PeerResult().Match(output);
        if (exit != 0 || !result.Success)
        {
            AnsiConsole.WriteLine($"peers: {PeerScripts[recipe]} failed (exit code {exit}): {Last(output)}");
            return null;
        }
        return new Row($"PyTorch {result.Groups["version"].Value}, {threads} thread{(threads == 1 ? "" : "s")} ({blas.Short})", seconds, Number(result.Groups["training"].Value),
            WholeNumber(result.Groups["correct"].Value), WholeNumber(result.Groups["count"].Value), Number(result.Groups["peak"].Value));
    }

    /// <summary>This tool as a child process: its own executable, or <c>dotnet exec</c> of its assembly when hosted by dotnet.</summary>
    private static string[] Self()
    {
        var self = Environment.ProcessPath ?? "dotnet";
        if (Path.GetFileNameWithoutExtension(self) == "NeuralNetworks.Cli") return [self];
        var dotnet = Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        return [dotnet, "exec", typeof(RecipeBench).Assembly.Location];
    }

    private static (int Exit, string Output, double Seconds) Time(string[] command, string[] args, (string Name, string Value)[] environment) =>
        Time(command[0], [.. command.Skip(1), .. args], environment);

    private static (int Exit, string Output, double Seconds) Time(string file, string[] args, (string Name, string Value)[] environment)
    {
        var clock = Stopwatch.StartNew();
        int exit = BenchCommand.RunProcess(file, Environment.CurrentDirectory, args, null, out var output, environment);
        return (exit, output, clock.Elapsed.TotalSeconds);
    }

    private static string Last(string output) => output.Trim().Split('\n').LastOrDefault()?.Trim() ?? "";

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    private static int WholeNumber(string text) => int.Parse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Test accuracy after \d+ epochs?: .*\((?<correct>[\d,]+) / (?<count>[\d,]+)\)")]
    private static partial Regex TrainAccuracy();

    [GeneratedRegex(@"training (?<training>[\d.]+) s.*peak memory (?<peak>\d+) MB")]
    private static partial Regex TrainTotals();

    [GeneratedRegex(@"^Engine: (.+)$", RegexOptions.Multiline)]
    private static partial Regex TrainEngine();

    [GeneratedRegex(@"RESULT torch(?<version>\S+) .*correct=(?<correct>\d+)/(?<count>\d+) .*train_s=(?<training>[\d.]+) .*maxrss_MB=(?<peak>\d+)")]
    private static partial Regex PeerResult();
}
