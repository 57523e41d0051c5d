using NeuralNetworks.Training;
using Plotly.NET;
using Plotly.NET.LayoutObjects;

namespace NeuralNetworks.Plotting;

public static partial class Charts
{
    /// <summary>
    /// A training run epoch by epoch: the training cost and (with test data) the test cost on the left axis,
    /// the test accuracy on the right axis.
    /// </summary>
    public static GenericChart History(TrainingHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var epochs = history.Epochs.Select(e => e.Epoch).ToArray();
        var traces = new List<Trace>
        {
            LineTrace("training cost", epochs, history.Epochs.Select(e => e.TrainingCost).ToArray(), Negative,
                "epoch %{x}: training cost %{y:.4f}"),
        };
        bool hasTest = history.Epochs.All(e => e.TestCost is not null);
        if (hasTest)
        {
            var testCost = LineTrace("test cost", epochs, history.Epochs.Select(e => e.TestCost!.Value).ToArray(), Negative,
                "epoch %{x}: test cost %{y:.4f}");
            testCost.SetProperty("line", Obj(("color", Negative), ("dash", "dash")));
            traces.Add(testCost);
        }
        bool hasAccuracy = history.Epochs.All(e => e.TestAccuracy is not null);
        if (hasAccuracy)
        {
            var accuracy = LineTrace("test accuracy", epochs, history.Epochs.Select(e => e.TestAccuracy!.Value).ToArray(), Positive,
                "epoch %{x}: test accuracy %{y:.2%}");
            accuracy.SetProperty("yaxis", "y2");
            traces.Add(accuracy);
        }
        var chart = NewChart($"Training: {history.Label}", 800, 440, traces.ToArray());
        var layout = GenericChart.getLayout(chart);
        layout.SetProperty("xaxis", Make<LinearAxis>(("title", AxisTitle("epoch")), ("dtick", epochs.Length <= 30 ? 1 : null)));
        layout.SetProperty("yaxis", Make<LinearAxis>(("title", AxisTitle("cost C")), ("rangemode", "tozero"), ("color", Negative)));
        if (hasAccuracy)
            layout.SetProperty("yaxis2", Make<LinearAxis>(("title", AxisTitle("test accuracy")), ("overlaying", "y"), ("side", "right"),
                ("tickformat", ".0%"), ("showgrid", false), ("color", Positive)));
        layout.SetProperty("legend", Obj(("x", 0.5), ("xanchor", "center"), ("y", -0.2), ("orientation", "h")));
        layout.SetProperty("showlegend", true);
        return chart;
    }

    /// <summary>
    /// The cost of every mini-batch step (faint) and its moving average over <paramref name="window"/> steps (bold):
    /// the noisy descent of stochastic gradient descent.
    /// </summary>
    /// <exception cref="ArgumentException">The history has no step costs (train with RecordStepCosts = true).</exception>
    public static GenericChart StepCosts(TrainingHistory history, int window = 100)
    {
        ArgumentNullException.ThrowIfNull(history);
        var costs = history.StepCosts;
        if (costs is null || costs.Count == 0)
            throw new ArgumentException("This history has no step costs: train with RecordStepCosts = true.", nameof(history));
        if (window < 1) throw new ArgumentOutOfRangeException(nameof(window), window, "The moving average needs a window of at least 1 step.");
        window = Math.Min(window, costs.Count);
        var steps = Enumerable.Range(1, costs.Count).ToArray();
        var average = MovingAverage(costs, window);
        // WebGL ("scattergl") keeps 100,000s of points fast.
        var raw = NewTrace("scattergl", ("name", "cost of each step"), ("mode", "lines"),
            ("x", steps), ("y", costs.ToArray()),
            ("line", Obj(("color", "rgba(178,24,43,0.25)"), ("width", 1))),
            ("hovertemplate", "step %{x}: cost %{y:.4f}<extra></extra>"));
        var smooth = NewTrace("scattergl", ("name", $"moving average of {window} steps"), ("mode", "lines"),
            ("x", steps), ("y", average),
            ("line", Obj(("color", Negative), ("width", 2.5))),
            ("hovertemplate", $"step %{{x}}: mean of last {window} = %{{y:.4f}}<extra></extra>"));
        var chart = NewChart($"Cost per step: {history.Label}", 800, 420, raw, smooth);
        var layout = GenericChart.getLayout(chart);
        layout.SetProperty("xaxis", Make<LinearAxis>(("title", AxisTitle("step (one mini-batch)"))));
        layout.SetProperty("yaxis", Make<LinearAxis>(("title", AxisTitle("cost C")), ("rangemode", "tozero")));
        return chart;
    }

    /// <summary>Mean of the last (up to) <paramref name="window"/> values at each position.</summary>
    internal static double[] MovingAverage(IReadOnlyList<double> values, int window)
    {
        var result = new double[values.Count];
        double sum = 0;
        for (int i = 0; i < values.Count; i++)
        {
            sum += values[i];
            if (i >= window) sum -= values[i - window];
            result[i] = sum / Math.Min(i + 1, window);
        }
        return result;
    }

    /// <summary>
    /// Several runs side by side, one line per history labelled by <see cref="TrainingHistory.Label"/>.
    /// <paramref name="metric"/>: "accuracy" (test accuracy), "test cost", "validation accuracy", "validation cost",
    /// "cost" (training cost) or "seconds".
    /// </summary>
    public static GenericChart Compare(IEnumerable<TrainingHistory> histories, string metric = "accuracy")
    {
        ArgumentNullException.ThrowIfNull(histories);
        var (axisTitle, value, format) = (metric ?? "").Trim().ToLowerInvariant() switch
        {
            "accuracy" or "test accuracy" => ("test accuracy", (Func<EpochRecord, double?>)(e => e.TestAccuracy), ".2%"),
            "validation accuracy" => ("validation accuracy", e => e.ValidationAccuracy, ".2%"),
            "validation cost" => ("validation cost", e => e.ValidationCost, ".4f"),
            "test cost" => ("test cost", e => e.TestCost, ".4f"),
            "cost" or "training cost" => ("training cost", e => e.TrainingCost, ".4f"),
            "seconds" => ("seconds per epoch", e => e.Seconds, ".2f"),
            _ => throw new ArgumentException($"Unknown metric '{metric}': choose accuracy, test cost, validation accuracy, validation cost, cost or seconds.", nameof(metric)),
        };
        var traces = histories.Select(h =>
        {
            var epochs = h.Epochs.Where(e => value(e) is not null).ToArray();
            if (epochs.Length == 0)
                throw new ArgumentException($"'{h.Label}' has no {axisTitle}" + (metric == "cost" ? "." : axisTitle.StartsWith("validation", StringComparison.Ordinal)
                    ? ": train with ValidationData to measure it." : ": train with TestData to measure it."), nameof(histories));
            return LineTrace(h.Label, epochs.Select(e => e.Epoch).ToArray(), epochs.Select(e => value(e)!.Value).ToArray(), null,
                $"{Escape(h.Label)}<br>epoch %{{x}}: {axisTitle} %{{y:{format}}}");
        }).ToArray();
        var title = axisTitle.EndsWith(" per epoch", StringComparison.Ordinal) ? axisTitle : $"{axisTitle} per epoch";   // not "seconds per epoch per epoch"
        var chart = NewChart($"{char.ToUpperInvariant(title[0])}{title[1..]}", 800, 460, traces);
        var layout = GenericChart.getLayout(chart);
        layout.SetProperty("xaxis", Make<LinearAxis>(("title", AxisTitle("epoch"))));
        layout.SetProperty("yaxis", Make<LinearAxis>(("title", AxisTitle(axisTitle)), ("tickformat", format == ".2%" ? ".0%" : null)));
        layout.SetProperty("showlegend", true);
        return chart;
    }

    /// <summary>A line with markers and a hover text; colour null lets Plotly pick one per trace.</summary>
    private static Trace LineTrace(string name, int[] x, double[] y, string? color, string hover) =>
        NewTrace("scatter", ("name", name), ("mode", "lines+markers"), ("x", x), ("y", y),
            ("line", color is null ? null : Obj(("color", color))),
            ("marker", color is null ? null : Obj(("color", color))),
            ("hovertemplate", hover + "<extra></extra>"));

    /// <summary>An object serialised once, ahead of time: a frame appears twice in the figure (slider step and play
    /// button) and Plotly.NET's own serialiser is slow on large nested arrays.</summary>
    private static Newtonsoft.Json.Linq.JRaw Json(object value) => new(Newtonsoft.Json.JsonConvert.SerializeObject(value));

    /// <summary>A label as literal text inside a hovertemplate (which treats %{…} as a placeholder).</summary>
    private static string Escape(string text) => text.Replace("%{", "%\u200B{", StringComparison.Ordinal);
}
