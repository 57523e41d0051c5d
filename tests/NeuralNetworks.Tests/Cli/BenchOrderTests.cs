using NeuralNetworks.Cli;
using Spectre.Console;

namespace NeuralNetworks.Tests.Cli;

/// <summary>
/// <c>bench --peers</c> runs each batch size's peers right after that batch size's fast rows, so that a ratio compares runs
/// made seconds apart, not minutes: on the Zen 3 machine kind one process's speed moved by 1.5× within a minute
/// (docs/performance-history.md, "The Zen 3 kind again"). One epoch each: the test checks the order, not the speed.
/// </summary>
[Collection(nameof(ConsoleCollection))]
[Trait("Category", Category.Mnist)]
[Trait("Category", Category.Peers)]
public sealed class BenchOrderTests
{
    /// <summary>Runs the per-epoch table with the console captured; returns what it printed.</summary>
    private static string Bench(int[] batchSizes, int rounds)
    {
        var printed = new StringWriter();
        var console = AnsiConsole.Console;
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(printed), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        try
        {
            Assert.Equal(0, BenchCommand.Run(batchSizes, epochs: 1, referenceEpochs: 1, peers: true, peerEpochs: 1, dataDir: null, rounds));
            return printed.ToString();
        }
        finally
        {
            AnsiConsole.Console = console;
        }
    }

    /// <summary>The epoch-1 lines, in the order they were printed: which implementation, at which batch size.</summary>
    private static List<string> EpochOnes(string printed) =>
        printed.Split('\n')
            .Where(l => (l.Contains(", epoch 1:", StringComparison.Ordinal) || l.Contains(": epoch 1:", StringComparison.Ordinal)) && l.Contains(" m = ", StringComparison.Ordinal))
            .Select(l => (Who: l.TrimStart() switch
            {
                var t when t.StartsWith("fast", StringComparison.Ordinal) => "fast",
                var t when t.StartsWith("reference", StringComparison.Ordinal) => "reference",
                var t when t.Contains("per-sample", StringComparison.Ordinal) => "network.py",
                var t when t.StartsWith("NumPy", StringComparison.Ordinal) => "NumPy",
                var t when t.StartsWith("PyTorch", StringComparison.Ordinal) => "PyTorch",
                var t => t,
            }, Batch: l.Contains(" m = 10,", StringComparison.Ordinal) ? 10 : l.Contains(" m = 32,", StringComparison.Ordinal) ? 32 : 0))
            .Select(e => $"{e.Who} {e.Batch}").ToList();

    [Fact]
    public void Each_batch_sizes_peers_run_right_after_its_fast_rows_and_before_the_next_batch_size()
    {
        Requires.Python(Category.Peers, "numpy", "torch");
        var printed = Bench([10, 32], rounds: 1);
        var epochs = EpochOnes(printed);

        Assert.Equal(
            ["fast 10", "fast 10", "NumPy 10", "NumPy 10", "PyTorch 10", "PyTorch 10", "network.py 10", "reference 10",
             "fast 32", "fast 32", "NumPy 32", "NumPy 32", "PyTorch 32", "PyTorch 32", "reference 32"],
            epochs);
        Assert.Single(printed.Split('\n'), l => l.StartsWith("peers: ", StringComparison.Ordinal) && l.Contains("removed from their environment", StringComparison.Ordinal));
        Assert.DoesNotContain(", round ", printed);
    }

    [Fact]
    public void Rounds_alternate_the_fast_path_and_its_peers_and_give_the_median_of_their_ratios()
    {
        Requires.Python(Category.Peers, "numpy", "torch");
        var printed = Bench([10], rounds: 2);

        Assert.Equal(
            ["fast 10", "fast 10", "NumPy 10", "NumPy 10", "PyTorch 10", "PyTorch 10", "network.py 10",
             "fast 10", "NumPy 10", "NumPy 10", "PyTorch 10", "PyTorch 10", "reference 10"],
            EpochOnes(printed));
        var lines = printed.Split('\n');
        var round1 = Assert.Single(lines, l => l.StartsWith("batch 10, round 1: ", StringComparison.Ordinal));
        var round2 = Assert.Single(lines, l => l.StartsWith("batch 10, round 2: ", StringComparison.Ordinal));
        var median = Assert.Single(lines, l => l.StartsWith("batch 10, the median of 2 rounds: ", StringComparison.Ordinal));
        // The median of two rounds is their mean: it lies between them, and the line lists both.
        double Ratio(string line) => double.Parse(System.Text.RegularExpressions.Regex.Match(line, @"([\d.]+)× faster than NumPy").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var (r1, r2, m) = (Ratio(round1), Ratio(round2), Ratio(median));
        Assert.InRange(m, Math.Min(r1, r2) - 0.051, Math.Max(r1, r2) + 0.051);
        Assert.Contains($"faster than NumPy at its best (the rounds: {r1:0.0}, {r2:0.0})", median);
    }
}
