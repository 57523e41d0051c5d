using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.RegularExpressions;

namespace NeuralNetworks.Cli;

/// <summary>
/// Numbers on the command line are read one documented way: digits with a decimal point (and an optional
/// exponent, 1e-3), whatever the user's language settings. A comma, a digit-group separator or anything else is
/// refused with what it could have meant, never guessed.
/// </summary>
public static partial class Numbers
{
    /// <summary>Reads <paramref name="text"/> as a number with a decimal point; <paramref name="problem"/> says why not.</summary>
    public static bool TryParseDouble(string text, out double value, out string? problem)
    {
        problem = null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return true;
        problem = Explain(text, wholeNumber: false);
        return false;
    }

    /// <summary>Reads <paramref name="text"/> as a whole number (an int); <paramref name="problem"/> says why not.</summary>
    public static bool TryParseInt(string text, out int value, out string? problem)
    {
        problem = null;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out value))
            return true;
        string t = text.Trim();
        if (PlainInteger().IsMatch(t))
            problem = $"'{t}' is outside the whole numbers this option takes ({int.MinValue:N0} to {int.MaxValue:N0})";
        else if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
            problem = d == Math.Floor(d) && Math.Abs(d) <= int.MaxValue
                ? $"'{t}' must be written as a whole number: {d.ToString("0", CultureInfo.InvariantCulture)}"
                : $"'{t}' is not a whole number";
        else
            problem = Explain(t, wholeNumber: true);
        return false;
    }

    /// <summary>Why <paramref name="text"/> is not a number, saying what a comma or separator would have meant.</summary>
    private static string Explain(string text, bool wholeNumber)
    {
        string t = text.Trim();
        string kind = wholeNumber ? "a whole number" : "a number";
        if (t.Length == 0) return $"an empty value is not {kind}";
        var comma = DecimalComma().Match(t);
        if (comma.Success)
        {
            string asDecimal = $"{comma.Groups[1].Value}.{comma.Groups[2].Value}";
            string asThousands = long.TryParse(comma.Groups[1].Value + comma.Groups[2].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
                ? n.ToString(CultureInfo.InvariantCulture) : comma.Groups[1].Value + comma.Groups[2].Value;
            return $"'{t}' has a comma, which could mean {asDecimal} (decimal comma) or {asThousands} (thousands separator); " +
                   $"write {(wholeNumber ? asThousands : $"{asDecimal} or {asThousands}")}: numbers here take a decimal point and no separators, whatever the language settings";
        }
        if (Grouped().IsMatch(t))
            return $"'{t}' has digit-group separators; write it without them ({Regex.Replace(t, @"[,_ '’]", "")}): numbers here take a decimal point and no separators";
        return $"'{t}' is not {kind}{(wholeNumber ? "" : " (write decimals with a point, e.g. 0.5, or with an exponent, e.g. 1e-3)")}";
    }

    [GeneratedRegex(@"^[+-]?\d+$")]
    private static partial Regex PlainInteger();

    [GeneratedRegex(@"^([+-]?\d+),(\d+)$")]
    private static partial Regex DecimalComma();

    [GeneratedRegex(@"^[+-]?\d{1,3}([,_ '’]\d{3})+(\.\d+)?$")]
    private static partial Regex Grouped();
}

/// <summary>Layer sizes, parsed and checked in one place for every command: whole numbers of at least 1, at least
/// two layers, and a network small enough to build (in checked arithmetic, against a stated cap).</summary>
public static class LayerSizes
{
    /// <summary>The most weights and biases a network from the command line may have: 100 million, 800 MB as
    /// doubles before training adds its gradients and copies.</summary>
    public const long MaxParameters = 100_000_000;

    /// <summary>"784,16,16,10" → [784, 16, 16, 10], or a <see cref="UsageException"/> naming <paramref name="option"/> and the problem.</summary>
    public static int[] Parse(string? text, string option = "--layers")
    {
        var parts = (text ?? "").Split(',', StringSplitOptions.TrimEntries);
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!Numbers.TryParseInt(parts[i], out sizes[i], out var problem))
                throw new UsageException($"{option} '{text}': layer {i}: {problem}; give layer sizes separated by commas, e.g. 784,16,16,10.");
        }
        if (sizes.Length < 2)
            throw new UsageException($"{option} '{text}': a network needs at least two layers (inputs and outputs), e.g. 784,10.");
        for (int i = 0; i < sizes.Length; i++)
        {
            if (sizes[i] < 1)
                throw new UsageException($"{option} '{text}': layer {i} has size {sizes[i]}; every layer needs at least one neuron.");
        }
        long parameters = ParameterCount(sizes);
        if (parameters > MaxParameters)
            throw new UsageException($"{option} '{text}' needs {parameters:N0} weights and biases ({parameters * 8.0 / 1e9:N1} GB as doubles, before training's copies); " +
                                     $"this tool builds at most {MaxParameters:N0}.");
        return sizes;
    }

    /// <summary>Σ (n_{l−1} + 1)·n_l weights and biases, in 128-bit arithmetic (it cannot overflow for int sizes); capped at long.MaxValue.</summary>
    public static long ParameterCount(IReadOnlyList<int> sizes)
    {
        Int128 total = 0;
        for (int l = 1; l < sizes.Count; l++) total += ((Int128)sizes[l - 1] + 1) * sizes[l];
        return total > long.MaxValue ? long.MaxValue : (long)total;
    }
}

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
internal sealed class TrainingOptionSet
{
    private readonly Option<string?> recipe = new("--recipe")
    {
        Description = "Train a documented recipe (its network and options; options given beside it override its η, decay, batch size and epochs): " +
                      string.Join("; ", TrainingRecipe.All.Select(r => $"{r.Key}: {r.Value.Name}, m = {r.Value.Options.BatchSize}, {r.Value.Options.Epochs} epochs")),
    };
    private readonly Option<int?> epochs = CommandOptions.Int("--epochs", "Passes over the training set [default: 30; sweep 10]");
    private readonly Option<int?> batchSize = CommandOptions.Int("--batch-size", "Examples per gradient step, m [default: 10]");
    private readonly Option<double?> learningRate = CommandOptions.Double("--learning-rate", "η, the step size, with a decimal point [default: 3.0]");
    private readonly Option<double?> learningRateDecay = CommandOptions.Double("--learning-rate-decay", "Multiply η by this after every epoch, in (0, 1] [default: 1, constant]");
    private readonly Option<string?> cost = new("--cost") { Description = "quadratic or cross-entropy [default: quadratic]" };
    private readonly Option<string?> activation = new("--activation") { Description = "σ of the hidden layers: sigmoid, tanh or relu [default: sigmoid]" };
    private readonly Option<string?> outputActivation = new("--output-activation") { Description = "σ of the output layer: sigmoid, tanh or relu [default: sigmoid]" };
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
        (WithRecipe ? [recipe] : Array.Empty<Option>()).Concat([epochs, batchSize, learningRate, learningRateDecay, cost, activation, outputActivation, init, seed, data, skipChecksums]);

    /// <summary>What the command line said, on top of <paramref name="defaults"/>.</summary>
    public TrainArguments Read(ParseResult parse, TrainArguments defaults) => defaults with
    {
        Recipe = WithRecipe ? parse.GetValue(recipe) ?? defaults.Recipe : defaults.Recipe,
        Epochs = parse.GetValue(epochs) ?? defaults.Epochs,
        BatchSize = parse.GetValue(batchSize) ?? defaults.BatchSize,
        LearningRate = parse.GetValue(learningRate) ?? defaults.LearningRate,
        LearningRateDecay = parse.GetValue(learningRateDecay) ?? defaults.LearningRateDecay,
        Cost = parse.GetValue(cost) ?? defaults.Cost,
        Activation = parse.GetValue(activation) ?? defaults.Activation,
        OutputActivation = parse.GetValue(outputActivation) ?? defaults.OutputActivation,
        Initialization = parse.GetValue(init) ?? defaults.Initialization,
        Seed = parse.GetValue(seed) ?? defaults.Seed,
        DataDirectory = parse.GetValue(data) ?? defaults.DataDirectory,
        VerifyChecksums = !parse.GetValue(skipChecksums) && defaults.VerifyChecksums,
    };
}
