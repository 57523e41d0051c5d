using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using NeuralNetworks.Cli;

namespace NeuralNetworks.Tests.Cli;

/// <summary><c>train --summary FILE</c>: the run's results as JSON, the same numbers the console shows, for programs that run <c>train</c>.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed partial class TrainSummaryTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("train-summary-tests-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static (int ExitCode, string Output, string Error) Train(params string[] args) =>
        CommandLine.Run(new RootCommand("test") { TrainCommand.Create() }, ["train", .. args]);

    [Fact]
    [Trait("Category", Category.Mnist)]
    public void The_summary_holds_the_engine_epochs_and_test_digits_that_train_prints()
    {
        string summaryPath = Path.Combine(folder, "runs", "summary.json");

        var (exit, output, error) = Train("--epochs", "2", "--batch-size", "100", "--out", Path.Combine(folder, "network.json"), "--summary", summaryPath);

        Assert.True(exit == 0, error);
        var summary = TrainingSummary.Load(summaryPath);
        Assert.Equal(EngineLine().Match(output).Groups[1].Value.Trim(), summary.Engine);
        Assert.Equal([1, 2], summary.Epochs.Select(e => e.Number));
        var printed = AccuracyLine().Match(output);
        Assert.Equal(int.Parse(printed.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture), summary.TestCorrect);
        Assert.Equal(10_000, summary.TestCount);
        Assert.Equal((double)summary.TestCorrect / summary.TestCount, summary.Epochs[^1].TestAccuracy!.Value, 12);
        Assert.Equal(summary.Epochs.Sum(e => e.Seconds), summary.TrainingSeconds, 9);
        Assert.InRange(summary.TotalSeconds, summary.LoadSeconds + summary.TrainingSeconds, 600);
        Assert.InRange(summary.PeakMegabytes, 20, 8_000);
        Assert.Equal(summary.Engine.StartsWith("fast", StringComparison.Ordinal), summary.VectorBits > 0);
        Assert.Contains($"{summary.Threads} thread", summary.Engine);
    }

    [Fact]
    public void A_summary_path_that_cannot_be_written_is_refused_before_anything_loads()
    {
        var (exit, _, error) = Train("--summary", "/proc/no/such/summary.json", "--data", "/no/such/folder");

        Assert.Equal(2, exit);
        Assert.Contains("--summary /proc/no/such/summary.json: cannot write", error);
    }

    [GeneratedRegex(@"^Engine: (.+)$", RegexOptions.Multiline)]
    private static partial Regex EngineLine();

    [GeneratedRegex(@"Test accuracy after \d+ epochs?: .*\(([\d,]+) / 10,000\)")]
    private static partial Regex AccuracyLine();
}
