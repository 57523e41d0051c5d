using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace NeuralNetworks.Cli;

/// <summary>What <c>train</c> was asked to do: the options as given, checked by <see cref="TrainCommand.Run"/>.</summary>
public sealed record TrainArguments
{
    /// <summary>Layer sizes, comma separated, input first: "784,16,16,10".</summary>
    public string Layers { get; init; } = "784,16,16,10";

    /// <summary>Passes over the 60,000 training images.</summary>
    public int Epochs { get; init; } = 30;

    /// <summary>Examples per gradient step (m).</summary>
    public int BatchSize { get; init; } = 10;

    /// <summary>η, the step size.</summary>
    public double LearningRate { get; init; } = 3.0;

    /// <summary>η is multiplied by this after every epoch (1: constant).</summary>
    public double LearningRateDecay { get; init; } = 1.0;

    /// <summary>The cost's name: quadratic or cross-entropy.</summary>
    public string Cost { get; init; } = "quadratic";

    /// <summary>σ of the hidden layers: sigmoid, tanh or relu.</summary>
    public string Activation { get; init; } = "sigmoid";

    /// <summary>σ of the output layer: sigmoid, tanh or relu (cross-entropy needs sigmoid).</summary>
    public string OutputActivation { get; init; } = "sigmoid";

    /// <summary>How the weights start: standard (N(0, 1)) or scaled (N(0, 1/fan-in)).</summary>
    public string Initialization { get; init; } = "standard";

    /// <summary>Seeds the starting weights and the shuffles.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The folder holding the four MNIST files; null looks for data/mnist upward from the current directory.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Check the data files against the published MNIST SHA-256 hashes.</summary>
    public bool VerifyChecksums { get; init; } = true;

    /// <summary>Where the trained network is saved as JSON.</summary>
    public string Out { get; init; } = "network.json";

    /// <summary>Report progress within an epoch every this many steps (the live bar moves with it).</summary>
    public int ProgressEverySteps { get; init; } = 500;

    /// <summary>Show a live progress bar (true), plain lines (false), or decide from the terminal (null).</summary>
    public bool? Live { get; init; }
}

/// <summary>
/// <c>train</c>: loads MNIST, trains a network with mini-batch SGD, shows progress, prints a per-epoch table and
/// the final test accuracy, and saves the network as JSON.
/// Exit codes: 0 trained and saved, 1 training or data failed (nothing saved), 2 bad options, 130 cancelled.
/// </summary>
public static class TrainCommand
{
    /// <summary>Exit code when training failed (divergence, a corrupt data file, the network could not be saved).</summary>
    public const int Failure = 1;

    /// <summary>Exit code when training was cancelled (Ctrl+C), as shells report SIGINT.</summary>
    public const int Cancelled = 130;

    private const int MnistInputs = 784;
    private const int MnistClasses = 10;

    /// <summary>The <c>train</c> command for the root command: its options, and an action that calls <see cref="Run"/>.</summary>
    public static Command Create()
    {
        var defaults = new TrainArguments();
        var layers = new Option<string>("--layers") { Description = "Layer sizes, input first, comma separated", DefaultValueFactory = _ => defaults.Layers };
        var shared = new TrainingCommandOptions(defaults);
        var output = new Option<string>("--out") { Description = "Where to save the trained network as JSON", DefaultValueFactory = _ => defaults.Out };

        var command = new Command("train", "Train a network on MNIST with mini-batch gradient descent and save it as JSON.");
        foreach (var option in shared.All.Prepend(layers).Append(output))
            command.Options.Add(option);

        command.SetAction(parseResult =>
        {
            var arguments = shared.Read(parseResult) with
            {
                Layers = parseResult.GetValue(layers) ?? defaults.Layers,
                Out = parseResult.GetValue(output) ?? defaults.Out,
            };
            var config = parseResult.InvocationConfiguration;
            var stdout = config.Output;
            var stderr = config.Error;

            // Ctrl+C stops training between steps; a second Ctrl+C (while the first is being handled) kills the process.
            using var cancellation = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                if (cancellation.IsCancellationRequested) return;
                e.Cancel = true;
                cancellation.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            try
            {
                return Run(arguments, stdout, stderr, cancellation.Token);
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
        });
        return command;
    }

    /// <summary>
    /// Checks the arguments, loads the data, trains, reports and saves: the whole command without the command line.
    /// Messages for the user go to <paramref name="output"/>; problems go to <paramref name="error"/> as one line each.
    /// </summary>
    /// <returns>0 when the network was trained and saved; 1 when data or training failed; 2 for bad arguments; 130 when cancelled.</returns>
    public static int Run(TrainArguments arguments, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        Setup setup;
        try
        {
            setup = Check(arguments);
        }
        catch (UsageException e)
        {
            error.WriteLine($"error: {e.Message}");
            return Cli.UsageError;
        }

        var clock = Stopwatch.StartNew();
        MnistData data;
        try
        {
            data = Mnist.Load(setup.DataDirectory, arguments.VerifyChecksums);
        }
        catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException)
        {
            error.WriteLine($"error: {OneLine(e.Message)}" + (setup.DataDirectory is null ? " Pass the folder with --data." : ""));
            return Cli.UsageError;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException)
        {
            error.WriteLine($"error: could not read the MNIST data: {OneLine(e.Message)}");
            return Failure;
        }
        double loadSeconds = clock.Elapsed.TotalSeconds;

        var network = setup.Network;
        var options = new TrainingOptions
        {
            Epochs = arguments.Epochs,
            BatchSize = arguments.BatchSize,
            LearningRate = arguments.LearningRate,
            LearningRateDecay = arguments.LearningRateDecay,
            Seed = arguments.Seed,
            TestData = data.Test,
            ProgressEverySteps = Math.Max(0, arguments.ProgressEverySteps),
            CancellationToken = cancellationToken,
        };

        bool live = arguments.Live ?? IsInteractive(output);
        var console = CreateConsole(output, live);
        string layers = network.LayerCount > 1 ? $"{network.Activation} hidden, {network.OutputActivation} output" : $"{network.OutputActivation} output";
        output.WriteLine($"Training {network.Shape} ({network.ParameterCount:N0} weights and biases) on {data.Training.Count:N0} images, testing on {data.Test.Count:N0}");
        output.WriteLine($"  {arguments.Epochs} epoch{(arguments.Epochs == 1 ? "" : "s")}, mini-batches of {arguments.BatchSize}, η = {arguments.LearningRate.ToString(CultureInfo.InvariantCulture)}" +
            (arguments.LearningRateDecay == 1 ? ", " : $" × {arguments.LearningRateDecay.ToString(CultureInfo.InvariantCulture)} per epoch, ") +
            $"{network.Cost} cost, {layers}, {setup.Initialization.ToString().ToLowerInvariant()} start, seed {arguments.Seed}");
        output.Flush();

        TrainingResult result;
        try
        {
            result = live ? TrainLive(console, network, data.Training, options) : TrainPlain(output, network, data.Training, options);
        }
        catch (TrainingDivergedException e)
        {
            error.WriteLine($"error: {e.Message} Nothing was saved.");
            return Failure;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            error.WriteLine("Training cancelled; nothing was saved.");
            return Cancelled;
        }
        catch (ArgumentException e)
        {
            error.WriteLine($"error: {OneLine(WithoutParameterName(e))}");
            return Cli.UsageError;
        }

        output.WriteLine();
        console.Write(EpochTable(result.History));
        var final = result.History.Final;
        int testCount = data.Test.Count;
        int correct = (int)Math.Round((final.TestAccuracy ?? 0) * testCount);
        output.WriteLine(
            $"Test accuracy after {result.History.Epochs.Count} epoch{(result.History.Epochs.Count == 1 ? "" : "s")}: " +
            $"{Percent(final.TestAccuracy ?? 0)} ({correct:N0} / {testCount:N0})");
        double total = clock.Elapsed.TotalSeconds, trainingSeconds = result.History.TotalSeconds;
        output.WriteLine(
            $"Total time: {total:0.00} s (loading {loadSeconds:0.00} s, training {trainingSeconds:0.00} s, " +
            $"testing {Math.Max(0, total - loadSeconds - trainingSeconds):0.00} s)");

        try
        {
            NetworkJson.Save(result.Network, setup.OutPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: could not save the network to {setup.OutPath}: {OneLine(e.Message)}");
            return Failure;
        }
        output.WriteLine($"Saved the network to {setup.OutPath}");
        return 0;
    }

    /// <summary>The arguments turned into a network and paths, or a <see cref="UsageException"/> naming the first problem.</summary>
    internal static Setup Check(TrainArguments a)
    {
        var sizes = ParseLayers(a.Layers);
        if (sizes[0] != MnistInputs || sizes[^1] != MnistClasses)
            throw new UsageException($"--layers '{a.Layers}': MNIST needs {MnistInputs} inputs and {MnistClasses} outputs, so the layers must start with {MnistInputs} and end with {MnistClasses} (e.g. 784,16,16,10).");
        if (a.Epochs < 1) throw new UsageException($"--epochs must be at least 1, not {a.Epochs}.");
        if (a.BatchSize < 1) throw new UsageException($"--batch-size must be at least 1, not {a.BatchSize}.");
        if (!(a.LearningRate > 0) || double.IsInfinity(a.LearningRate))
            throw new UsageException($"--learning-rate must be a positive number, not {a.LearningRate.ToString(CultureInfo.InvariantCulture)}.");
        if (!(a.LearningRateDecay > 0 && a.LearningRateDecay <= 1))
            throw new UsageException($"--learning-rate-decay must be in (0, 1], not {a.LearningRateDecay.ToString(CultureInfo.InvariantCulture)}.");
        var cost = Parse("--cost", () => NeuralNetworks.Cost.Parse(a.Cost));
        var activation = Parse("--activation", () => NeuralNetworks.Activation.Parse(a.Activation));
        var outputActivation = Parse("--output-activation", () => NeuralNetworks.Activation.Parse(a.OutputActivation));
        var initialization = ParseInitialization(a.Initialization);

        string? dataDirectory = null;
        if (a.DataDirectory is not null)
        {
            dataDirectory = Path.GetFullPath(a.DataDirectory);
            if (!Directory.Exists(dataDirectory))
                throw new UsageException($"--data {a.DataDirectory}: there is no folder {dataDirectory}.");
        }
        if (string.IsNullOrWhiteSpace(a.Out)) throw new UsageException("--out needs a file name, e.g. network.json.");
        string outPath = Path.GetFullPath(a.Out);
        if (Directory.Exists(outPath)) throw new UsageException($"--out {a.Out}: {outPath} is a folder; give a file name, e.g. {Path.Combine(a.Out, "network.json")}.");

        Network network;
        try
        {
            network = Network.Create(sizes, a.Seed, activation, cost, initialization, outputActivation);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--cost {cost.Name} with --activation {activation.Name} and --output-activation {outputActivation.Name}: {OneLine(WithoutParameterName(e))}");
        }
        return new Setup(network, initialization, dataDirectory, outPath);
    }

    /// <summary>"784,16,16,10" → [784, 16, 16, 10], or a <see cref="UsageException"/> saying what is wrong.</summary>
    internal static int[] ParseLayers(string text)
    {
        var parts = (text ?? "").Split(',', StringSplitOptions.TrimEntries);
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out sizes[i]))
                throw new UsageException($"--layers '{text}': '{parts[i]}' is not a whole number; give layer sizes separated by commas, e.g. 784,16,16,10.");
        }
        if (sizes.Length < 2)
            throw new UsageException($"--layers '{text}': a network needs at least two layers (inputs and outputs), e.g. 784,10.");
        for (int i = 0; i < sizes.Length; i++)
        {
            if (sizes[i] < 1)
                throw new UsageException($"--layers '{text}': layer {i} has size {sizes[i]}; every layer needs at least one neuron.");
        }
        return sizes;
    }

    private static T Parse<T>(string option, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"{option}: {WithoutParameterName(e)}");
        }
    }

    private static Initialization ParseInitialization(string text)
    {
        foreach (var value in Enum.GetValues<Initialization>())
        {
            if (string.Equals(value.ToString(), text?.Trim(), StringComparison.OrdinalIgnoreCase)) return value;
        }
        throw new UsageException($"--init: unknown initialization '{text}': choose standard or scaled.");
    }

    /// <summary>One plain line per epoch, for logs and pipes.</summary>
    private static TrainingResult TrainPlain(TextWriter output, Network network, DataSet training, TrainingOptions options)
    {
        var progress = new Reporter(p =>
        {
            if (p.Completed is not { } epoch) return;
            output.WriteLine(
                $"epoch {epoch.Epoch}/{p.Epochs}  cost {epoch.TrainingCost:0.0000}  test accuracy {Percent(epoch.TestAccuracy ?? 0)}  {epoch.Seconds:0.000} s");
            output.Flush();
        });
        return Trainer.Train(network, training, options with { Progress = progress });
    }

    /// <summary>A Spectre.Console progress bar over all steps of all epochs, redrawn as training reports.</summary>
    private static TrainingResult TrainLive(IAnsiConsole console, Network network, DataSet training, TrainingOptions options)
    {
        return console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask(Describe(1, options.Epochs, double.NaN, null), maxValue: options.Epochs);
                double? lastAccuracy = null;
                var progress = new Reporter(p =>
                {
                    if (p.Completed is { } epoch) lastAccuracy = epoch.TestAccuracy;
                    task.Value = p.Epoch - 1 + (double)p.Step / p.StepsPerEpoch;
                    task.Description = Describe(p.Epoch, p.Epochs, p.Cost, lastAccuracy);
                });
                var result = Trainer.Train(network, training, options with { Progress = progress });
                task.Value = task.MaxValue;
                task.StopTask();
                return result;
            });
    }

    private static string Describe(int epoch, int epochs, double cost, double? accuracy) =>
        $"epoch {epoch}/{epochs}  cost {(double.IsNaN(cost) ? "…" : cost.ToString("0.0000", CultureInfo.InvariantCulture))}  " +
        $"test accuracy {(accuracy is double a ? Percent(a) : "…")}";

    private static Table EpochTable(TrainingHistory history)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("Epoch").RightAligned())
            .AddColumn(new TableColumn("Training cost").RightAligned())
            .AddColumn(new TableColumn("Test cost").RightAligned())
            .AddColumn(new TableColumn("Test accuracy").RightAligned())
            .AddColumn(new TableColumn("Seconds").RightAligned());
        foreach (var e in history.Epochs)
        {
            table.AddRow(
                e.Epoch.ToString(CultureInfo.InvariantCulture),
                e.TrainingCost.ToString("0.0000", CultureInfo.InvariantCulture),
                e.TestCost is double c ? c.ToString("0.0000", CultureInfo.InvariantCulture) : "–",
                e.TestAccuracy is double a ? Percent(a) : "–",
                e.Seconds.ToString("0.000", CultureInfo.InvariantCulture));
        }
        return table;
    }

    /// <summary>
    /// True when <paramref name="output"/> is the process's stdout on an interactive terminal: not redirected,
    /// not under CI (CI=true), not TERM=dumb.
    /// </summary>
    private static bool IsInteractive(TextWriter output)
    {
        if (!ReferenceEquals(output, Console.Out) || Console.IsOutputRedirected) return false;
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)) return false;
        if (string.Equals(Environment.GetEnvironmentVariable("TERM"), "dumb", StringComparison.Ordinal)) return false;
        return AnsiConsole.Profile.Capabilities.Interactive;
    }

    /// <summary>A Spectre console on <paramref name="output"/>: colours and live redraws only when <paramref name="live"/>.</summary>
    private static IAnsiConsole CreateConsole(TextWriter output, bool live)
    {
        if (live && ReferenceEquals(output, Console.Out)) return AnsiConsole.Console;
        return AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = live ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = live ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = live ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
    }

    /// <summary>0.9123 → "91.23%".</summary>
    private static string Percent(double fraction) => (100 * fraction).ToString("0.00", CultureInfo.InvariantCulture) + "%";

    private static string WithoutParameterName(ArgumentException e) =>
        e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);

    private static string OneLine(string message) =>
        string.Join(" ", message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    internal sealed record Setup(Network Network, Initialization Initialization, string? DataDirectory, string OutPath);

    /// <summary>Calls back on the training thread, in order (unlike <see cref="Progress{T}"/>, which posts to the thread pool).</summary>
    private sealed class Reporter(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}

/// <summary>
/// The training options <c>train</c> and <c>sweep</c> share, so both read them the same way and mean the same by
/// them: everything in <see cref="TrainArguments"/> but the layers and the output file.
/// </summary>
internal sealed class TrainingCommandOptions(TrainArguments defaults)
{
    private readonly Option<int> epochs = new("--epochs") { Description = "Passes over the training set", DefaultValueFactory = _ => defaults.Epochs };
    private readonly Option<int> batchSize = new("--batch-size") { Description = "Examples per gradient step (m)", DefaultValueFactory = _ => defaults.BatchSize };
    private readonly Option<double> learningRate = new("--learning-rate") { Description = "η, the step size", DefaultValueFactory = _ => defaults.LearningRate };
    private readonly Option<double> learningRateDecay = new("--learning-rate-decay") { Description = "Multiply η by this after every epoch (1: constant)", DefaultValueFactory = _ => defaults.LearningRateDecay };
    private readonly Option<string> cost = new("--cost") { Description = "quadratic or cross-entropy", DefaultValueFactory = _ => defaults.Cost };
    private readonly Option<string> activation = new("--activation") { Description = "σ of the hidden layers: sigmoid, tanh or relu", DefaultValueFactory = _ => defaults.Activation };
    private readonly Option<string> outputActivation = new("--output-activation") { Description = "σ of the output layer: sigmoid, tanh or relu", DefaultValueFactory = _ => defaults.OutputActivation };
    private readonly Option<string> init = new("--init") { Description = "Starting weights: standard (N(0,1)) or scaled (N(0,1/fan-in))", DefaultValueFactory = _ => defaults.Initialization };
    private readonly Option<int> seed = new("--seed") { Description = "Seeds the starting weights and the shuffles", DefaultValueFactory = _ => defaults.Seed };
    private readonly Option<string?> data = new("--data") { Description = "Folder with the four MNIST .gz files [default: data/mnist, found upward from here]" };
    private readonly Option<bool> skipChecksums = new("--skip-checksums") { Description = "Do not check the data files against the MNIST SHA-256 hashes (for other data in the MNIST format)" };

    /// <summary>The options, in the order --help lists them.</summary>
    public IEnumerable<Option> All => [epochs, batchSize, learningRate, learningRateDecay, cost, activation, outputActivation, init, seed, data, skipChecksums];

    /// <summary>What the command line said, on top of the defaults (layers and output file left as they are).</summary>
    public TrainArguments Read(ParseResult parseResult) => defaults with
    {
        Epochs = parseResult.GetValue(epochs),
        BatchSize = parseResult.GetValue(batchSize),
        LearningRate = parseResult.GetValue(learningRate),
        LearningRateDecay = parseResult.GetValue(learningRateDecay),
        Cost = parseResult.GetValue(cost) ?? defaults.Cost,
        Activation = parseResult.GetValue(activation) ?? defaults.Activation,
        OutputActivation = parseResult.GetValue(outputActivation) ?? defaults.OutputActivation,
        Initialization = parseResult.GetValue(init) ?? defaults.Initialization,
        Seed = parseResult.GetValue(seed),
        DataDirectory = parseResult.GetValue(data),
        VerifyChecksums = !parseResult.GetValue(skipChecksums),
    };
}
