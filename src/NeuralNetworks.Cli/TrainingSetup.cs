using System.Globalization;

namespace NeuralNetworks.Cli;

/// <summary>
/// The one validation of the training options, shared by <c>train</c> and <c>sweep</c>: every option checked
/// and turned into a network, training options and paths before any work starts; what depends on the data
/// (its shape, its size) checked by <see cref="CheckFits"/> right after loading it.
/// </summary>
/// <param name="Network">The starting network.</param>
/// <param name="Description">How it is built, for the run's header: "sigmoid hidden, sigmoid output, quadratic cost, standard start".</param>
/// <param name="Options">How to train it (no data, progress or cancellation yet).</param>
/// <param name="DataDirectory">The data folder's full path, or null to find data/mnist.</param>
/// <param name="OutPath">Where to save the network (checked writable), or null.</param>
/// <param name="LayersOption">How the shape was chosen, for messages: "--layers 784,16,10" or "--recipe nielsen".</param>
internal sealed record TrainingSetup(Network Network, string Description, TrainingOptions Options, string? DataDirectory, string? OutPath, string LayersOption)
{
    private const string DefaultLayers = "784,16,16,10";

    /// <summary>The arguments turned into a setup, or a <see cref="UsageException"/> naming the first problem.</summary>
    public static TrainingSetup Check(TrainArguments a)
    {
        TrainingRecipe? recipe = null;
        if (a.Recipe is not null)
        {
            if (!TrainingRecipe.All.TryGetValue(a.Recipe.Trim().ToLowerInvariant(), out recipe))
                throw new UsageException($"--recipe {a.Recipe}: no such recipe" + Cli.Suggest(a.Recipe, TrainingRecipe.All.Keys.ToList(), "recipes"));
            var clashes = new (string Option, object? Value)[]
            {
                ("--layers", a.Layers), ("--cost", a.Cost), ("--activation", a.Activation), ("--output-activation", a.OutputActivation), ("--init", a.Initialization),
            }.Where(x => x.Value is not null).Select(x => x.Option).ToList();
            if (clashes.Count > 0)
                throw new UsageException($"--recipe {a.Recipe} sets the network ({recipe.Name}); leave out {string.Join(" and ", clashes)}, or leave out --recipe.");
        }
        var defaults = recipe?.Options ?? new TrainingOptions();
        int epochs = a.Epochs ?? defaults.Epochs, batchSize = a.BatchSize ?? defaults.BatchSize;
        double learningRate = a.LearningRate ?? defaults.LearningRate, decay = a.LearningRateDecay ?? defaults.LearningRateDecay;
        if (epochs < 1) throw new UsageException($"--epochs must be at least 1, not {epochs}.");
        if (batchSize < 1) throw new UsageException($"--batch-size must be at least 1, not {batchSize}.");
        if (!(learningRate > 0) || double.IsInfinity(learningRate))
            throw new UsageException($"--learning-rate must be a positive number, not {Format(learningRate)}.");
        if (!(decay > 0 && decay <= 1))
            throw new UsageException($"--learning-rate-decay must be in (0, 1], not {Format(decay)}.");
        if (a.ProgressEverySteps < 0) throw new UsageException($"progress every {a.ProgressEverySteps} steps: must be 0 or more.");

        string? dataDirectory = null;
        if (a.DataDirectory is not null)
        {
            dataDirectory = Path.GetFullPath(a.DataDirectory);
            if (!Directory.Exists(dataDirectory))
                throw new UsageException($"--data {a.DataDirectory}: there is no folder {dataDirectory}.");
        }
        string? outPath = a.Out is null ? null : OutputFile.Check(a.Out, "--out", "network.json");

        Network network;
        string description, layersOption;
        if (recipe is not null)
        {
            network = recipe.Network(a.Seed);
            description = recipe.Name;
            layersOption = $"--recipe {a.Recipe!.Trim().ToLowerInvariant()}";
        }
        else
        {
            var sizes = LayerSizes.Parse(a.Layers ?? DefaultLayers);
            var cost = Parse("--cost", () => NeuralNetworks.Cost.Parse(a.Cost ?? "quadratic"));
            var activation = Parse("--activation", () => NeuralNetworks.Activation.Parse(a.Activation ?? "sigmoid"));
            var outputActivation = Parse("--output-activation", () => NeuralNetworks.Activation.Parse(a.OutputActivation ?? "sigmoid"));
            var initialization = ParseInitialization(a.Initialization ?? "standard");
            try
            {
                network = Network.Create(sizes, a.Seed, activation, cost, initialization, outputActivation);
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"--cost {cost.Name} with --activation {activation.Name} and --output-activation {outputActivation.Name}: {Cli.WithoutParameterName(e)}");
            }
            description = (network.LayerCount > 1 ? $"{network.Activation} hidden, " : "") +
                          $"{network.OutputActivation} output, {network.Cost} cost, {initialization.ToString().ToLowerInvariant()} start";
            layersOption = $"--layers {string.Join(",", sizes)}";
        }
        var options = defaults with
        {
            Epochs = epochs, BatchSize = batchSize, LearningRate = learningRate, LearningRateDecay = decay, Seed = a.Seed,
            ProgressEverySteps = a.ProgressEverySteps,
        };
        return new TrainingSetup(network, description, options, dataDirectory, outPath, layersOption);
    }

    /// <summary>Checks that the network's first and last layers fit the loaded data and that a mini-batch is not larger
    /// than the training set; a <see cref="UsageException"/> names the files, the shape found and the layers that would fit.</summary>
    public void CheckFits(MnistData data)
    {
        var training = data.Training;
        int inputs = Network.Sizes[0], outputs = Network.Sizes[^1];
        foreach (var (set, imagesFile, labelsFile) in new[] { (data.Training, Mnist.TrainingImagesFile, Mnist.TrainingLabelsFile), (data.Test, Mnist.TestImagesFile, Mnist.TestLabelsFile) })
        {
            if (set.InputSize == inputs && set.ClassCount == outputs) continue;
            string folder = DataDirectory ?? Mnist.FindDataDirectory();
            var fitting = Network.Sizes.ToArray();
            fitting[0] = training.InputSize;
            fitting[^1] = training.ClassCount;
            throw new UsageException(
                $"{LayersOption} does not fit the data: {Path.Combine(folder, imagesFile)} holds images of {set.ImageRows}×{set.ImageColumns} = {set.InputSize:N0} pixels " +
                $"and {Path.Combine(folder, labelsFile)} {set.ClassCount} classes, but the network takes {inputs:N0} inputs and gives {outputs} outputs; " +
                $"--layers {string.Join(",", fitting)} would fit.");
        }
        if (Options.BatchSize > training.Count)
            throw new UsageException($"--batch-size {Options.BatchSize:N0} is more than the {training.Count:N0} examples of {training.Name}; use at most {training.Count:N0}.");
    }

    private static string Format(double x) => x.ToString(CultureInfo.InvariantCulture);

    private static T Parse<T>(string option, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"{option}: {Cli.WithoutParameterName(e)}");
        }
    }

    private static Initialization ParseInitialization(string text)
    {
        foreach (var value in Enum.GetValues<Initialization>())
        {
            if (string.Equals(value.ToString(), text.Trim(), StringComparison.OrdinalIgnoreCase)) return value;
        }
        throw new UsageException($"--init: unknown initialization '{text}': choose standard or scaled.");
    }
}
