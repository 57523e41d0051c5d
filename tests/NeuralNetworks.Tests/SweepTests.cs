using NeuralNetworks.Cli;
using NeuralNetworks.Model;
using NeuralNetworks.Data;
using NeuralNetworks.Training;

namespace NeuralNetworks.Tests;

[Collection("ConsoleCollection")]
public class SweepTests
{
    private static readonly DataSet training = FastPathTests.Synthetic(600, 20, 4, seed: 1);
    private static readonly DataSet test = FastPathTests.Synthetic(200, 20, 4, seed: 2);

    [Fact]
    public void Sweep_returns_one_row_per_configuration_in_order_each_as_if_trained_alone()
    {
        int[][] configurations = [[20, 8, 4], [20, 4], [20, 16, 8, 4]];
        var options = new TrainingOptions { Epochs = 2, BatchSize = 10, LearningRate = 1.0, Seed = 3 };

        var rows = Sweep.Run(configurations, training, test, options, parallelism: 2);

        Assert.Equal(["20-8-4", "20-4", "20-16-8-4"], rows.Select(r => r.Shape));
        Assert.Equal([20 * 8 + 8 + 8 * 4 + 4, 20 * 4 + 4, 20 * 16 + 16 + 16 * 8 + 8 + 8 * 4 + 4], rows.Select(r => r.Parameters));
        foreach (var (row, sizes) in rows.Zip(configurations))
        {
            var alone = Trainer.Train(Network.Create(sizes, options.Seed), training, options with { TestData = test }).History;
            Assert.Equal(alone.Epochs.Select(e => (e.TrainingCost, e.TestAccuracy)), row.History!.Epochs.Select(e => (e.TrainingCost, e.TestAccuracy)));
            Assert.Equal(alone.FinalTestAccuracy, row.TestAccuracy);
            Assert.Equal(row.Shape, row.History!.Label);
            Assert.Null(row.Diverged);
            Assert.True(row.Seconds > 0);
        }
    }

    [Fact]
    public void A_configuration_that_diverges_gets_a_row_saying_so_and_the_others_still_train()
    {
        // Found 2026-12-04: one diverging shape ended the whole sweep, its message naming no shape, the others' results lost.
        int[][] configurations = [[20, 8, 4], [20, 16, 4]];
        var options = new TrainingOptions { Epochs = 2, BatchSize = 10, LearningRate = 1.0, Seed = 3 };
        Network Create(int[] sizes)
        {
            var network = Network.Create(sizes, options.Seed);
            if (sizes[1] == 16) network.Weights[0][0, 0] = double.PositiveInfinity;   // its cost is not finite from the first step
            return network;
        }

        var rows = Sweep.Run(configurations.Select(Create).ToArray(), training, test, options, parallelism: 2);

        Assert.Null(rows[0].Diverged);
        Assert.Equal(2, rows[0].History!.Epochs.Count);
        Assert.NotNull(rows[1].Diverged);
        Assert.Null(rows[1].History);
        Assert.True(double.IsNaN(rows[1].TestAccuracy));
        Assert.Equal(1, rows[1].Diverged!.Epoch);
    }

    [Fact]
    public void Each_configuration_is_handed_to_the_caller_once_as_it_finishes_with_the_row_returned_for_it()
    {
        int[][] configurations = [[20, 8, 4], [20, 4], [20, 16, 8, 4]];
        var options = new TrainingOptions { Epochs = 1, BatchSize = 10, LearningRate = 1.0, Seed = 3 };
        var reported = new List<(int Index, SweepRow Row)>();
        int inside = 0, overlapped = 0;

        var rows = Sweep.Run(configurations, training, test, options, parallelism: 2, finished: (i, row) =>
        {
            if (Interlocked.Increment(ref inside) > 1) Interlocked.Increment(ref overlapped);
            reported.Add((i, row));
            Thread.Sleep(20);   // a slow report: a second one arriving now would overlap it
            Interlocked.Decrement(ref inside);
        });

        Assert.Equal([0, 1, 2], reported.Select(r => r.Index).Order());
        Assert.All(reported, r => Assert.Same(rows[r.Index], r.Row));
        Assert.Equal(0, overlapped);
    }

    [Fact]
    public void A_cancelled_sweep_stops_between_steps_starts_no_more_and_has_reported_the_configurations_finished_before()
    {
        int[][] configurations = [[20, 4], [20, 8, 4], [20, 16, 4]];
        using var cancellation = new CancellationTokenSource();
        var options = new TrainingOptions { Epochs = 3, BatchSize = 10, LearningRate = 1.0, Seed = 3, CancellationToken = cancellation.Token };
        var reported = new List<string>();

        Assert.ThrowsAny<OperationCanceledException>(() => Sweep.Run(configurations, training, test, options, parallelism: 1, finished: (_, row) =>
        {
            reported.Add(row.Shape);
            cancellation.Cancel();   // Ctrl+C as the first configuration finishes
        }));

        Assert.Equal(["20-4"], reported);
    }

    [Fact]
    public void A_configuration_that_does_not_fit_the_data_is_rejected_before_anything_trains()
    {
        var e = Assert.Throws<ArgumentException>(() => Sweep.Run([[20, 4], [21, 4]], training, test, new TrainingOptions { Epochs = 1 }));
        Assert.Contains("21", e.Message);
    }

    [Fact]
    public void The_layers_option_reads_configurations_separated_by_semicolons()
    {
        Assert.Equal([[784, 16, 16, 10], [784, 32, 10]], SweepCommand.ParseLayers(" 784,16,16,10 ; 784, 32, 10;"));
        Assert.Throws<UsageException>(() => SweepCommand.ParseLayers("784,0,10"));
        Assert.Throws<UsageException>(() => SweepCommand.ParseLayers("784"));
        Assert.Throws<UsageException>(() => SweepCommand.ParseLayers(";"));
    }

    [Fact]
    [Trait("Category", Category.Mnist)]
    public void The_sweep_command_trains_every_shape_and_writes_a_comparison_chart_with_one_line_each()
    {
        var folder = Directory.CreateTempSubdirectory("nn-sweep-").FullName;
        try
        {
            var chart = Path.Combine(folder, "sweep.html");
            var root = new System.CommandLine.RootCommand { NeuralNetworks.Cli.SweepCommand.Create() };
            int exit = NeuralNetworks.Cli.Cli.Run(root, ["sweep", "--layers", "784,10;784,16,10", "--epochs", "1",
                "--data", Mnist.FindDataDirectory(AppContext.BaseDirectory), "--chart", chart]);

            Assert.Equal(0, exit);
            var html = File.ReadAllText(chart);
            Assert.Contains("\"name\":\"784-10\"", html);
            Assert.Contains("\"name\":\"784-16-10\"", html);
            Assert.DoesNotContain("<script src", html);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("--cost foo", "--cost foo: Unknown cost 'foo'")]
    [InlineData("--schedule exponential:2", "--schedule exponential:2: An exponential schedule multiplies η by a decay in (0, 1]")]
    [InlineData("--momentum 2", "--momentum: Momentum μ must be in [0, 1), not 2")]
    [InlineData("--cost cross-entropy --output-activation relu", "--output-activation: The cross-entropy cost needs a sigmoid output layer, not relu")]
    public void The_sweep_command_checks_its_training_options_as_train_does(string options, string expected)
    {
        var root = new System.CommandLine.RootCommand { NeuralNetworks.Cli.SweepCommand.Create() };
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try
        {
            int exit = NeuralNetworks.Cli.Cli.Run(root, ["sweep", "--layers", "784,10;784,16,10", .. options.Split(' ')]);
            Assert.Equal(NeuralNetworks.Cli.Cli.UsageError, exit);
        }
        finally
        {
            Console.SetError(original);
        }
        Assert.Contains(expected, error.ToString());
    }

    [Fact]
    public void The_sweep_command_reports_each_configuration_as_it_finishes_before_the_table()
    {
        // Found 2026-12-05: sweep printed nothing until every configuration had finished.
        var folder = Directory.CreateTempSubdirectory("nn-sweep-").FullName;
        try
        {
            string data = NeuralNetworks.Tests.Cli.TrainCommandTests.TinyDataFolder(Path.Combine(folder, "data"));
            string chart = Path.Combine(folder, "sweep.html");

            var (exit, text, error) = NeuralNetworks.Tests.Cli.CommandLine.Run(new System.CommandLine.RootCommand { SweepCommand.Create() },
                ["sweep", "--layers", "784,10;784,5,10", "--epochs", "1", "--parallelism", "1", "--data", data, "--skip-checksums", "--chart", chart]);

            Assert.True(exit == 0, error);
            var mnist = Mnist.Load(data, verifyChecksums: false);
            string Expected(int[] sizes) => (100 * Network.Create(sizes, seed: 1)
                .Train(mnist.Training, new TrainingOptions { Epochs = 1, Seed = 1, TestData = mnist.Test }).History.FinalTestAccuracy!.Value)
                .ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + "%";
            var first = $"[1/2] 784-10: test accuracy {Expected([784, 10])}, 7,850 parameters, ";
            var second = $"[2/2] 784-5-10: test accuracy {Expected([784, 5, 10])}, 3,985 parameters, ";
            Assert.Contains("Training 2 configurations × 1 epoch on 200 ", text);
            Assert.Contains(first, text);
            Assert.Contains(second, text);
            Assert.True(text.IndexOf(first, StringComparison.Ordinal) < text.IndexOf(second, StringComparison.Ordinal));
            Assert.True(text.IndexOf(second, StringComparison.Ordinal) < text.IndexOf("test accuracy │", StringComparison.Ordinal), text);   // before the table
            Assert.DoesNotContain("\u001b[", text);   // not a terminal: plain text
            Assert.True(File.Exists(chart));
            Assert.Equal("", error);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Cancelling_a_sweep_prints_the_configurations_finished_so_far_as_partial_with_exit_code_130_and_writes_no_chart()
    {
        // Found 2026-12-05: Ctrl+C during a sweep printed nothing, losing the configurations already trained.
        var folder = Directory.CreateTempSubdirectory("nn-sweep-").FullName;
        try
        {
            string data = NeuralNetworks.Tests.Cli.TrainCommandTests.TinyDataFolder(Path.Combine(folder, "data"));
            string chart = Path.Combine(folder, "sweep.html");
            using var cancellation = new CancellationTokenSource();
            var output = new CancelOnFirstReport(cancellation);   // Ctrl+C as the first configuration is reported
            var error = new StringWriter();

            int exit = SweepCommand.Run(new TrainArguments { DataDirectory = data, VerifyChecksums = false, Epochs = 1, Out = null },
                [[784, 10], [784, 5, 10], [784, 7, 10]], parallelism: 1, chart, output, error, cancellation.Token);

            var text = output.ToString();
            Assert.Equal(NeuralNetworks.Cli.Cli.Cancelled, exit);
            Assert.Contains("[1/3] 784-10: test accuracy ", text);
            Assert.DoesNotContain("[2/3]", text);
            Assert.Contains("Partial results: 1 of 3 configurations finished before Ctrl+C", text);
            var table = text[text.IndexOf("Partial results", StringComparison.Ordinal)..];
            Assert.Contains("7,850", table);
            Assert.DoesNotContain("784-5-10", table);
            Assert.Equal("error: cancelled after 1 of 3 configurations (784-5-10, 784-7-10 did not finish); no chart was written.", error.ToString().Trim());
            Assert.False(File.Exists(chart));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Output that cancels <paramref name="cancellation"/> once a line reports a finished configuration ("[1/…").</summary>
    private sealed class CancelOnFirstReport(CancellationTokenSource cancellation) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value is not null && value.StartsWith("[1/", StringComparison.Ordinal)) cancellation.Cancel();
        }
    }
}
