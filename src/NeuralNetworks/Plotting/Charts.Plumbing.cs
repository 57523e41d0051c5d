using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Model;
using Plotly.NET;
using Plotly.NET.LayoutObjects;

namespace NeuralNetworks.Plotting;

// The small vocabulary the charts are built from: colours, traces, one-panel and many-panel layouts.
// Plotly figures are JSON: a list of traces ("data") and a "layout". Plotly.NET holds both as dynamic
// objects, so a property is set by its plotly.js name, e.g. trace.SetProperty("zmid", 0.0).
public static partial class Charts
{
    /// <summary>Positive numbers: blue.</summary>
    internal const string Positive = "rgb(33,102,172)";

    /// <summary>Negative numbers: red.</summary>
    internal const string Negative = "rgb(178,24,43)";

    /// <summary>The highlight of a network's answer.</summary>
    internal const string Highlight = "rgb(255,170,0)";

    /// <summary>Red (negative) → white (0) → blue (positive); used with zmid = 0 so white is exactly zero.</summary>
    internal static readonly object[][] Diverging =
    [
        [0.0, Negative], [0.25, "rgb(239,138,98)"], [0.5, "rgb(255,255,255)"], [0.75, "rgb(103,169,207)"], [1.0, Positive],
    ];

    /// <summary>0 black → 1 white, for pixels and activations.</summary>
    internal static readonly object[][] Grey = [[0.0, "rgb(0,0,0)"], [1.0, "rgb(255,255,255)"]];

    /// <summary>White → dark blue, for counts.</summary>
    internal static readonly object[][] Counts = [[0.0, "rgb(255,255,255)"], [1.0, "rgb(8,48,107)"]];

    /// <summary>A panel of a grid: its title and traces; images get square cells and no tick labels.</summary>
    internal sealed record Panel(string Title, IReadOnlyList<Trace> Traces, bool Image = true, string? TitleColor = null,
        string? XTitle = null, string? YTitle = null);

    /// <summary>A Plotly object (layout, axis, annotation, …) with the given properties; null values are left out.</summary>
    internal static T Make<T>(params (string Name, object? Value)[] properties) where T : DynamicObj.DynamicObj, new()
    {
        var result = new T();
        foreach (var (name, value) in properties)
            if (value is not null) result.SetProperty(name, value);
        return result;
    }

    /// <summary>A nested plain object such as a marker, a line style or an animation frame; null values are left out.</summary>
    /// <remarks>A dictionary rather than a DynamicObj: Plotly.NET serialises nested DynamicObjs holding large arrays
    /// very slowly (seconds for one animation), dictionaries as fast as any JSON.</remarks>
    internal static Dictionary<string, object> Obj(params (string Name, object? Value)[] properties) =>
        properties.Where(p => p.Value is not null).ToDictionary(p => p.Name, p => p.Value!);

    /// <summary>A trace of the given plotly.js type ("heatmap", "scatter", "bar", …) with the given properties.</summary>
    internal static Trace NewTrace(string type, params (string Name, object? Value)[] properties)
    {
        var trace = new Trace2D(type);
        foreach (var (name, value) in properties)
            if (value is not null) trace.SetProperty(name, value);
        return trace;
    }

    /// <summary>A heatmap of z (z[0] is the top row once the y axis is reversed) with a hover text showing the numbers.</summary>
    internal static Trace HeatmapTrace(double[][] z, object[][] colorscale, double? zmin, double? zmax, double? zmid, string hover,
        bool showScale, string? colorbarTitle = null) =>
        NewTrace("heatmap",
            ("z", z),
            ("colorscale", colorscale),
            ("zmin", zmin), ("zmax", zmax), ("zmid", zmid),
            ("zauto", zmin is null && zmax is null ? null : false),
            ("hovertemplate", hover + "<extra></extra>"),
            ("showscale", showScale),
            ("colorbar", colorbarTitle is null ? null : Obj(("title", Obj(("text", colorbarTitle))), ("thickness", 14))));

    /// <summary>A chart of the given traces, with a title and a size in pixels.</summary>
    /// <remarks>
    /// Plotly.NET's default template is left out (useDefaults: false): serialising it costs about a second per chart,
    /// whatever the chart holds, and plotly.js's own defaults look the same for these charts.
    /// </remarks>
    internal static GenericChart NewChart(string title, int width, int height, params Trace[] traces)
    {
        var chart = GenericChart.ofTraceObjects(false, traces);
        var layout = GenericChart.getLayout(chart);
        layout.SetProperty("title", Obj(("text", title), ("x", 0.02), ("xanchor", "left")));
        layout.SetProperty("width", width);
        layout.SetProperty("height", height);
        layout.SetProperty("showlegend", traces.Length > 1);
        layout.SetProperty("plot_bgcolor", "white");
        layout.SetProperty("font", Obj(("family", "Arial, sans-serif"), ("size", 13)));
        return chart;
    }

    /// <summary>
    /// Panels laid out in a grid, left to right then top to bottom, each with its own x and y axes (x, x2, x3, …).
    /// Every panel has row 0 on top (y reversed); image panels also have square cells and no tick labels.
    /// </summary>
    internal static GenericChart Grid(IReadOnlyList<Panel> panels, int columns, string title, int width, int height,
        double gapX = 0.04, double gapY = 0.1)
    {
        int rows = Math.Max(1, (panels.Count + columns - 1) / columns);
        var traces = new List<Trace>();
        var axes = new List<(string Name, LinearAxis Axis)>();
        var annotations = new List<Annotation>();
        for (int p = 0; p < panels.Count; p++)
        {
            var panel = panels[p];
            int row = p / columns, column = p % columns;
            string n = p == 0 ? "" : (p + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            double cellWidth = 1.0 / columns, cellHeight = 1.0 / rows;
            double[] xDomain = [column * cellWidth + gapX * cellWidth / 2, (column + 1) * cellWidth - gapX * cellWidth / 2];
            double[] yDomain = [1 - (row + 1) * cellHeight + gapY * cellHeight / 2, 1 - row * cellHeight - gapY * cellHeight / 2];
            foreach (var trace in panel.Traces)
            {
                trace.SetProperty("xaxis", "x" + n);
                trace.SetProperty("yaxis", "y" + n);
                traces.Add(trace);
            }
            axes.Add(("xaxis" + n, Make<LinearAxis>(("domain", xDomain), ("anchor", "y" + n),
                ("showticklabels", !panel.Image), ("ticks", panel.Image ? "" : null), ("showgrid", false), ("zeroline", false),
                ("title", panel.XTitle is null ? null : AxisTitle(panel.XTitle)), ("constrain", panel.Image ? "domain" : null))));
            axes.Add(("yaxis" + n, Make<LinearAxis>(("domain", yDomain), ("anchor", "x" + n), ("autorange", "reversed"),
                ("showticklabels", !panel.Image), ("ticks", panel.Image ? "" : null), ("showgrid", false), ("zeroline", false),
                ("title", panel.YTitle is null ? null : AxisTitle(panel.YTitle)),
                ("scaleanchor", panel.Image ? "x" + n : null), ("constrain", panel.Image ? "domain" : null))));
            if (panel.Title.Length > 0)
                annotations.Add(Make<Annotation>(("text", panel.Title), ("showarrow", false),
                    ("xref", "paper"), ("yref", "paper"), ("x", (xDomain[0] + xDomain[1]) / 2), ("y", yDomain[1]),
                    ("xanchor", "center"), ("yanchor", "bottom"),
                    ("font", Obj(("size", 13), ("color", panel.TitleColor ?? "rgb(40,40,40)")))));
        }
        var chart = NewChart(title, width, height, traces.ToArray());
        var layout = GenericChart.getLayout(chart);
        foreach (var (name, axis) in axes) layout.SetProperty(name, axis);
        layout.SetProperty("annotations", annotations.ToArray());
        layout.SetProperty("showlegend", false);
        layout.SetProperty("margin", Obj(("l", 40), ("r", 40), ("t", 70), ("b", 30)));
        return chart;
    }

    /// <summary>
    /// The y axes of the first <paramref name="panels"/> panels of a <see cref="Grid"/>, turned from a matrix's (row 0 on
    /// top) into a graph's: y grows upwards, and both axes of each panel have grid lines. The caller sets the range.
    /// </summary>
    internal static LinearAxis[] GraphAxes(GenericChart chart, int panels)
    {
        var layout = GenericChart.getLayout(chart);
        var ys = new LinearAxis[panels];
        for (int p = 0; p < panels; p++)
        {
            string n = p == 0 ? "" : (p + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            ys[p] = (LinearAxis)layout.TryGetPropertyValue("yaxis" + n).Value;
            ys[p].RemoveProperty("autorange");
            ys[p].SetProperty("showgrid", true);
            ((LinearAxis)layout.TryGetPropertyValue("xaxis" + n).Value).SetProperty("showgrid", true);
        }
        return ys;
    }

    /// <summary>An axis title object.</summary>
    internal static Title AxisTitle(string text) => Make<Title>(("text", text));

    /// <summary>The rows of a matrix as arrays: what a heatmap's z holds (z[j][k] = M[j, k]).</summary>
    internal static double[][] Rows(Matrix<double> m) =>
        Enumerable.Range(0, m.RowCount).Select(j => m.Row(j).ToArray()).ToArray();

    /// <summary>A vector of rows·columns pixels, stored row by row, as rows of an image.</summary>
    internal static double[][] ToImage(Vector<double> v, int rows, int columns) =>
        Enumerable.Range(0, rows).Select(r => Enumerable.Range(0, columns).Select(c => v[r * columns + c]).ToArray()).ToArray();

    /// <summary>The largest |entry| (1 for an all-zero matrix, so a colour range is never empty).</summary>
    internal static double MaxAbs(Matrix<double> m)
    {
        double max = m.Enumerate().Select(Math.Abs).DefaultIfEmpty(0).Max();
        return max > 0 && double.IsFinite(max) ? max : 1;
    }

    /// <summary>n inputs seen as an image: s×s when n is a square (28×28 for 784), else one row of n.</summary>
    internal static (int Rows, int Columns) ImageShape(int n)
    {
        int s = (int)Math.Round(Math.Sqrt(n));
        return s * s == n ? (s, s) : (1, n);
    }

    /// <summary>Superscript digits: 1 → ¹, for W¹, δ², …</summary>
    internal static string Sup(int n) => Notation.Superscript(n);

    /// <summary>The text of a chart's title, if it has one.</summary>
    internal static string? TitleOf(GenericChart chart)
    {
        var layout = GenericChart.getLayout(chart);
        var title = layout.TryGetPropertyValue("title");
        if (title is null) return null;
        return title.Value switch
        {
            DynamicObj.DynamicObj o => o.TryGetPropertyValue("text") is { } text ? text.Value as string : null,
            IDictionary<string, object> d => d.TryGetValue("text", out var text) ? text as string : null,
            string s => s,
            _ => null,
        };
    }
}
