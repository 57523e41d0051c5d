using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using NeuralNetworks.Training;

namespace NeuralNetworks.Course;

/// <summary>
/// Shows a training run's progress while it trains, in one call: <c>options with { Progress = new LiveProgress() }</c>.
/// In a notebook it displays one block of text and rewrites it as the run goes (the current epoch and step, then one
/// line per finished epoch); anywhere else (a console, a test) it prints one line per finished epoch.
/// </summary>
/// <remarks>
/// The library does not reference the notebook kernel: it looks for the .NET Interactive kernel already loaded in the
/// process and uses its <c>KernelInvocationContextExtensions.Display(…)</c> and <c>DisplayedValue.Update(…)</c> when a cell
/// is running.
/// Within an epoch the display is rewritten at most every <see cref="MinimumInterval"/>.
/// </remarks>
public sealed class LiveProgress : IProgress<TrainingProgress>
{
    private readonly List<string> _epochLines = [];
    private readonly Stopwatch _sinceUpdate = new();
    private readonly Func<object?, Action<string>?> _display;
    private readonly TextWriter? _writer;
    private Action<string>? _update;
    private bool _started;

    /// <summary>Progress shown in the running notebook cell, or printed to the console outside a notebook.</summary>
    public LiveProgress() : this(KernelDisplay, null) { }

    /// <summary>Progress printed to <paramref name="writer"/>, one line per finished epoch (no live display).</summary>
    /// <param name="writer">Where the lines go.</param>
    public LiveProgress(TextWriter writer) : this(_ => null, writer ?? throw new ArgumentNullException(nameof(writer))) { }

    internal LiveProgress(Func<object?, Action<string>?> display, TextWriter? writer)
    {
        _display = display;
        _writer = writer;
    }

    /// <summary>The shortest time between two rewrites of the display within an epoch.</summary>
    public static TimeSpan MinimumInterval { get; } = TimeSpan.FromMilliseconds(250);

    /// <summary>One line per finished epoch so far, as displayed.</summary>
    public IReadOnlyList<string> EpochLines => _epochLines;

    /// <summary>Whether the progress is shown as a live notebook display (false: printed lines).</summary>
    public bool IsLive => _update is not null;

    /// <inheritdoc/>
    public void Report(TrainingProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var line = value.Completed is { } e ? Line(e, value.Epochs) : null;
        if (line is not null) _epochLines.Add(line);
        if (!_started)
        {
            _started = true;
            _update = _display(Text(value));
            _sinceUpdate.Start();
            if (_update is not null) return;   // the first display already shows this report
        }
        if (_update is null)
        {
            if (line is not null) (_writer ?? Console.Out).WriteLine(line);
        }
        else if (line is not null || _sinceUpdate.Elapsed >= MinimumInterval)
        {
            _update(Text(value));
            _sinceUpdate.Restart();
        }
    }

    /// <summary>"epoch 3/30: training cost 0.0412, validation accuracy 95.12%, test accuracy 95.03%, 0.35 s".</summary>
    internal static string Line(EpochRecord e, int epochs)
    {
        var line = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"epoch {e.Epoch.ToString(CultureInfo.InvariantCulture).PadLeft(epochs.ToString(CultureInfo.InvariantCulture).Length)}/{epochs}: training cost {e.TrainingCost:0.####}"));
        if (e.ValidationAccuracy is double v) line.Append(CultureInfo.InvariantCulture, $", validation accuracy {v:P2}");
        if (e.TestAccuracy is double t) line.Append(CultureInfo.InvariantCulture, $", test accuracy {t:P2}");
        line.Append(CultureInfo.InvariantCulture, $", {e.Seconds:0.00} s");
        return line.ToString();
    }

    private string Text(TrainingProgress p)
    {
        var now = p.Completed is null
            ? string.Create(CultureInfo.InvariantCulture, $"training: epoch {p.Epoch}/{p.Epochs}, step {p.Step:N0}/{p.StepsPerEpoch:N0}, mean cost this epoch {p.Cost:0.####}")
            : string.Create(CultureInfo.InvariantCulture, $"training: {p.Epoch} of {p.Epochs} epochs done");
        return _epochLines.Count == 0 ? now : now + "\n" + string.Join("\n", _epochLines);
    }

    /// <summary>
    /// Displays <paramref name="first"/> in the running notebook cell and returns how to rewrite it, or null when no
    /// .NET Interactive kernel is running a cell in this process.
    /// </summary>
    /// <remarks>
    /// Through <c>KernelInvocationContextExtensions.Display</c>, whose display and updates carry one display id. The
    /// notebook helper <c>Kernel.display</c> of the last kernel (1.0.0-beta.26120.1) gives its updates another id than its
    /// display, so no front end could match them: the project's runner appended the last update below a display stuck at
    /// its first state, and Jupyter dropped the updates.
    /// </remarks>
    private static Action<string>? KernelDisplay(object? first)
    {
        var interactive = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == "Microsoft.DotNet.Interactive");
        var contextType = interactive?.GetType("Microsoft.DotNet.Interactive.KernelInvocationContext");
        var extensions = interactive?.GetType("Microsoft.DotNet.Interactive.KernelInvocationContextExtensions");
        if (contextType?.GetProperty("Current", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is not { } context || extensions is null)
            return null;
        var display = extensions.GetMethod("Display", BindingFlags.Public | BindingFlags.Static, [contextType, typeof(object), typeof(string[])]);
        var shown = display?.Invoke(null, [context, first, new[] { "text/plain" }]);
        var update = shown?.GetType().GetMethod("Update", [typeof(object)]);
        if (shown is null || update is null) return null;
        return text => update.Invoke(shown, [text]);
    }
}
