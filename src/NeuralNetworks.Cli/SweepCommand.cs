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
/// (see <see cref="Sweep.Run"/>), and prints test accuracy, parameters and time side by side.
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
        var chart = new Option<string>("--chart") { Description = "Where to write the comparison chart (a self-contained HTML page; checked before training).", DefaultValueFactory = _ => Path.Combine("artifacts", "sweep.html") };
        var command = new Command("sweep", "Train several network shapes on MNIST (or your own IDX data), one per core, and compare their test accuracy.");
        foreach (var option in shared.All.Prepend(layers).Append(parallelism).Append(chart))
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            // Every configuration is checked as `train` checks it, and the chart's path, before anything trains.
            var arguments = shared.Read(parse, new TrainArguments { Epochs = 10, Out = null });
            var setups = parse.GetValue(layers)!
                .Select(sizes => TrainingSetup.Check(arguments with { Layers = sizes }))
                .ToArray();
            int runs = parse.GetValue(parallelism) ?? Environment.ProcessorCount;
            if (runs < 1) throw new UsageException($"--parallelism must be at least 1, not {runs}.");
            var chartPath = OutputFile.Check(parse.GetValue(chart), "--chart", "sweep.html");
            var options = setups[0].Options;

            var clock = Stopwatch.StartNew();
            var data = Mnist.Load(setups[0].DataDirectory, arguments.VerifyChecksums);
            foreach (var setup in setups) setup.OptionsFor(data);
            if (!data.IsOriginal)
                AnsiConsole.WriteLine($"Note: {setups[0].DataDirectory} is not the bundled MNIST (the files' SHA-256 hashes differ); it was loaded as the IDX data set '{data.Name}'.");
            // Shape → network (a shape given twice gets the same network: same seed, same options).
            var networks = setups.GroupBy(setup => setup.Network.Shape).ToDictionary(g => g.Key, g => g.First().Network);
            var rows = Sweep.Run(setups.Select(setup => setup.Network.Sizes.ToArray()), data.Training, data.Test, options, runs,
                sizes => networks[string.Join("-", sizes)]);

            var table = new Table().AddColumns("layers", "parameters", "test accuracy", "seconds", "engine");
            foreach (var row in rows)
                table.AddRow(row.Shape, row.Parameters.ToString("N0", CultureInfo.InvariantCulture),
                    row.Diverged is { } d ? $"diverged (epoch {d.Epoch}, step {d.Step})" : $"{row.TestAccuracy:P2}", $"{row.Seconds:0.00}",
                    Markup.Escape(row.History?.Engine.Engine.ToString().ToLowerInvariant() ?? "—"));
            AnsiConsole.Write(table);
            int count = rows.Count, epochs = options.Epochs;
            AnsiConsole.WriteLine($"{count} configuration{(count == 1 ? "" : "s")} × {epochs} epoch{(epochs == 1 ? "" : "s")}, {Math.Min(runs, count)} at a time: {clock.Elapsed.TotalSeconds:0.0} s including loading {data.Name}");
            foreach (var row in rows.Where(r => r.Diverged is not null))
                AnsiConsole.WriteLine($"{row.Shape}: {row.Diverged!.Message}");

            var trained = rows.Where(r => r.History is not null).Select(r => r.History!).ToList();
            if (trained.Count == 0)
                throw new IOException($"every configuration diverged, so there is no chart to write; {rows[0].Diverged!.Message}");
            OutputFile.Write(chartPath, temporary => Charts.SaveHtml(Charts.Compare(trained), temporary));
            AnsiConsole.WriteLine($"Comparison chart (test accuracy per epoch{(trained.Count < count ? ", the configurations that trained" : "")}): {chartPath}");
            return 0;
        });
        return command;
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
