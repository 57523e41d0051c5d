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
        var epochs = new Option<int>("--epochs") { Description = "Epochs per configuration.", DefaultValueFactory = _ => 10 };
        var batchSize = new Option<int>("--batch-size") { Description = "m, examples per step.", DefaultValueFactory = _ => 10 };
        var learningRate = new Option<double>("--learning-rate") { Description = "η.", DefaultValueFactory = _ => 3.0 };
        var cost = new Option<string>("--cost") { Description = "quadratic or cross-entropy.", DefaultValueFactory = _ => "quadratic" };
        var activation = new Option<string>("--activation") { Description = "σ of every layer: sigmoid, tanh or relu (the output stays sigmoid for cross-entropy).", DefaultValueFactory = _ => "sigmoid" };
        var init = new Option<string>("--init") { Description = "standard (N(0, 1)) or scaled (N(0, 1/n)).", DefaultValueFactory = _ => "standard" };
        var seed = new Option<int>("--seed") { Description = "Seeds the starting weights and the shuffles.", DefaultValueFactory = _ => 1 };
        var parallelism = new Option<int>("--parallelism") { Description = "Runs at once (default: one per core).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var data = new Option<string?>("--data") { Description = "Folder of the MNIST .gz files (default: data/mnist found upward from here)." };
        var chart = new Option<string>("--chart") { Description = "Where to write the comparison chart (a self-contained HTML page).", DefaultValueFactory = _ => Path.Combine("artifacts", "sweep.html") };
        var command = new Command("sweep", "Train several network shapes on MNIST, one per core, and compare their test accuracy.")
        {
            layers, epochs, batchSize, learningRate, cost, activation, init, seed, parallelism, data, chart,
        };
        command.SetAction(parse =>
        {
            var configurations = ParseLayers(parse.GetValue(layers)!);
            var costValue = Parse(() => Cost.Parse(parse.GetValue(cost)!));
            var activationValue = Parse(() => Activation.Parse(parse.GetValue(activation)!));
            var initValue = parse.GetValue(init)!.Trim().ToLowerInvariant() switch
            {
                "standard" => Initialization.Standard,
                "scaled" => Initialization.Scaled,
                var other => throw new UsageException($"--init must be standard or scaled, not '{other}'"),
            };
            var options = new TrainingOptions { Epochs = parse.GetValue(epochs), BatchSize = parse.GetValue(batchSize), LearningRate = parse.GetValue(learningRate), Seed = parse.GetValue(seed) };
            if (options.Epochs < 1 || options.BatchSize < 1 || !(options.LearningRate > 0) || double.IsInfinity(options.LearningRate))
                throw new UsageException("--epochs and --batch-size must be at least 1 and --learning-rate a positive number");
            int runs = parse.GetValue(parallelism);
            if (runs < 1) throw new UsageException($"--parallelism must be at least 1, not {runs}");

            var clock = Stopwatch.StartNew();
            var mnist = Mnist.Load(parse.GetValue(data));
            foreach (var sizes in configurations)
                if (sizes[0] != mnist.Training.InputSize || sizes[^1] != mnist.Training.ClassCount)
                    throw new UsageException($"each configuration must start with {mnist.Training.InputSize} inputs and end with {mnist.Training.ClassCount} outputs: {string.Join(",", sizes)}");
            var output = costValue == Cost.CrossEntropy ? Activation.Sigmoid : activationValue;
            var rows = Sweep.Run(configurations, mnist.Training, mnist.Test, options, runs,
                sizes => Network.Create(sizes, options.Seed, activationValue, costValue, initValue, output));

            var table = new Table().AddColumns("layers", "parameters", "test accuracy", "seconds", "engine");
            foreach (var row in rows)
                table.AddRow(row.Shape, row.Parameters.ToString("N0", CultureInfo.InvariantCulture), $"{row.TestAccuracy:P2}", $"{row.Seconds:0.00}", Markup.Escape(row.History.Engine.Split(' ')[0]));
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

    private static T Parse<T>(Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
    }
}
