using System.CommandLine;
using System.CommandLine.Parsing;
using NeuralNetworks.Model;
using NeuralNetworks.Training;

namespace NeuralNetworks.Cli;

/// <summary>Builders for options that read their values one way: numbers as <see cref="Numbers"/> defines, and names
/// and formats of the library (a cost, a schedule, …) by the library's own parser, into the library's types.</summary>
internal static class CommandOptions
{
    /// <summary>An optional whole-number option: null when not given.</summary>
    public static Option<int?> Int(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result => Parse(result, name, (string t, out int v, out string? p) => Numbers.TryParseInt(t, out v, out p)),
    };

    /// <summary>An optional number option (decimal point): null when not given.</summary>
    public static Option<double?> Double(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result => Parse(result, name, (string t, out double v, out string? p) => Numbers.TryParseDouble(t, out v, out p)),
    };

    /// <summary>
    /// An optional option whose text <paramref name="parse"/> turns into a value of type <typeparamref name="T"/> (nullable):
    /// null when not given. When the text is refused, the parse fails with one line: a <see cref="UsageException"/>'s
    /// message as it is (it names the option), an <see cref="ArgumentException"/>'s (the library's words) after the option
    /// and the text.
    /// </summary>
    public static Option<T> Parsed<T>(string name, string description, Func<string, T> parse) => new(name)
    {
        Description = description,
        // One value, as every other option: an array type (--layers) would otherwise take any number, so a repeated
        // --layers silently kept the last and a bare --layers the default.
        Arity = ArgumentArity.ExactlyOne,
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0) return default!;
            string text = result.Tokens[^1].Value;
            try
            {
                return parse(text);
            }
            catch (UsageException e)
            {
                result.AddError(e.Message);
            }
            catch (ArgumentException e)
            {
                result.AddError($"{name} {text}: {ErrorText.WithoutParameterName(e)}");
            }
            return default!;
        },
    };

    private delegate bool TryParse<T>(string text, out T value, out string? problem);

    private static T? Parse<T>(ArgumentResult result, string name, TryParse<T> tryParse) where T : struct
    {
        if (result.Tokens.Count == 0) return null;
        string text = result.Tokens[^1].Value;
        if (tryParse(text, out var value, out var problem)) return value;
        result.AddError($"{name} {text}: {problem}");
        return null;
    }
}

/// <summary>
/// The training options <c>train</c> and <c>sweep</c> share (and <c>bench</c> takes its <c>--data</c> from), so
/// every command reads them the same way and means the same by them. Each is parsed at the command line into the
/// library's type; the library checks the values (<see cref="TrainingSetup.Check"/>).
/// </summary>
/// <param name="defaultEpochs">The epochs when --epochs is not given, for the help text (train 30, sweep 10).</param>
internal sealed class TrainingOptionSet(int defaultEpochs = 30)
{
    private readonly Option<TrainingRecipe?> recipe = CommandOptions.Parsed<TrainingRecipe?>("--recipe",
        "Train a documented recipe (its network and options; training options given beside it, such as --epochs, override the recipe's): " +
        string.Join("; ", TrainingRecipe.All.Values.Select(r => $"{r.Key} ({r.Name}, m = {r.Options.BatchSize}, {r.Options.Epochs} epochs)")),
        text => RecipeNamed(text));

    /// <summary>The recipe <paramref name="text"/> names (any case, spaces around ignored), for <c>--recipe</c> of any command.</summary>
    /// <exception cref="UsageException">No recipe has that name; the message suggests the nearest.</exception>
    public static TrainingRecipe RecipeNamed(string text) =>
        TrainingRecipe.All.TryGetValue(text.Trim().ToLowerInvariant(), out var found) ? found
            : throw new UsageException($"--recipe {text}: no such recipe" + Cli.Suggest(text, TrainingRecipe.All.Keys.ToList(), "recipes"));
    private readonly Option<int?> epochs = CommandOptions.Int("--epochs", $"Passes over the training set [default: {defaultEpochs}]");
    private readonly Option<int?> batchSize = CommandOptions.Int("--batch-size", "Examples per gradient step, m [default: 10]");
    private readonly Option<double?> learningRate = CommandOptions.Double("--learning-rate", "η, the step size, with a decimal point [default: 3.0]");
    private readonly Option<LearningRateSchedule?> schedule = CommandOptions.Parsed<LearningRateSchedule?>("--schedule",
        "η per epoch: constant, cosine (½(1 + cos(π(e−1)/E))), exponential:DECAY (× DECAY every epoch, e.g. exponential:0.95) " +
        "or step:EVERY[:FACTOR] (× FACTOR, default 0.1, every EVERY epochs) [default: constant]", LearningRateSchedule.Parse);
    private readonly Option<double?> momentum = CommandOptions.Double("--momentum", "Momentum μ in [0, 1): v ← μv + ∇C, w ← w − ηv (notebook 11) [default: 0]");
    private readonly Option<bool> nesterov = new("--nesterov") { Description = "Nesterov's momentum, w ← w − η(∇C + μv) (needs --momentum above 0)" };
    private readonly Option<double?> weightDecay = CommandOptions.Double("--weight-decay", "L2 weight decay λ ≥ 0: the gradient gains λw [default: 0]");
    private readonly Option<int?> maxShift = CommandOptions.Int("--max-shift", "Move each training digit by up to this many pixels, afresh each time it is used [default: 0, off]");
    private readonly Option<Cost?> cost = CommandOptions.Parsed<Cost?>("--cost",
        "quadratic, cross-entropy (sigmoid outputs) or log-likelihood (softmax output) [default: quadratic]", Cost.Parse);
    private readonly Option<Activation?> activation = CommandOptions.Parsed<Activation?>("--activation",
        "σ of the hidden layers: sigmoid, tanh or relu [default: sigmoid]", Activation.Parse);
    private readonly Option<Activation?> outputActivation = CommandOptions.Parsed<Activation?>("--output-activation",
        "σ of the output layer: sigmoid, tanh, relu or softmax [default: sigmoid]", Activation.Parse);
    private readonly Option<Initialization?> init = WithHelpName(CommandOptions.Parsed<Initialization?>("--init",
        "Starting weights: standard (N(0,1)) or scaled (N(0,1/fan-in)) [default: standard]", text => Initialization.Parse(text)),
        string.Join("|", Enum.GetValues<Initialization>().Select(i => i.Name)));
    private readonly Option<int?> seed = CommandOptions.Int("--seed", "Seeds the starting weights and the shuffles [default: 1]");
    private readonly Option<bool> skipChecksums = new("--skip-checksums") { Description = "Do not check the data files against the MNIST SHA-256 hashes" };

    /// <summary>The folder of the four IDX files.</summary>
    public static Option<string?> Data() => new("--data")
    {
        Description = "Folder with the four files under the MNIST names (train-images-idx3-ubyte.gz, …); other IDX data with those names loads too " +
                      "[default: data/mnist, found upward from here]",
    };

    private readonly Option<string?> data = Data();

    /// <summary>
    /// The --data value as given, or null when not given; an empty one (an unset shell variable, <c>--data "$DATA"</c>) is a
    /// command-line error that names the option (a hostile user's audit, 2026-12-06: it said only "The value cannot be an
    /// empty string").
    /// </summary>
    public static string? DataFolder(string? value) =>
        value is not null && string.IsNullOrWhiteSpace(value) ? throw new UsageException("--data needs a folder, e.g. --data data/mnist") : value;

    /// <summary>Whether <c>--recipe</c> is offered (train: yes; sweep trains shapes of its own).</summary>
    public bool WithRecipe { get; init; } = true;

    /// <summary>The options, in the order --help lists them.</summary>
    public IEnumerable<Option> All =>
        (WithRecipe ? [recipe] : Array.Empty<Option>()).Concat([epochs, batchSize, learningRate, schedule, momentum, nesterov, weightDecay, maxShift, cost, activation, outputActivation, init, seed, data, skipChecksums]);

    private static Option<T> WithHelpName<T>(Option<T> option, string helpName)
    {
        option.HelpName = helpName;
        return option;
    }

    /// <summary>What the command line said, on top of <paramref name="defaults"/>.</summary>
    public TrainArguments Read(ParseResult parse, TrainArguments defaults) => defaults with
    {
        Recipe = WithRecipe ? parse.GetValue(recipe) ?? defaults.Recipe : defaults.Recipe,
        Epochs = parse.GetValue(epochs) ?? defaults.Epochs,
        BatchSize = parse.GetValue(batchSize) ?? defaults.BatchSize,
        LearningRate = parse.GetValue(learningRate) ?? defaults.LearningRate,
        Schedule = parse.GetValue(schedule) ?? defaults.Schedule,
        Momentum = parse.GetValue(momentum) ?? defaults.Momentum,
        Nesterov = parse.GetValue(nesterov) ? true : defaults.Nesterov,
        WeightDecay = parse.GetValue(weightDecay) ?? defaults.WeightDecay,
        MaxShift = parse.GetValue(maxShift) ?? defaults.MaxShift,
        Cost = parse.GetValue(cost) ?? defaults.Cost,
        Activation = parse.GetValue(activation) ?? defaults.Activation,
        OutputActivation = parse.GetValue(outputActivation) ?? defaults.OutputActivation,
        Initialization = parse.GetValue(init) ?? defaults.Initialization,
        Seed = parse.GetValue(seed) ?? defaults.Seed,
        DataDirectory = DataFolder(parse.GetValue(data)) ?? defaults.DataDirectory,
        VerifyChecksums = !parse.GetValue(skipChecksums) && defaults.VerifyChecksums,
    };
}
