using System.Globalization;
using Spectre.Console;
using NeuralNetworks.Model;
using NeuralNetworks.Data;
using NeuralNetworks.Training;

namespace NeuralNetworks.Cli;

/// <summary>How <c>train</c> shows a run: a live progress bar on a terminal or one plain line per epoch, then a table of the epochs.</summary>
internal static class TrainingReport
{
    /// <summary>Trains with progress shown live or as plain lines.</summary>
    public static TrainingResult Train(TextWriter output, bool live, IAnsiConsole console, Network network, DataSet training, TrainingOptions options) =>
        live ? TrainLive(console, network, training, options) : TrainPlain(output, network, training, options);

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
        // No reports within an epoch: these lines do not show them, and each one makes the evaluation of the epoch before,
        // running on the other core meanwhile, finish first (at batch 10 the main thread waited 1 ms an epoch for it).
        return Trainer.Train(network, training, options with { Progress = progress, ProgressEverySteps = 0 });
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

    /// <summary>The table of the epochs printed after training.</summary>
    public static Table EpochTable(TrainingHistory history) => EpochTable(history.Epochs);

    /// <summary>
    /// Draws a table like the one printed after training into a console that writes nowhere, with the settings of a
    /// <paramref name="live"/> console or a plain one: the first table of a process takes about 0.1 s to compile (measured:
    /// 90–110 ms for the first, 5–8 ms for a second one), which <c>train</c> spends on the other core while it trains.
    /// </summary>
    public static void CompileEpochTable(bool live) =>
        CreateConsole(TextWriter.Null, live).Write(EpochTable([new EpochRecord(1, 0.5, 0.5, 0.5, 0.5)]));

    private static Table EpochTable(IEnumerable<EpochRecord> epochs)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("Epoch").RightAligned())
            .AddColumn(new TableColumn("Training cost").RightAligned())
            .AddColumn(new TableColumn("Test cost").RightAligned())
            .AddColumn(new TableColumn("Test accuracy").RightAligned())
            .AddColumn(new TableColumn("Seconds").RightAligned());
        foreach (var e in epochs)
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
    public static bool IsInteractive(TextWriter output)
    {
        if (!ReferenceEquals(output, Console.Out) || Console.IsOutputRedirected) return false;
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)) return false;
        if (string.Equals(Environment.GetEnvironmentVariable("TERM"), "dumb", StringComparison.Ordinal)) return false;
        return AnsiConsole.Profile.Capabilities.Interactive;
    }

    /// <summary>A Spectre console on <paramref name="output"/>: colours and live redraws only when <paramref name="live"/>.</summary>
    public static IAnsiConsole CreateConsole(TextWriter output, bool live)
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
    public static string Percent(double fraction) => (100 * fraction).ToString("0.00", CultureInfo.InvariantCulture) + "%";

    /// <summary>Calls back on the training thread, in order (unlike <see cref="Progress{T}"/>, which posts to the thread pool).</summary>
    private sealed class Reporter(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
