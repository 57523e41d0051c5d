using System.Diagnostics;
using Spectre.Console;
using NeuralNetworks.Data;
using NeuralNetworks.Training;

namespace NeuralNetworks.Cli;

/// <summary>
/// <c>bench --recipe NAME</c>: a named recipe trained as a user runs it, whole process timed from outside — this
/// tool's own <c>train --recipe NAME</c> in a child process, read back from its <c>--summary</c> — and with <c>--peers</c> the
/// same recipe in PyTorch on one thread and on two (Peers/torch_best_recipe.py, shipped beside this tool), one after the
/// other in the same run. With <c>--rounds N</c> all of them N times in turn, and the median of the rounds: on a host whose
/// speed drifts between processes seconds apart, one process is a sample.
/// </summary>
public static class RecipeBench
{
    /// <summary>The recipes with a PyTorch peer script, by name.</summary>
    public static IReadOnlyDictionary<string, string> PeerScripts { get; } = new Dictionary<string, string> { ["best"] = "torch_best_recipe.py" };

    /// <summary>One whole process: what ran, its wall clock from start to exit, what it said of itself.</summary>
    /// <param name="Implementation">What ran (the same in every round).</param>
    /// <param name="ProcessSeconds">Wall clock from starting the process to its exit, measured here.</param>
    /// <param name="TrainingSeconds">Training seconds the process reported (its epochs summed).</param>
    /// <param name="Correct">Test digits classified right.</param>
    /// <param name="TestCount">Test digits.</param>
    /// <param name="PeakMegabytes">Peak memory the process reported (working set / max RSS).</param>
    /// <param name="Round">Which round of <c>--rounds</c> ran it (1 when there is one).</param>
    /// <param name="Rounds">How many rounds the run has.</param>
    public sealed record Row(string Implementation, double ProcessSeconds, double TrainingSeconds, int Correct, int TestCount, double PeakMegabytes, int Round = 1, int Rounds = 1)
    {
        /// <summary>What ran, and in which round when there are several: the table's first column.</summary>
        public string Name => Implementation + BenchCommand.InRound(Round, Rounds);

        /// <summary>Correct / test count.</summary>
        public double TestAccuracy => (double)Correct / TestCount;
    }

    /// <summary>Runs the comparison and prints it; the rows, ours first.</summary>
    /// <param name="recipe">A key of <see cref="TrainingRecipe.All"/>.</param>
    /// <param name="seed">The seed for both implementations (their random generators differ).</param>
    /// <param name="epochs">Epochs, when not the recipe's own.</param>
    /// <param name="peers">Also run the PyTorch peer (needs /usr/bin/python3 with numpy and torch).</param>
    /// <param name="dataDir">The MNIST folder, or null for the bundled one.</param>
    /// <param name="rounds">How many times to run them all, in turn.</param>
    public static IReadOnlyList<Row> Run(string recipe, int seed, int? epochs, bool peers, string? dataDir, int rounds = 1)
    {
        var mnistDir = dataDir ?? Mnist.FindDataDirectory();
        int e = epochs ?? TrainingRecipe.All[recipe].Options.Epochs;
        if (AnsiConsole.Profile.Width < 140) AnsiConsole.Profile.Width = 140;   // keep the table readable in logs
        AnsiConsole.MarkupLineInterpolated($"[bold]bench --recipe {recipe}[/], seed {seed}, {e} epochs, on {BenchCommand.CpuModel()}, {Environment.ProcessorCount} cores, load {BenchCommand.LoadAverage()}, {NativeTool.Build}");
        AnsiConsole.WriteLine("Each row is one whole process (start, load MNIST, train, test), timed here from start to exit, one after the other.");

        var rows = new List<Row>();
        bool peersRun = peers;
        for (int round = 1; round <= rounds; round++)
        {
            rows.Add(Ours(recipe, seed, e, mnistDir, round, rounds));
            // PyTorch on one thread, as the issue asks, and on as many as this library's fast path used (2 at batch ≥ 32).
            if (peersRun)
                foreach (int threads in Environment.ProcessorCount > 1 ? [1, 2] : new[] { 1 })
                    if (Peer(recipe, seed, e, mnistDir, threads, round, rounds) is { } peer) rows.Add(peer);
                    else { peersRun = false; break; }
        }

        var table = new Table().AddColumns("implementation", "whole process s", "training s", "test accuracy", "peak MB", "× our whole process");
        foreach (var row in rows)
        {
            var ours = rows.First(r => r.Round == row.Round);   // each round's ratios against that round's own run
            table.AddRow(Markup.Escape(row.Name), $"{row.ProcessSeconds:0.00}", $"{row.TrainingSeconds:0.00}",
                $"{row.TestAccuracy:P2} ({row.Correct:N0} / {row.TestCount:N0})", $"{row.PeakMegabytes:0}", $"{row.ProcessSeconds / ours.ProcessSeconds:0.0}");
        }
        AnsiConsole.Write(table);
        if (rounds > 1) PrintMedians(rows, rounds);
        AnsiConsole.WriteLine($"load average at the end: {BenchCommand.LoadAverage()}");
        return rows;
    }

    /// <summary>
    /// The median of the rounds, per implementation: its whole process and training seconds (each round's beside it), and
    /// the median of its ratios to our whole process, each ratio from the same round.
    /// </summary>
    private static void PrintMedians(List<Row> rows, int rounds)
    {
        static string Each(IEnumerable<double> values) => string.Join(", ", values.Select(v => v.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)));
        foreach (var runs in rows.GroupBy(r => r.Implementation))
        {
            var process = runs.Select(r => r.ProcessSeconds).ToList();
            var training = runs.Select(r => r.TrainingSeconds).ToList();
            string line = $"{runs.Key}, the median of {process.Count} rounds: whole process {BenchCommand.Median(process):0.00} s ({Each(process)}), " +
                          $"training {BenchCommand.Median(training):0.00} s ({Each(training)})";
            if (!ReferenceEquals(runs.First(), rows[0]))   // a peer
            {
                var ratios = runs.Select(r => r.ProcessSeconds / rows.First(o => o.Round == r.Round).ProcessSeconds).ToList();
                line += $"; {BenchCommand.Median(ratios):0.0}× our whole process ({Each(ratios)})";
            }
            AnsiConsole.WriteLine(line);
        }
    }

    private static Row Ours(string recipe, int seed, int epochs, string mnistDir, int round, int rounds)
    {
        double process = 0;
        var summary = BenchCommand.TrainChild(["--recipe", recipe, "--seed", $"{seed}", "--epochs", $"{epochs}", "--data", mnistDir], [], seconds => process = seconds);
        return new Row($"this library, {summary.Engine}", process, summary.TrainingSeconds, summary.TestCorrect, summary.TestCount,
            summary.PeakMegabytes, round, rounds);
    }

    private static Row? Peer(string recipe, int seed, int epochs, string mnistDir, int threads, int round, int rounds)
    {
        if (PeerPrograms.Missing("numpy", "torch") is { } missing)
        {
            AnsiConsole.WriteLine($"peers: {missing}; skipped");
            return null;
        }
        var clock = Stopwatch.StartNew();
        PeerResult result;
        try
        {
            result = PeerPrograms.Run(PeerScripts[recipe], [mnistDir, $"{seed}", $"{threads}", $"{epochs}"], threads);
        }
        catch (ChildProcessException e)
        {
            AnsiConsole.WriteLine($"peers: {e.Message}");
            return null;
        }
        double seconds = clock.Elapsed.TotalSeconds;
        AnsiConsole.WriteLine($"peers: {result.Peer}, {threads} thread{(threads == 1 ? "" : "s")}, on {result.Blas}{BenchCommand.InRound(round, rounds)}");
        return new Row($"{result.Peer}, {threads} thread{(threads == 1 ? "" : "s")} ({result.Blas})", seconds, result.Epochs.Sum(),
            result.TestCorrect, result.TestCount, result.PeakMegabytes, round, rounds);
    }
}
