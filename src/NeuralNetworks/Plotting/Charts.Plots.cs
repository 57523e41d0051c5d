using Plotly.NET;
using Plotly.NET.LayoutObjects;

namespace NeuralNetworks.Plotting;

// General-purpose plots the lessons on cost, gradient descent, backpropagation and experiments need
// (notebooks 06–10): curves, bars, histograms, labelled points and a contour map with descent paths.
// Same conventions as the rest of Charts: positive blue, negative red, numbers on hover.
public static partial class Charts
{
    /// <summary>One named line of points (x, y) for the Lines and Contour charts.</summary>
    /// <param name="Name">The legend entry.</param>
    /// <param name="X">x of each point.</param>
    /// <param name="Y">y of each point, as many as x.</param>
    /// <param name="Markers">Draw a dot at every point (e.g. each step of gradient descent).</param>
    public sealed record Series(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y, bool Markers = false);

    /// <summary>Several curves on one pair of axes, e.g. <c>Charts.Lines("f(w)", "w", "f", new("f", ws, fs))</c>.</summary>
    public static GenericChart Lines(string title, string xTitle, string yTitle, params Series[] series) =>
        Lines(title, xTitle, yTitle, logY: false, series);

    /// <summary>Several curves; with <paramref name="logY"/> the y axis is logarithmic.</summary>
    public static GenericChart Lines(string title, string xTitle, string yTitle, bool logY, params Series[] series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var traces = series.Select(SeriesTrace).ToArray();
        var chart = NewChart(title, 800, 440, traces);
        var layout = GenericChart.getLayout(chart);
        layout.SetProperty("xaxis", Make<LinearAxis>(("title", AxisTitle(xTitle))));
        layout.SetProperty("yaxis", Make<LinearAxis>(("title", AxisTitle(yTitle)), ("type", logY ? "log" : null)));
        return chart;
    }

    /// <summary>
    /// One bar per label, height <paramref name="values"/>[i]: blue when positive, red when negative
    /// (e.g. the nudge each output neuron wants).
    /// </summary>
    public static GenericChart Bars(IReadOnlyList<string> labels, IReadOnlyList<double> values, string title = "", string xTitle = "", string yTitle = "")
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(values);
        if (labels.Count != values.Count) throw new ArgumentException($"{labels.Count} labels but {values.Count} values.", nameof(values));
        var trace = NewTrace("bar", ("x", labels.ToArray()), ("y", values.ToArray()),
            ("marker", Obj(("color", values.Select(v => v < 0 ? Negative : Positive).ToArray()))),
            ("hovertemplate", "%{x}: %{y:.4g}<extra></extra>"));
        var chart = NewChart(title, 800, 400, trace);
        var layout = GenericChart.getLayout(chart);
        layout.SetProperty("xaxis", Make<LinearAxis>(("title", AxisTitle(xTitle)), ("type", "category")));
        layout.SetProperty("yaxis", Make<LinearAxis>(("title", AxisTitle(yTitle)), ("zeroline", true)));
        return chart;
    }

    /// <summary>How a list of numbers is distributed: a histogram with about <paramref name="bins"/> bars.</summary>
    public static GenericChart Histogram(IEnumerable<double> values, string title = "", string xTitle = "", int bins = 40)
    {
        ArgumentNullException.ThrowIfNull(values);
        var trace = NewTrace("histogram", ("x", values.ToArray()), ("nbinsx", bins),
            ("marker", Obj(("color", Positive))),
            ("hovertemplate", "%{x}: %{y} examples<extra></extra>"));
        var chart = NewChart(title, 800, 400, trace);
        var layout = GenericChart.getLayout(chart);
        layout.SetProperty("xaxis", Make<LinearAxis>(("title", AxisTitle(xTitle))));
        layout.SetProperty("yaxis", Make<LinearAxis>(("title", AxisTitle("count"))));
        return chart;
    }

    /// <summary>Labelled points, e.g. each architecture at (parameters, accuracy); <paramref name="logX"/> makes x logarithmic.</summary>
    public static GenericChart Points(IReadOnlyList<string> labels, IReadOnlyList<double> x, IReadOnlyList<double> y,
        string title = "", string xTitle = "", string yTitle = "", bool logX = false)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != x.Count || x.Count != y.Count) throw new ArgumentException("labels, x and y need the same length.");
        var trace = NewTrace("scatter", ("mode", "markers+text"), ("x", x.ToArray()), ("y", y.ToArray()), ("text", labels.ToArray()),
            ("textposition", "top center"), ("marker", Obj(("size", 10), ("color", Positive))),
            ("hovertemplate", "%{text}<br>%{x:,}, %{y:.4g}<extra></extra>"));
        var chart = NewChart(title, 800, 460, trace);
        var layout = GenericChart.getLayout(chart);
        layout.SetProperty("xaxis", Make<LinearAxis>(("title", AxisTitle(xTitle)), ("type", logX ? "log" : null)));
        layout.SetProperty("yaxis", Make<LinearAxis>(("title", AxisTitle(yTitle))));
        return chart;
    }

    /// <summary>
    /// A function of two variables f(x, y) as contour lines over [xMin, xMax] × [yMin, yMax], with paths drawn on top
    /// (e.g. the points gradient descent visits).
    /// </summary>
    public static GenericChart Contour(Func<double, double, double> f, double xMin, double xMax, double yMin, double yMax,
        string title = "", string xTitle = "x", string yTitle = "y", params Series[] paths)
    {
        ArgumentNullException.ThrowIfNull(f);
        const int n = 81;
        var xs = Enumerable.Range(0, n).Select(i => xMin + (xMax - xMin) * i / (n - 1)).ToArray();
        var ys = Enumerable.Range(0, n).Select(i => yMin + (yMax - yMin) * i / (n - 1)).ToArray();
        var z = ys.Select(y => xs.Select(x => f(x, y)).ToArray()).ToArray();
        var contour = NewTrace("contour", ("x", xs), ("y", ys), ("z", z), ("ncontours", 25),
            ("colorscale", new object[][] { [0.0, "rgb(247,251,255)"], [1.0, "rgb(158,202,225)"] }),
            ("contours", Obj(("coloring", "fill"), ("showlines", true))),
            ("showscale", false), ("name", "f"),
            ("hovertemplate", "x %{x:.3f}, y %{y:.3f}: f = %{z:.4g}<extra></extra>"));
        var traces = new[] { contour }.Concat(paths.Select(SeriesTrace)).ToArray();
        var chart = NewChart(title, 760, 620, traces);
        var layout = GenericChart.getLayout(chart);
        layout.SetProperty("xaxis", Make<LinearAxis>(("title", AxisTitle(xTitle)), ("range", new[] { xMin, xMax })));
        layout.SetProperty("yaxis", Make<LinearAxis>(("title", AxisTitle(yTitle)), ("range", new[] { yMin, yMax })));
        layout.SetProperty("showlegend", paths.Length > 0);
        return chart;
    }

    private static Trace SeriesTrace(Series s)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (s.X.Count != s.Y.Count) throw new ArgumentException($"'{s.Name}' has {s.X.Count} x values but {s.Y.Count} y values.");
        return NewTrace("scatter", ("name", s.Name), ("mode", s.Markers ? "lines+markers" : "lines"),
            ("x", s.X.ToArray()), ("y", s.Y.ToArray()),
            ("hovertemplate", $"{Escape(s.Name)}<br>%{{x:.4g}}, %{{y:.4g}}<extra></extra>"));
    }
}
