using System.Globalization;
using NeuralNetworks.Model;
using NeuralNetworks.Data;
using NeuralNetworks.Training;

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
        double momentum = a.Momentum ?? defaults.Momentum, weightDecay = a.WeightDecay ?? defaults.WeightDecay;
        bool nesterov = a.Nesterov ?? defaults.Nesterov;
        int maxShift = a.MaxShift ?? defaults.MaxShift;
        if (!(momentum >= 0 && momentum < 1)) throw new UsageException($"--momentum must be in [0, 1), not {Format(momentum)}.");
        if (nesterov && momentum == 0) throw new UsageException("--nesterov needs a momentum above 0: add --momentum 0.9, say.");
        if (!(weightDecay >= 0) || double.IsInfinity(weightDecay)) throw new UsageException($"--weight-decay must be 0 or more, not {Format(weightDecay)}.");
        if (maxShift < 0) throw new UsageException($"--max-shift must be 0 (off) or more pixels, not {maxShift}.");
        var schedule = a.Schedule is null ? defaults.Schedule : ParseSchedule(a.Schedule);
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
            var cost = Parse("--cost", () => Cost.Parse(a.Cost ?? "quadratic"));
            var activation = Parse("--activation", () => Activation.Parse(a.Activation ?? "sigmoid"));
            var outputActivation = Parse("--output-activation", () => Activation.Parse(a.OutputActivation ?? "sigmoid"));
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
            Epochs = epochs,
            BatchSize = batchSize,
            LearningRate = learningRate,
            LearningRateDecay = decay,
            Seed = a.Seed,
            Momentum = momentum,
            Nesterov = nesterov,
            WeightDecay = weightDecay,
            Schedule = schedule,
            MaxShift = maxShift,
            ProgressEverySteps = a.ProgressEverySteps,
        };
        // Techniques of notebook 11 set on the command line (a recipe's own are in its name already).
        var extras = Techniques(options).Except(Techniques(defaults)).ToList();
        if (extras.Count > 0) description += "; " + string.Join(", ", extras);
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

    private static IEnumerable<string> Techniques(TrainingOptions o)
    {
        if (o.Momentum > 0) yield return $"{(o.Nesterov ? "Nesterov momentum" : "momentum")} μ = {Format(o.Momentum)}";
        if (o.WeightDecay > 0) yield return $"weight decay λ = {Format(o.WeightDecay)}";
        if (o.Schedule != LearningRateSchedule.Constant) yield return $"η schedule {o.Schedule}";
        if (o.MaxShift > 0) yield return $"shifts of up to {o.MaxShift} pixel{(o.MaxShift == 1 ? "" : "s")}";
    }

    /// <summary>constant, cosine, or step:EVERY[:FACTOR].</summary>
    private static LearningRateSchedule ParseSchedule(string text)
    {
        var parts = text.Trim().ToLowerInvariant().Split(':');
        switch (parts[0])
        {
            case "constant" when parts.Length == 1: return LearningRateSchedule.Constant;
            case "cosine" when parts.Length == 1: return LearningRateSchedule.Cosine;
            case "step" when parts.Length is 2 or 3:
                if (!Numbers.TryParseInt(parts[1], out int every, out var problem) || every < 1)
                    throw new UsageException($"--schedule {text}: EVERY must be a whole number of epochs from 1{(problem is null ? "" : $" ({problem})")}.");
                double factor = 0.1;
                if (parts.Length == 3 && (!Numbers.TryParseDouble(parts[2], out factor, out problem) || !(factor > 0 && factor <= 1)))
                    throw new UsageException($"--schedule {text}: FACTOR must be a number in (0, 1]{(problem is null ? "" : $" ({problem})")}.");
                return LearningRateSchedule.Step(every, factor);
            default:
                throw new UsageException($"--schedule {text}: choose constant, cosine, or step:EVERY[:FACTOR] (e.g. step:10:0.1).");
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
