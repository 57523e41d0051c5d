using Plotly.NET;
using Plotly.NET.LayoutObjects;

namespace NeuralNetworks.Plotting;

// The pictures of notebooks 10–11: plots side by side (one neuron's cost under two costs), the same contour map once
// per descent path (plain gradient descent beside momentum), and curves against a learning rate on a log axis.
public static partial class Charts
{
    /// <summary>One plot of <see cref="SideBySide"/>: its title, axis titles and curves.</summary>
    /// <param name="Title">Shown above the plot.</param>
    /// <param name="XTitle">The x axis title.</param>
    /// <param name="YTitle">The y axis title.</param>
    /// <param name="Series">The curves drawn in it.</param>
    /// <param name="LogY">A logarithmic y axis.</param>
    public sealed record Plot(string Title, string XTitle, string YTitle, IReadOnlyList<Series> Series, bool LogY = false);

    /// <summary>
    /// Plots next to each other, each with its own axes, e.g. one neuron's quadratic cost over the steps beside its
    /// cross-entropy cost: <c>Charts.SideBySide("…", new("quadratic", "step", "C", [quadratic]), new("cross-entropy", "step", "C", [crossEntropy]))</c>.
    /// </summary>
    public static GenericChart SideBySide(string title, params Plot[] plots)
    {
        ArgumentNullException.ThrowIfNull(plots);
        if (plots.Length == 0) throw new ArgumentException("Side by side needs at least one plot.", nameof(plots));
        var traces = new List<Trace>();
        var axes = new List<(string Name, LinearAxis Axis)>();
        var annotations = new List<Annotation>();
        for (int p = 0; p < plots.Length; p++)
        {
            var plot = plots[p];
            var (n, xDomain) = PanelDomain(p, plots.Length, gap: 0.14);
            foreach (var s in plot.Series)
            {
                var trace = SeriesTrace(s);
                trace.SetProperty("xaxis", "x" + n);
                trace.SetProperty("yaxis", "y" + n);
                traces.Add(trace);
            }
            axes.Add(("xaxis" + n, Make<LinearAxis>(("domain", xDomain), ("anchor", "y" + n), ("title", AxisTitle(plot.XTitle)))));
            axes.Add(("yaxis" + n, Make<LinearAxis>(("domain", new[] { 0.0, 0.88 }), ("anchor", "x" + n), ("title", AxisTitle(plot.YTitle)),
                ("type", plot.LogY ? "log" : null))));
            annotations.Add(PanelTitle(plot.Title, xDomain));
        }
        var chart = NewChart(title, Math.Max(460, 460 * plots.Length), 440, traces.ToArray());
        var layout = GenericChart.getLayout(chart);
        foreach (var (name, axis) in axes) layout.SetProperty(name, axis);
        layout.SetProperty("annotations", annotations.ToArray());
        layout.SetProperty("showlegend", traces.Count > plots.Length);
        layout.SetProperty("legend", Obj(("orientation", "h"), ("x", 0.5), ("xanchor", "center"), ("y", -0.18)));
        return chart;
    }

    /// <summary>
    /// The same contour map of f(x, y) once per path, side by side, each titled with its path's name: e.g. plain gradient
    /// descent beside momentum on one bowl. Points outside the map (a diverging path) are simply not seen.
    /// </summary>
    public static GenericChart ContourPaths(Func<double, double, double> f, double xMin, double xMax, double yMin, double yMax,
        string title, string xTitle, string yTitle, params Series[] paths)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Length == 0) throw new ArgumentException("Give at least one path.", nameof(paths));
        const int n = 61;
        var xs = Enumerable.Range(0, n).Select(i => xMin + (xMax - xMin) * i / (n - 1)).ToArray();
        var ys = Enumerable.Range(0, n).Select(i => yMin + (yMax - yMin) * i / (n - 1)).ToArray();
        var z = ys.Select(y => xs.Select(x => f(x, y)).ToArray()).ToArray();
        var traces = new List<Trace>();
        var axes = new List<(string Name, LinearAxis Axis)>();
        var annotations = new List<Annotation>();
        for (int p = 0; p < paths.Length; p++)
        {
            var (suffix, xDomain) = PanelDomain(p, paths.Length, gap: 0.07);
            var contour = NewTrace("contour", ("x", xs), ("y", ys), ("z", z), ("ncontours", 25),
                ("colorscale", new object[][] { [0.0, "rgb(247,251,255)"], [1.0, "rgb(158,202,225)"] }),
                ("contours", Obj(("coloring", "fill"), ("showlines", true))), ("showscale", false), ("name", "f"),
                ("hovertemplate", "x %{x:.3f}, y %{y:.3f}: f = %{z:.4g}<extra></extra>"),
                ("xaxis", "x" + suffix), ("yaxis", "y" + suffix));
            var path = SeriesTrace(paths[p]);
            path.SetProperty("xaxis", "x" + suffix);
            path.SetProperty("yaxis", "y" + suffix);
            path.SetProperty("line", Obj(("color", Negative)));
            path.SetProperty("marker", Obj(("color", Negative), ("size", 5)));
            traces.Add(contour);
            traces.Add(path);
            axes.Add(("xaxis" + suffix, Make<LinearAxis>(("domain", xDomain), ("anchor", "y" + suffix), ("title", AxisTitle(xTitle)),
                ("range", new[] { xMin, xMax }))));
            axes.Add(("yaxis" + suffix, Make<LinearAxis>(("domain", new[] { 0.0, 0.86 }), ("anchor", "x" + suffix),
                ("title", p == 0 ? AxisTitle(yTitle) : null), ("range", new[] { yMin, yMax }))));
            annotations.Add(PanelTitle(paths[p].Name, xDomain));
        }
        var chart = NewChart(title, Math.Max(420, 400 * paths.Length), 420, traces.ToArray());
        var layout = GenericChart.getLayout(chart);
        foreach (var (name, axis) in axes) layout.SetProperty(name, axis);
        layout.SetProperty("annotations", annotations.ToArray());
        layout.SetProperty("showlegend", false);
        return chart;
    }

    /// <summary>Several curves on a logarithmic x axis, e.g. validation accuracy against the learning rate η; the x
    /// values of the curves are the axis's ticks.</summary>
    public static GenericChart LinesLogX(string title, string xTitle, string yTitle, params Series[] series) =>
        LinesLogX(title, xTitle, yTitle, null, series);

    /// <summary>Several curves on a logarithmic x axis, showing only y in <paramref name="yRange"/> (a point outside it,
    /// e.g. a run that collapsed, is drawn as a line leaving the chart).</summary>
    public static GenericChart LinesLogX(string title, string xTitle, string yTitle, (double Min, double Max)? yRange, params Series[] series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var chart = NewChart(title, 800, 440, series.Select(SeriesTrace).ToArray());
        var ticks = series.SelectMany(s => s.X).Distinct().Order().ToArray();
        var layout = GenericChart.getLayout(chart);
        layout.SetProperty("xaxis", Make<LinearAxis>(("title", AxisTitle(xTitle)), ("type", "log"), ("tickvals", ticks),
            ("ticktext", ticks.Select(t => t.ToString("g4", System.Globalization.CultureInfo.InvariantCulture)).ToArray())));
        layout.SetProperty("yaxis", Make<LinearAxis>(("title", AxisTitle(yTitle)),
            ("range", yRange is { } r ? new[] { r.Min, r.Max } : null)));
        return chart;
    }

    /// <summary>The axis suffix ("", "2", "3", …) and horizontal domain of panel <paramref name="p"/> of <paramref name="count"/>.</summary>
    private static (string Suffix, double[] Domain) PanelDomain(int p, int count, double gap)
    {
        double width = (1 - gap * (count - 1)) / count;
        double start = p * (width + gap);
        return (p == 0 ? "" : (p + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), [start, start + width]);
    }

    /// <summary>A title centred above a panel.</summary>
    private static Annotation PanelTitle(string text, double[] xDomain) =>
        Make<Annotation>(("text", text), ("showarrow", false), ("xref", "paper"), ("yref", "paper"),
            ("x", (xDomain[0] + xDomain[1]) / 2), ("y", 0.9), ("xanchor", "center"), ("yanchor", "bottom"),
            ("font", Obj(("size", 13), ("color", "rgb(40,40,40)"))));
}
