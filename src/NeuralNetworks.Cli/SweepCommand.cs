using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using NeuralNetworks.Data;
using NeuralNetworks.Training;
using NeuralNetworks.Plotting;

namespace NeuralNetworks.Cli;

/// <summary>
/// <c>sweep --layers "784,16,16,10;784,32,10"</c>: trains each shape on MNIST with the same options, one per core
/// (see <see cref="Sweep"/>), reports each as it finishes, and prints test accuracy, parameters and time side by side.
/// Ctrl+C stops it and prints the configurations finished so far (exit code 130).
/// </summary>
public static class SweepCommand
{
    /// <summary>Builds the <c>sweep</c> command.</summary>
    public static Command Create()
    {
        var layers = CommandOptions.Parsed<int[][]?>("--layers", "Configurations separated by ';', layer sizes by ',', e.g. \"784,16,16,10;784,32,10\".", ParseLayers);
        layers.Required = true;
        var shared = new TrainingOptionSet(defaultEpochs: 10) { WithRecipe = false };
        var parallelism = CommandOptions.Int("--parallelism", "Runs at once [default: one per core]");
#if NATIVE_TOOL
        var chart = new Option<string>("--chart") { Description = "Not in the native build, which draws no charts: run sweep with the tool on .NET for the chart." };
#else
        var chart = new Option<string>("--chart") { Description = "Where to write the comparison chart (a self-contained HTML page; checked before training).", DefaultValueFactory = _ => Path.Combine("artifacts", "sweep.html") };
#endif
        var command = new Command("sweep", "Train several network shapes on MNIST (or your own IDX data), one per core, and compare their test accuracy.");
        foreach (var option in shared.All.Prepend(layers).Append(parallelism).Append(chart))
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            var arguments = shared.Read(parse, new TrainArguments { Epochs = 10, Out = null });
            return Cli.UntilCtrlC(cancellation => Run(arguments, parse.GetValue(layers)!, parse.GetValue(parallelism), parse.GetValue(chart),
                parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellation));
        });
        return command;
    }

    /// <summary>
    /// Checks the arguments, loads the data, trains every configuration (reporting each on <paramref name="output"/> as it
    /// finishes), prints the table and writes the chart: the whole command without the command line. Cancelled, it stops
    /// between training steps, prints the configurations finished so far as a partial table, writes no chart and returns 130.
    /// </summary>
    /// <param name="arguments">The training options as given (their <see cref="TrainArguments.Layers"/> are replaced by each configuration).</param>
    /// <param name="layers">The configurations, as <see cref="ParseLayers"/> reads --layers.</param>
    /// <param name="parallelism">Runs at once; null means one per core.</param>
    /// <param name="chart">Where to write the comparison chart; null means artifacts/sweep.html (in the native build, no chart:
    /// it cannot draw one, and refuses a path).</param>
    /// <param name="output">Where the report goes.</param>
    /// <param name="error">Where problems go, one line each.</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    /// <returns>0 done; 1 data or training failed; 2 bad arguments; 130 cancelled.</returns>
    public static int Run(TrainArguments arguments, IReadOnlyList<int[]> layers, int? parallelism, string? chart, TextWriter output, TextWriter error,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
#if NATIVE_TOOL
            if (chart is not null) throw new UsageException($"--chart {chart}: {NativeTool.NoCharts}");
#else
            chart ??= Path.Combine("artifacts", "sweep.html");
#endif
            return Compare(arguments, layers, parallelism, chart, output, error, cancellationToken);
        }
        catch (Exception e)
        {
            return Cli.Report(e, error);
        }
    }

    private static int Compare(TrainArguments arguments, IReadOnlyList<int[]> layers, int? parallelism, string? chart, TextWriter output, TextWriter error,
        CancellationToken cancellationToken)
    {
        // Every configuration is checked as `train` checks it, and the chart's path, before anything trains.
        var setups = layers.Select(sizes => TrainingSetup.Check(arguments with { Layers = sizes })).ToArray();
        int runs = parallelism ?? Environment.ProcessorCount;
        if (runs < 1) throw new UsageException($"--parallelism must be at least 1, not {runs}.");
        string? chartPath = chart is null ? null : OutputFile.Check(chart, "--chart", "sweep.html");
        if (chartPath is not null)
        {
            OutputFile.NotTheData(chartPath, "--chart", setups[0].DataDirectory);
            OutputFile.OnlyReplaces(chartPath, "--chart", OutputFile.Kind.Chart);
        }

        var clock = Stopwatch.StartNew();
        // Loading does not watch for Ctrl+C, so the command stops waiting for it then, as `train` does.
        var data = Task.Run(() => Mnist.Load(setups[0].DataDirectory, arguments.VerifyChecksums)).WaitAsync(cancellationToken).GetAwaiter().GetResult();
        foreach (var setup in setups) setup.OptionsFor(data);
        if (!data.IsOriginal)
            output.WriteLine($"Note: {setups[0].DataDirectory} is not the bundled MNIST (the files' SHA-256 hashes differ); it was loaded as the IDX data set '{data.Name}'.");
        int count = setups.Length, epochs = setups[0].Options.Epochs;
        string configurations = $"{count} configuration{(count == 1 ? "" : "s")} × {epochs} epoch{(epochs == 1 ? "" : "s")}";
        output.WriteLine($"Training {configurations} on {data.Training.Count:N0} {data.Name} images, {Math.Min(runs, count)} at a time; " +
                         "each is reported as it finishes (Ctrl+C stops and shows those finished)");
        output.Flush();

        var rows = Train(setups, data, runs, output, cancellationToken);
        var finished = rows.OfType<SweepRow>().ToList();
        var console = TrainingReport.CreateConsole(output, TrainingReport.IsInteractive(output));
        output.WriteLine();
        if (finished.Count < count)
        {
            // Cancelled before every configuration finished: the finished ones, marked as partial; no chart (it would
            // replace a complete one with part of a sweep).
            if (finished.Count > 0)
            {
                output.WriteLine($"Partial results: {finished.Count} of {count} configurations finished before Ctrl+C");
                console.Write(Table(finished));
            }
            var unfinished = setups.Where((_, i) => rows[i] is null).Select(s => s.Network.Shape);
            error.WriteLine($"error: cancelled after {finished.Count} of {count} configurations ({string.Join(", ", unfinished)} did not finish); no chart was written.");
            return Cli.Cancelled;
        }

        console.Write(Table(finished));
        output.WriteLine($"{configurations}, {Math.Min(runs, count)} at a time: {clock.Elapsed.TotalSeconds:0.0} s including loading {data.Name}");
        foreach (var row in finished.Where(r => r.Diverged is not null))
            output.WriteLine($"{row.Shape}: {row.Diverged!.Message}");

        var trained = finished.Where(r => r.History is not null).Select(r => r.History!).ToList();
        if (trained.Count == 0)
            throw new IOException($"every configuration diverged{(chartPath is null ? "" : ", so there is no chart to write")}; {finished[0].Diverged!.Message}");
        if (chartPath is null)
        {
            output.WriteLine($"No chart: {NativeTool.NoCharts}");
            return Cli.Done;
        }
        OutputFile.Write(chartPath, temporary => Charts.SaveHtml(Charts.Compare(trained), temporary));
        output.WriteLine($"Comparison chart (test accuracy per epoch{(trained.Count < count ? ", the configurations that trained" : "")}): {chartPath}");
        return Cli.Done;
    }

    /// <summary>
    /// Trains every setup, <paramref name="runs"/> at a time (<see cref="Sweep"/>), and writes one line for each as it
    /// finishes; returns the rows in the order given, null for a configuration that did not finish because
    /// <paramref name="cancellationToken"/> was cancelled. A failure other than divergence stops the runs beside it and is rethrown.
    /// </summary>
    private static SweepRow?[] Train(TrainingSetup[] setups, MnistData data, int runs, TextWriter output, CancellationToken cancellationToken)
    {
        var rows = new SweepRow?[setups.Length];
        int finished = 0;
        try
        {
            Sweep.Run(setups.Select(s => s.Network).ToArray(), data.Training, data.Test, setups[0].Options with { CancellationToken = cancellationToken },
                runs, (i, row) =>
                {
                    rows[i] = row;
                    output.WriteLine($"[{++finished}/{setups.Length}] {row.Shape}: {(row.Diverged is null ? "test accuracy " : "")}{Outcome(row)}, " +
                                     $"{row.Parameters.ToString("N0", CultureInfo.InvariantCulture)} parameters, {row.Seconds.ToString("0.00", CultureInfo.InvariantCulture)} s");
                    output.Flush();
                });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: the runs stopped between two steps; the rows that finished before are in place.
        }
        return rows;
    }

    /// <summary>The row's test accuracy, "91.23%", or "diverged (epoch 1, step 5)".</summary>
    private static string Outcome(SweepRow row) =>
        row.Diverged is { } d ? $"diverged (epoch {d.Epoch}, step {d.Step})" : TrainingReport.Percent(row.TestAccuracy);

    private static Table Table(IEnumerable<SweepRow> rows)
    {
        var table = new Table().AddColumns("layers", "parameters", "test accuracy", "seconds", "engine");
        foreach (var row in rows)
            table.AddRow(row.Shape, row.Parameters.ToString("N0", CultureInfo.InvariantCulture),
                Outcome(row),
                row.Seconds.ToString("0.00", CultureInfo.InvariantCulture),
                Markup.Escape(row.History?.Engine.Engine.ToString().ToLowerInvariant() ?? "—"));
        return table;
    }

    /// <summary>Reads --layers: "784,16,10;784,32,10" → [[784, 16, 10], [784, 32, 10]].</summary>
    /// <exception cref="UsageException">A configuration is not valid for <see cref="LayerSizes.Parse"/>.</exception>
    public static int[][] ParseLayers(string text)
    {
        var configurations = text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(c => LayerSizes.Parse(c)).ToArray();
        if (configurations.Length == 0) throw new UsageException("--layers needs at least one configuration, e.g. \"784,16,16,10\"");
        return configurations;
    }
}
