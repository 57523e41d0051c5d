using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

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
        var layers = new Option<string>("--layers") { Description = "Configurations separated by ';', layer sizes by ',', e.g. \"784,16,16,10;784,32,10\".", Required = true };
        var shared = new TrainingCommandOptions(new TrainArguments { Epochs = 10 });
        var parallelism = new Option<int>("--parallelism") { Description = "Runs at once (default: one per core).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var chart = new Option<string>("--chart") { Description = "Where to write the comparison chart (a self-contained HTML page).", DefaultValueFactory = _ => Path.Combine("artifacts", "sweep.html") };
        var command = new Command("sweep", "Train several network shapes on MNIST, one per core, and compare their test accuracy.");
        foreach (var option in shared.All.Prepend(layers).Append(parallelism).Append(chart))
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            // Every configuration is checked as `train` would check it, before anything trains.
            var arguments = shared.Read(parse);
            var setups = ParseLayers(parse.GetValue(layers)!)
                .Select(sizes => TrainCommand.Check(arguments with { Layers = string.Join(",", sizes) }))
                .ToArray();
            int runs = parse.GetValue(parallelism);
            if (runs < 1) throw new UsageException($"--parallelism must be at least 1, not {runs}");
            var options = new TrainingOptions
            {
                Epochs = arguments.Epochs, BatchSize = arguments.BatchSize, Seed = arguments.Seed,
                LearningRate = arguments.LearningRate, LearningRateDecay = arguments.LearningRateDecay,
            };

            var clock = Stopwatch.StartNew();
            var mnist = Mnist.Load(setups[0].DataDirectory, arguments.VerifyChecksums);
            // Shape → network (a shape given twice gets the same network: same seed, same options).
            var networks = setups.GroupBy(setup => setup.Network.Shape).ToDictionary(g => g.Key, g => g.First().Network);
            var rows = Sweep.Run(setups.Select(setup => setup.Network.Sizes.ToArray()), mnist.Training, mnist.Test, options, runs,
                sizes => networks[string.Join("-", sizes)]);

            var table = new Table().AddColumns("layers", "parameters", "test accuracy", "seconds", "engine");
            foreach (var row in rows)
                table.AddRow(row.Shape, row.Parameters.ToString("N0", CultureInfo.InvariantCulture), $"{row.TestAccuracy:P2}", $"{row.Seconds:0.00}", Markup.Escape(row.History.Engine.Engine.ToString().ToLowerInvariant()));
            AnsiConsole.Write(table);
            AnsiConsole.WriteLine($"{rows.Count} configurations × {options.Epochs} epochs, {runs} at a time: {clock.Elapsed.TotalSeconds:0.0} s including loading MNIST");

            var chartPath = Path.GetFullPath(parse.GetValue(chart)!);
            Directory.CreateDirectory(Path.GetDirectoryName(chartPath)!);
            Charts.SaveHtml(Charts.Compare(rows.Select(r => r.History)), chartPath);
            AnsiConsole.WriteLine($"Comparison chart (test accuracy per epoch): {chartPath}");
            return 0;
        });
        return command;
    }

    /// <summary>Reads --layers: "784,16,10;784,32,10" → [[784, 16, 10], [784, 32, 10]].</summary>
    /// <exception cref="UsageException">A size is not a whole number of at least 1, or a configuration has fewer than two layers.</exception>
    public static int[][] ParseLayers(string text)
    {
        var configurations = text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(c => c.Split(',', StringSplitOptions.TrimEntries).Select(s =>
                int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 1 ? n
                : throw new UsageException($"--layers: '{s}' in '{c}' is not a layer size (a whole number of at least 1)")).ToArray())
            .ToArray();
        if (configurations.Length == 0) throw new UsageException("--layers needs at least one configuration, e.g. \"784,16,16,10\"");
        foreach (var c in configurations)
            if (c.Length < 2) throw new UsageException($"--layers: '{string.Join(",", c)}' needs at least an input and an output layer");
        return configurations;
    }
}
