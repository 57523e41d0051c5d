using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using NeuralNetworks.Data;
using NeuralNetworks.Model;
using NeuralNetworks.Training;

namespace NeuralNetworks.Cli;

/// <summary>
/// <c>train</c>: loads MNIST (or other IDX data under the MNIST names), trains a network with mini-batch SGD,
/// shows progress, prints a per-epoch table and the final test accuracy, and saves the network as JSON.
/// Exit codes: see <see cref="Cli.ExitCodes"/>.
/// </summary>
public static class TrainCommand
{
    /// <summary>Exit code when training failed (divergence, a corrupt data file, the network could not be saved).</summary>
    public const int Failure = Cli.RunFailed;

    /// <summary>Exit code when training was cancelled (Ctrl+C), as shells report SIGINT.</summary>
    public const int Cancelled = Cli.Cancelled;

    /// <summary>The <c>train</c> command for the root command: its options, and an action that calls <see cref="Run"/>.</summary>
    public static Command Create()
    {
        var layers = CommandOptions.Parsed<int[]?>("--layers", "Layer sizes, input first, comma separated [default: 784,16,16,10]", text => LayerSizes.Parse(text));
        var shared = new TrainingOptionSet();
        var output = new Option<string>("--out") { Description = "Where to save the trained network as JSON (checked before training; replaced only when training succeeds)", DefaultValueFactory = _ => "network.json" };
        var summary = new Option<string?>("--summary") { Description = "Also write the run's results (engine, seconds and accuracy per epoch, totals) as JSON to this file" };

        var command = new Command("train", "Train a network on MNIST (or your own IDX data) with mini-batch gradient descent and save it as JSON.");
        foreach (var option in shared.All.Prepend(layers).Append(output).Append(summary))
            command.Options.Add(option);

        command.SetAction(parse =>
        {
            // (An array-typed option that is not given reads as an empty array, which LayerSizes.Parse never returns.)
            var arguments = shared.Read(parse, new TrainArguments()) with { Layers = parse.GetValue(layers) is { Length: > 0 } sizes ? sizes : null, Out = parse.GetValue(output) };
            // Ctrl+C stops loading, or training between steps.
            return Cli.UntilCtrlC(cancellation => Run(arguments, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellation, parse.GetValue(summary)));
        });
        return command;
    }

    /// <summary>
    /// Checks the arguments, loads the data, trains, reports and saves: the whole command without the command line.
    /// Messages for the user go to <paramref name="output"/>; problems go to <paramref name="error"/> as one line each.
    /// </summary>
    /// <param name="arguments">The options as given.</param>
    /// <param name="output">Where messages for the user go.</param>
    /// <param name="error">Where problems go, one line each.</param>
    /// <param name="cancellationToken">Stops loading the data, or training between steps.</param>
    /// <param name="summaryPath">Where to write the run's <see cref="TrainingSummary"/> as JSON, or null.</param>
    /// <returns>0 when the network was trained and saved; 1 when data or training failed; 2 for bad arguments; 130 when cancelled.</returns>
    public static int Run(TrainArguments arguments, TextWriter output, TextWriter error, CancellationToken cancellationToken = default, string? summaryPath = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            return Train(arguments, output, cancellationToken, summaryPath);
        }
        catch (Exception e)
        {
            return Cli.Report(e, error);
        }
    }

    private static int Train(TrainArguments arguments, TextWriter output, CancellationToken cancellationToken, string? summaryPath)
    {
        var summary = summaryPath is null ? null : OutputFile.Check(summaryPath, "--summary", "summary.json");
        var setup = TrainingSetup.Check(arguments);
        if (summary is not null) OutputFile.NotTheData(summary, "--summary", setup.DataDirectory);
        if (summary is not null) OutputFile.OnlyReplaces(summary, "--summary", OutputFile.Kind.Summary);
        if (summary is not null && summary == setup.OutPath)
            throw new UsageException($"--summary {summaryPath} and --out {arguments.Out} name the same file; give the summary another name, e.g. summary.json.");
        var clock = Stopwatch.StartNew();
        // Loading does not watch for Ctrl+C, so the command stops waiting for it then (the load, on a pool thread, ends with the process).
        // It times itself: this thread may compile meanwhile (below), which is not loading.
        var loading = Task.Run(() =>
        {
            var watch = Stopwatch.StartNew();
            var loaded = Mnist.Load(setup.DataDirectory, arguments.VerifyChecksums);
            return (Data: loaded, Seconds: watch.Elapsed.TotalSeconds);
        });
        // Meanwhile, on this thread: the console, whose first use compiles Spectre.Console for about 10 ms.
        bool live = arguments.Live ?? TrainingReport.IsInteractive(output);
        var console = TrainingReport.CreateConsole(output, live);
        // When the steps run on both cores, compiling on a pool thread during training took the second core from the
        // step's partner in the first epochs (pool threads were still running when the partner started: it kept the step
        // waiting, then rested, and epoch 1 at batch 100 took up to 1.7× the median; docs/performance-history.md, "Morning of
        // 2026-12-06, later"): then it compiles here, while the data loads. (On a pool thread during the load, waited for
        // before training, epoch 1 took 1.56 and 1.59× the median in two of four runs, against at most 1.17 this way.)
        bool twoCores = Trainer.StepsUseTwoCores(setup.Network, setup.Options);
        if (twoCores)
        {
            try { CompileWhatFollows(live, summary is not null); }
            catch (Exception e) when (e is not OutOfMemoryException) { }   // only compiling, as below: what follows runs anyway
        }
        var (data, loadSeconds) = loading.WaitAsync(cancellationToken).GetAwaiter().GetResult();
        var options = setup.OptionsFor(data) with { CancellationToken = cancellationToken };

        var network = setup.Network;
        if (!data.IsOriginal)
            output.WriteLine($"Note: {setup.DataDirectory ?? "the data folder"} is not the bundled MNIST (the files' SHA-256 hashes differ); " +
                             $"it was loaded as the IDX data set '{data.Name}' after checking its structure.");
        output.WriteLine($"Training {network.Shape} ({network.ParameterCount:N0} weights and biases) on {data.Training.Count:N0} {data.Name} images, testing on {data.Test.Count:N0}");
        output.WriteLine($"  {options.Epochs} epoch{(options.Epochs == 1 ? "" : "s")}, mini-batches of {options.BatchSize}, η = {Format(options.LearningRate)}" +
            (options.Schedule == LearningRateSchedule.Constant ? "" : $" (schedule {options.Schedule})") + $", {setup.Description}, seed {options.Seed}");
        output.Flush();

        // What runs after training (the table, the JSON of the network and of the summary) compiled on the other core while
        // training runs on this one (the network's first ToJson took 24 ms, the next 5: docs/performance-history.md, "Evening of
        // 2026-12-05, later", item 2) — or, when the steps use both cores, while the data loaded (above).
        var compiled = twoCores ? Task.CompletedTask : Task.Run(() => CompileWhatFollows(live, summary is not null));
        var result = TrainingReport.Train(output, live, console, network, data.Training, options);
        Task.WaitAny(compiled);   // only compiling: should it fail, the table below is drawn anyway, and the network saved

        output.WriteLine();
        console.Write(TrainingReport.EpochTable(result.History));
        var final = result.History.Final;
        int testCount = data.Test.Count;
        int correct = (int)Math.Round((final.TestAccuracy ?? 0) * testCount);
        output.WriteLine(
            $"Test accuracy after {result.History.Epochs.Count} epoch{(result.History.Epochs.Count == 1 ? "" : "s")}: " +
            $"{TrainingReport.Percent(final.TestAccuracy ?? 0)} ({correct:N0} / {testCount:N0})");
        int classes = data.Test.ClassCount;
        if (final.TestAccuracy is double accuracy && accuracy < 1.5 / classes)
            output.WriteLine($"Note: test accuracy {TrainingReport.Percent(accuracy)} is about what guessing gives (1 in {classes}): the network did not learn. " +
                             $"Look at the learning rate first (η = {Format(options.LearningRate)}: far too large saturates or kills the neurons, too small moves nothing), then the epochs and the activation.");
        output.WriteLine($"Engine: {result.History.Engine}");
        double total = clock.Elapsed.TotalSeconds, trainingSeconds = result.History.TotalSeconds;
        output.WriteLine(
            $"Total time: {total:0.00} s (loading {loadSeconds:0.00} s, training {trainingSeconds:0.00} s, " +
            $"testing and the rest {Math.Max(0, total - loadSeconds - trainingSeconds):0.00} s); peak memory {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:0} MB");
        // The network first: a summary that cannot be written must not cost the trained network.
        if (setup.OutPath is { } outPath)
        {
            OutputFile.Write(outPath, temporary => NetworkJson.Save(result.Network, temporary));
            output.WriteLine($"Saved the network to {outPath}");
        }
        if (summary is not null)
        {
            try
            {
                OutputFile.Write(summary, temporary => TrainingSummary.Of(result.History, correct, testCount, loadSeconds, total, Process.GetCurrentProcess().PeakWorkingSet64 / 1e6).Save(temporary));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"the summary could not be written to {summaryPath} ({Cli.OneLine(e.Message)})"
                                      + (setup.OutPath is null ? "" : $"; the network was saved to {setup.OutPath}"), e);
            }
        }
        return Cli.Done;
    }

    /// <summary>Runs the code that follows training once on throwaway values, so that the JIT has compiled it by then.</summary>
    private static void CompileWhatFollows(bool live, bool summary)
    {
        TrainingReport.CompileEpochTable(live);
        NetworkJson.ToJson(Network.Create([2, 2, 1], seed: 1));
        if (summary) new TrainingSummary("", 0, 1, [new(1, 0.5, 0.5, 0.5, 0.5)], 1, 1, 0.5, 0.5, 0.5, 1).ToJson();
    }

    private static string Format(double x) => x.ToString(CultureInfo.InvariantCulture);
}
