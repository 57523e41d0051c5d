using System.CommandLine;
using System.CommandLine.Parsing;
using NeuralNetworks.Training;

namespace NeuralNetworks.Cli;

/// <summary>Builders for options that read their values the one way <see cref="Numbers"/> defines.</summary>
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
/// every command reads them the same way and means the same by them.
/// </summary>
/// <param name="defaultEpochs">The epochs when --epochs is not given, for the help text (train 30, sweep 10).</param>
internal sealed class TrainingOptionSet(int defaultEpochs = 30)
{
    private readonly Option<string?> recipe = new("--recipe")
    {
        Description = "Train a documented recipe (its network and options; options given beside it override its η, decay, batch size and epochs): " +
                      string.Join("; ", TrainingRecipe.All.Select(r => $"{r.Key} ({r.Value.Name}, m = {r.Value.Options.BatchSize}, {r.Value.Options.Epochs} epochs)")),
    };
    private readonly Option<int?> epochs = CommandOptions.Int("--epochs", $"Passes over the training set [default: {defaultEpochs}]");
    private readonly Option<int?> batchSize = CommandOptions.Int("--batch-size", "Examples per gradient step, m [default: 10]");
    private readonly Option<double?> learningRate = CommandOptions.Double("--learning-rate", "η, the step size, with a decimal point [default: 3.0]");
    private readonly Option<double?> learningRateDecay = CommandOptions.Double("--learning-rate-decay", "Multiply η by this after every epoch, in (0, 1] [default: 1, constant]");
    private readonly Option<double?> momentum = CommandOptions.Double("--momentum", "Momentum μ in [0, 1): v ← μv + ∇C, w ← w − ηv (notebook 11) [default: 0]");
    private readonly Option<bool> nesterov = new("--nesterov") { Description = "Nesterov's momentum, w ← w − η(∇C + μv) (needs --momentum above 0)" };
    private readonly Option<double?> weightDecay = CommandOptions.Double("--weight-decay", "L2 weight decay λ ≥ 0: the gradient gains λw [default: 0]");
    private readonly Option<string?> schedule = new("--schedule") { Description = "η per epoch: constant, cosine (½(1 + cos(π(e−1)/E))), or step:EVERY[:FACTOR] (× FACTOR, default 0.1, every EVERY epochs) [default: constant]" };
    private readonly Option<int?> maxShift = CommandOptions.Int("--max-shift", "Move each training digit by up to this many pixels, afresh each time it is used [default: 0, off]");
    private readonly Option<string?> cost = new("--cost") { Description = "quadratic, cross-entropy (sigmoid outputs) or log-likelihood (softmax output) [default: quadratic]" };
    private readonly Option<string?> activation = new("--activation") { Description = "σ of the hidden layers: sigmoid, tanh or relu [default: sigmoid]" };
    private readonly Option<string?> outputActivation = new("--output-activation") { Description = "σ of the output layer: sigmoid, tanh, relu or softmax [default: sigmoid]" };
    private readonly Option<string?> init = new("--init") { Description = "Starting weights: standard (N(0,1)) or scaled (N(0,1/fan-in)) [default: standard]" };
    private readonly Option<int?> seed = CommandOptions.Int("--seed", "Seeds the starting weights and the shuffles [default: 1]");
    private readonly Option<bool> skipChecksums = new("--skip-checksums") { Description = "Do not check the data files against the MNIST SHA-256 hashes" };

    /// <summary>The folder of the four IDX files.</summary>
    public static Option<string?> Data() => new("--data")
    {
        Description = "Folder with the four files under the MNIST names (train-images-idx3-ubyte.gz, …); other IDX data with those names loads too " +
                      "[default: data/mnist, found upward from here]",
    };

    private readonly Option<string?> data = Data();

    /// <summary>Whether <c>--recipe</c> is offered (train: yes; sweep trains shapes of its own).</summary>
    public bool WithRecipe { get; init; } = true;

    /// <summary>The options, in the order --help lists them.</summary>
    public IEnumerable<Option> All =>
        (WithRecipe ? [recipe] : Array.Empty<Option>()).Concat([epochs, batchSize, learningRate, learningRateDecay, momentum, nesterov, weightDecay, schedule, maxShift, cost, activation, outputActivation, init, seed, data, skipChecksums]);

    /// <summary>What the command line said, on top of <paramref name="defaults"/>.</summary>
    public TrainArguments Read(ParseResult parse, TrainArguments defaults) => defaults with
    {
        Recipe = WithRecipe ? parse.GetValue(recipe) ?? defaults.Recipe : defaults.Recipe,
        Epochs = parse.GetValue(epochs) ?? defaults.Epochs,
        BatchSize = parse.GetValue(batchSize) ?? defaults.BatchSize,
        LearningRate = parse.GetValue(learningRate) ?? defaults.LearningRate,
        LearningRateDecay = parse.GetValue(learningRateDecay) ?? defaults.LearningRateDecay,
        Momentum = parse.GetValue(momentum) ?? defaults.Momentum,
        Nesterov = parse.GetValue(nesterov) ? true : defaults.Nesterov,
        WeightDecay = parse.GetValue(weightDecay) ?? defaults.WeightDecay,
        Schedule = parse.GetValue(schedule) ?? defaults.Schedule,
        MaxShift = parse.GetValue(maxShift) ?? defaults.MaxShift,
        Cost = parse.GetValue(cost) ?? defaults.Cost,
        Activation = parse.GetValue(activation) ?? defaults.Activation,
        OutputActivation = parse.GetValue(outputActivation) ?? defaults.OutputActivation,
        Initialization = parse.GetValue(init) ?? defaults.Initialization,
        Seed = parse.GetValue(seed) ?? defaults.Seed,
        DataDirectory = parse.GetValue(data) ?? defaults.DataDirectory,
        VerifyChecksums = !parse.GetValue(skipChecksums) && defaults.VerifyChecksums,
    };
}
