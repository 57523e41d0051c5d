using System.Globalization;
using NeuralNetworks.Model;
using NeuralNetworks.Data;
using NeuralNetworks.Training;

namespace NeuralNetworks.Cli;

/// <summary>
/// The arguments of <c>train</c> and <c>sweep</c> turned into a network, training options and paths before any work
/// starts. The values are checked by the library, which holds every rule (<see cref="TrainingOptions.Validate()"/>,
/// <see cref="Network"/>'s constructor, <see cref="DataSet.CheckFits"/>); this class only names the option a refused
/// value came from. What depends on the data is checked by <see cref="OptionsFor"/> right after loading it.
/// </summary>
/// <param name="Network">The starting network.</param>
/// <param name="Description">How it is built, for the run's header: "sigmoid hidden, sigmoid output, quadratic cost, standard start".</param>
/// <param name="Options">How to train it (no data, progress or cancellation yet).</param>
/// <param name="DataDirectory">The data folder's full path, or null to find data/mnist.</param>
/// <param name="OutPath">Where to save the network (checked writable), or null.</param>
/// <param name="LayersOption">How the shape was chosen, for messages: "--layers 784,16,10" or "--recipe nielsen".</param>
internal sealed record TrainingSetup(Network Network, string Description, TrainingOptions Options, string? DataDirectory, string? OutPath, string LayersOption)
{
    private static readonly int[] DefaultLayers = [784, 16, 16, 10];

    /// <summary>The option of the command line behind each parameter name the library's checks report.</summary>
    private static readonly Dictionary<string, string> OptionOf = new()
    {
        [nameof(TrainingOptions.Epochs)] = "--epochs",
        [nameof(TrainingOptions.BatchSize)] = "--batch-size",
        [nameof(TrainingOptions.LearningRate)] = "--learning-rate",
        [nameof(TrainingOptions.Schedule)] = "--schedule",
        [nameof(TrainingOptions.Momentum)] = "--momentum",
        [nameof(TrainingOptions.Nesterov)] = "--nesterov",
        [nameof(TrainingOptions.WeightDecay)] = "--weight-decay",
        [nameof(TrainingOptions.MaxShift)] = "--max-shift",
        ["sizes"] = "--layers",
        ["activation"] = "--activation",
        ["outputActivation"] = "--output-activation",
        ["cost"] = "--cost",
    };

    /// <summary>The arguments turned into a setup, or a <see cref="UsageException"/> naming the first problem and its option.</summary>
    public static TrainingSetup Check(TrainArguments a)
    {
        var recipe = a.Recipe;
        if (recipe is not null)
        {
            var clashes = new (string Option, object? Value)[]
            {
                ("--layers", a.Layers), ("--cost", a.Cost), ("--activation", a.Activation), ("--output-activation", a.OutputActivation), ("--init", a.Initialization),
            }.Where(x => x.Value is not null).Select(x => x.Option).ToList();
            if (clashes.Count > 0)
                throw new UsageException($"--recipe {recipe.Key} sets the network ({recipe.Name}); leave out {string.Join(" and ", clashes)}, or leave out --recipe.");
        }
        var defaults = recipe?.Options ?? new TrainingOptions();
        var options = defaults with
        {
            Epochs = a.Epochs ?? defaults.Epochs,
            BatchSize = a.BatchSize ?? defaults.BatchSize,
            LearningRate = a.LearningRate ?? defaults.LearningRate,
            Schedule = a.Schedule ?? defaults.Schedule,
            Momentum = a.Momentum ?? defaults.Momentum,
            Nesterov = a.Nesterov ?? defaults.Nesterov,
            WeightDecay = a.WeightDecay ?? defaults.WeightDecay,
            MaxShift = a.MaxShift ?? defaults.MaxShift,
            Seed = a.Seed,
            ProgressEverySteps = a.ProgressEverySteps,
        };
        if (recipe is not null && a.Nesterov is null && options.Nesterov && options.Momentum <= 0)
            throw new UsageException($"--momentum {Format(options.Momentum)}: --recipe {recipe.Key} uses Nesterov momentum, which needs a momentum μ above 0; " +
                                     "leave out --momentum, or give one above 0.");
        Library(options.Validate);

        string? dataDirectory = null;
        if (a.DataDirectory is not null)
        {
            dataDirectory = Path.GetFullPath(a.DataDirectory);
            if (!Directory.Exists(dataDirectory))
                throw new UsageException($"--data {a.DataDirectory}: there is no folder {dataDirectory}.");
        }
        string? outPath = a.Out is null ? null : OutputFile.Check(a.Out, "--out", "network.json");
        if (outPath is not null) OutputFile.NotTheData(outPath, "--out", dataDirectory);
        if (outPath is not null) OutputFile.OnlyReplaces(outPath, "--out", OutputFile.Kind.Network);

        Network network;
        string description, layersOption;
        if (recipe is not null)
        {
            network = recipe.Network(a.Seed);
            description = recipe.Name;
            layersOption = $"--recipe {recipe.Key}";
        }
        else
        {
            var sizes = a.Layers ?? DefaultLayers;
            var initialization = a.Initialization ?? Initialization.Standard;
            network = Library(() => Network.Create(sizes, a.Seed, a.Activation, a.Cost, initialization, a.OutputActivation));
            description = (network.LayerCount > 1 ? $"{network.Activation} hidden, " : "") +
                          $"{network.OutputActivation} output, {network.Cost} cost, {initialization.Name} start";
            layersOption = $"--layers {string.Join(",", sizes)}";
        }
        // Techniques of notebook 11 set on the command line (a recipe's own are in its name already).
        var extras = Techniques(options).Except(Techniques(defaults)).ToList();
        if (extras.Count > 0) description += "; " + string.Join(", ", extras);
        return new TrainingSetup(network, description, options, dataDirectory, outPath, layersOption);
    }

    /// <summary>The options with <paramref name="data"/>'s test set, checked against the network and the loaded data
    /// (the library's <see cref="TrainingOptions.Validate(Network, DataSet)"/>); a <see cref="UsageException"/> names
    /// the data folder, what was found and the layers that would fit.</summary>
    public TrainingOptions OptionsFor(MnistData data)
    {
        var options = Options with { TestData = data.Test };
        try
        {
            options.Validate(Network, data.Training);
        }
        catch (ArgumentException e) when (e.ParamName == "network")
        {
            throw new UsageException($"{LayersOption} does not fit the data in {DataDirectory ?? Mnist.FindDataDirectory()}: {ErrorText.WithoutParameterName(e)}");
        }
        catch (ArgumentException e)
        {
            throw Usage(e);
        }
        return options;
    }

    /// <summary>Runs a check of the library; an <see cref="ArgumentException"/> becomes a <see cref="UsageException"/>
    /// naming the option it is about.</summary>
    private static T Library<T>(Func<T> check)
    {
        try
        {
            return check();
        }
        catch (ArgumentException e)
        {
            throw Usage(e);
        }
    }

    private static void Library(Action check) => Library(() => { check(); return 0; });

    private static UsageException Usage(ArgumentException e) =>
        new(e.ParamName is not null && OptionOf.TryGetValue(e.ParamName, out var option) ? $"{option}: {ErrorText.WithoutParameterName(e)}" : ErrorText.WithoutParameterName(e));

    private static string Format(double x) => x.ToString(CultureInfo.InvariantCulture);

    private static IEnumerable<string> Techniques(TrainingOptions o)
    {
        if (o.Momentum > 0) yield return $"{(o.Nesterov ? "Nesterov momentum" : "momentum")} μ = {Format(o.Momentum)}";
        if (o.WeightDecay > 0) yield return $"weight decay λ = {Format(o.WeightDecay)}";
        if (o.MaxShift > 0) yield return $"shifts of up to {o.MaxShift} pixel{(o.MaxShift == 1 ? "" : "s")}";
    }
}
