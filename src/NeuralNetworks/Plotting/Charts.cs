using System.Globalization;
using System.Text;
using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Data;
using NeuralNetworks.Model;
using NeuralNetworks.Training;
using Plotly.NET;
using Plotly.NET.LayoutObjects;

namespace NeuralNetworks.Plotting;

/// <summary>
/// Every chart of the course as a one-line call, e.g. <c>Charts.Digit(image)</c> or <c>Charts.WeightImages(network)</c>.
/// Each returns a Plotly.NET <see cref="GenericChart"/> that a notebook displays and <see cref="SaveHtml"/> writes.
/// </summary>
/// <remarks>
/// Conventions, the same in every chart:
/// <list type="bullet">
/// <item>Signed numbers (weights, z, δ, gradients) use one diverging scale centred on zero: <b>positive blue,
/// negative red, 0 white</b> (zmid = 0).</item>
/// <item>Activations and pixels use grey: 0 black, 1 white, as in 3Blue1Brown's videos (<see cref="ActivationHeatmap"/>
/// for any matrix of them; <see cref="Heatmap"/> is for signed numbers).</item>
/// <item>Curves that are not signed values (σ, tanh, ReLU; training curves) are told apart by colour only.</item>
/// <item>Matrices and images have row 0 on top (the y axis is reversed), as they are written on paper.</item>
/// <item>Hovering shows the numbers behind every cell, circle and point.</item>
/// </list>
/// Heatmaps and grids are built from Plotly trace and layout objects (see Charts.Plumbing.cs) because they need
/// attributes (zmid, hovertemplate, texttemplate, per-panel axes, animation frames) that the typed C# API does not expose.
/// </remarks>
public static partial class Charts
{
    // ───────────────────────────── output: HTML and plotly.js ─────────────────────────────

    /// <summary>The chart as HTML: a div and the script that draws it, without plotly.js (load <see cref="PlotlyJs"/> once per page);
    /// a slider chart's frames are registered right after it is drawn.</summary>
    public static string ToHtml(GenericChart chart)
    {
        var html = GenericChart.toChartHTML(chart);
        return html + FramesScript(chart, html);
    }

    /// <summary>The text of plotly.js 2.28.0 as embedded in Plotly.NET.dll, for pages and notebooks that have no internet.</summary>
    public static string PlotlyJs => plotlyJs.Value;

    private static readonly Lazy<string> plotlyJs = new(() =>
    {
        const string resource = "Plotly.NET.plotly-2.28.0.min.js";
        using var stream = typeof(GenericChart).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Plotly.NET.dll has no resource {resource}.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    });

    /// <summary>Writes a self-contained page (plotly.js inline, no CDN) that shows the chart in any browser, offline.</summary>
    public static void SaveHtml(GenericChart chart, string path)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var page = new StringBuilder()
            .Append("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>")
            .Append(System.Net.WebUtility.HtmlEncode(TitleOf(chart) ?? "chart"))
            .Append("</title>\n<script type=\"text/javascript\">").Append(PlotlyJs).Append("</script>\n</head>\n<body>\n")
            .Append(ToHtml(chart))
            .Append("\n</body>\n</html>\n");
        File.WriteAllText(path, page.ToString(), new UTF8Encoding(false));
    }

    // ───────────────────────────── matrices ─────────────────────────────

    /// <summary>
    /// Any signed matrix as a heatmap: cell (j, k) coloured by M[j, k], blue positive, red negative, white 0,
    /// row 0 on top.
    /// </summary>
    public static GenericChart Heatmap(Matrix<double> m, string title = "", string xTitle = "column k", string yTitle = "row j")
    {
        ArgumentNullException.ThrowIfNull(m);
        double limit = MaxAbs(m);
        var trace = HeatmapTrace(Rows(m), Diverging, -limit, limit, zmid: 0,
            hover: "row %{y}, col %{x}: %{z:.3f}", showScale: true);
        int width = 900;
        int height = Math.Clamp((int)Math.Round(760.0 * m.RowCount / m.ColumnCount) + 140, 260, 760);
        var chart = NewChart(title, width, height, trace);
        var layout = GenericChart.getLayout(chart);
        layout.SetProperty("xaxis", Make<LinearAxis>(("title", AxisTitle(xTitle)), ("showgrid", false), ("zeroline", false)));
        layout.SetProperty("yaxis", Make<LinearAxis>(("title", AxisTitle(yTitle)), ("autorange", "reversed"), ("showgrid", false), ("zeroline", false)));
        return chart;
    }

    /// <summary>
    /// A matrix of activations (pixels, aˡ, anything in [0, 1]) as a grey heatmap: 0 black, 1 white, row 0 on top —
    /// the colours of <see cref="Digit(Vector{double}, string?)"/> and of the neurons in <see cref="NetworkDiagram(ForwardPass, int, int)"/>.
    /// </summary>
    public static GenericChart ActivationHeatmap(Matrix<double> a, string title = "", string xTitle = "column k", string yTitle = "row j")
    {
        ArgumentNullException.ThrowIfNull(a);
        var trace = HeatmapTrace(Rows(a), Grey, 0, 1, zmid: null, hover: "row %{y}, col %{x}: a = %{z:.3f}", showScale: true, colorbarTitle: "a");
        int height = Math.Clamp((int)Math.Round(760.0 * a.RowCount / a.ColumnCount) + 140, 260, 760);
        var chart = NewChart(title, 900, height, trace);
        var layout = GenericChart.getLayout(chart);
        layout.SetProperty("xaxis", Make<LinearAxis>(("title", AxisTitle(xTitle)), ("showgrid", false), ("zeroline", false)));
        layout.SetProperty("yaxis", Make<LinearAxis>(("title", AxisTitle(yTitle)), ("autorange", "reversed"), ("showgrid", false), ("zeroline", false)));
        return chart;
    }

    /// <summary>Wˡ as a heatmap: row j holds the weights neuron j of layer l puts on each neuron k of layer l − 1.</summary>
    public static GenericChart Weights(Network network, int layer)
    {
        ArgumentNullException.ThrowIfNull(network);
        var W = network.W(layer);
        return Heatmap(W, $"W{Sup(layer)} ({W.RowCount}×{W.ColumnCount}): blue positive, red negative",
            xTitle: $"k: neuron of layer {layer - 1}", yTitle: $"j: neuron of layer {layer}");
    }

    // ───────────────────────────── digits ─────────────────────────────

    /// <summary>One image a⁰ (e.g. 784 pixels in [0, 1]) as a square grey picture, row 0 on top: 0 black, 1 white.</summary>
    public static GenericChart Digit(Vector<double> image, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (rows, columns) = ImageShape(image.Count);
        return Digit(ToImage(image, rows, columns), title ?? $"{rows}×{columns} image");
    }

    /// <summary>Example <paramref name="index"/> of a data set, titled with its label.</summary>
    public static GenericChart Digit(DataSet data, int index)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Digit(Rows(data.ImageMatrix(index)), $"{data.Name} #{index}: label {data.Label(index)}");
    }

    private static GenericChart Digit(double[][] pixels, string title)
    {
        var trace = HeatmapTrace(pixels, Grey, 0, 1, zmid: null, hover: "row %{y}, col %{x}: %{z:.3f}", showScale: false);
        return Grid([new Panel("", [trace])], columns: 1, title, width: 340, height: 370);
    }

    /// <summary>
    /// Several examples in a grid, each titled "label 5", or "5 → 3" (label → prediction) when predictions are given;
    /// wrong predictions are titled in red.
    /// </summary>
    public static GenericChart Digits(DataSet data, IReadOnlyList<int> indices, IReadOnlyList<int>? predictions = null, int columns = 8)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(indices);
        if (predictions is not null && predictions.Count != indices.Count)
            throw new ArgumentException($"{indices.Count} indices but {predictions.Count} predictions.", nameof(predictions));
        var panels = indices.Select((i, n) =>
        {
            int label = data.Label(i);
            var trace = HeatmapTrace(Rows(data.ImageMatrix(i)), Grey, 0, 1, zmid: null,
                hover: $"#{i}<br>row %{{y}}, col %{{x}}: %{{z:.3f}}", showScale: false);
            return predictions is null
                ? new Panel($"label {label}", [trace])
                : new Panel($"{label} → {predictions[n]}", [trace], TitleColor: predictions[n] == label ? null : Negative);
        }).ToArray();
        return GalleryGrid(panels, columns, $"{data.Name}: {indices.Count} example{(indices.Count == 1 ? "" : "s")}");
    }

    /// <summary>The misclassified examples of an evaluation, each titled "true 4 → 9 (0.87)": label → prediction (its output activation).</summary>
    public static GenericChart Mistakes(EvaluationResult result, DataSet data, int count = 24, int columns = 8)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(data);
        var shown = result.Mistakes.Take(count).ToArray();
        var panels = shown.Select(m => new Panel(
            $"true {m.Label} → {m.Predicted} ({m.Confidence.ToString("0.00", CultureInfo.InvariantCulture)})",
            [HeatmapTrace(Rows(data.ImageMatrix(m.Index)), Grey, 0, 1, zmid: null,
                hover: $"#{m.Index}<br>row %{{y}}, col %{{x}}: %{{z:.3f}}", showScale: false)])).ToArray();
        return GalleryGrid(panels, columns,
            $"{result.DataName}: {shown.Length} of {result.Mistakes.Count:N0} mistakes (true → predicted (confidence))");
    }

    /// <summary>Panels of small square images, about 120 pixels each.</summary>
    private static GenericChart GalleryGrid(IReadOnlyList<Panel> panels, int columns, string title)
    {
        if (columns < 1) throw new ArgumentOutOfRangeException(nameof(columns), columns, "Need at least one column.");
        columns = Math.Max(1, Math.Min(columns, panels.Count));
        int rows = (panels.Count + columns - 1) / columns;
        return Grid(panels, columns, title, width: 60 + 125 * columns, height: 90 + 135 * rows, gapX: 0.08, gapY: 0.14);
    }

    // ───────────────────────────── weights as images ─────────────────────────────

    /// <summary>
    /// Each neuron j of layer l as a picture of its weights Wˡ[j, ·] (784 weights as a 28×28 image for l = 1):
    /// what the neuron "looks for". All panels share one colour range ±max|w|, blue positive, red negative.
    /// </summary>
    public static GenericChart WeightImages(Network network, int layer = 1, int columns = 4)
    {
        ArgumentNullException.ThrowIfNull(network);
        return WeightImages(network.Weights, layer, columns);
    }

    /// <summary>The weight images of a snapshot taken during training (see <see cref="TrainingOptions.RecordSnapshots"/>).</summary>
    public static GenericChart WeightImages(NetworkSnapshot snapshot, int layer = 1, int columns = 4)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return WeightImages(snapshot.Weights, layer, columns, $"after epoch {snapshot.Epoch}");
    }

    /// <summary>The weight images of Wˡ from a list W¹…Wᴸ (index l − 1).</summary>
    public static GenericChart WeightImages(IReadOnlyList<Matrix<double>> weights, int layer = 1, int columns = 4, string? subtitle = null)
    {
        var W = LayerWeights(weights, layer);
        double limit = MaxAbs(W);
        return WeightImageGrid(W, layer, columns, -limit, limit, subtitle, round: false);
    }

    private static GenericChart WeightImageGrid(Matrix<double> W, int layer, int columns, double zmin, double zmax, string? subtitle, bool round)
    {
        if (columns < 1) throw new ArgumentOutOfRangeException(nameof(columns), columns, "Need at least one column.");
        var (rows, cols) = ImageShape(W.ColumnCount);
        var panels = Enumerable.Range(0, W.RowCount).Select(j => new Panel($"neuron {j}",
            [HeatmapTrace(WeightImage(W, j, rows, cols, round), Diverging, zmin, zmax, zmid: 0,
                hover: $"neuron {j}<br>row %{{y}}, col %{{x}}: w = %{{z:.3f}}", showScale: j == 0, colorbarTitle: "w")])).ToArray();
        columns = Math.Min(columns, panels.Length);
        int gridRows = (panels.Length + columns - 1) / columns;
        string title = $"W{Sup(layer)}: each neuron of layer {layer} as its {W.ColumnCount} weights ({rows}×{cols})" +
                       (subtitle is null ? "" : $", {subtitle}");
        return Grid(panels, columns, title, width: 130 + 170 * columns, height: 100 + 175 * gridRows, gapX: 0.06, gapY: 0.12);
    }

    /// <summary>Row j of W reshaped into the image it multiplies, row by row (pixel (r, c) is weight 28·r + c).</summary>
    private static double[][] WeightImage(Matrix<double> W, int j, int rows, int columns, bool round) =>
        Enumerable.Range(0, rows).Select(r => Enumerable.Range(0, columns)
            .Select(c => round ? Math.Round(W[j, r * columns + c], 4) : W[j, r * columns + c]).ToArray()).ToArray();

    private static Matrix<double> LayerWeights(IReadOnlyList<Matrix<double>> weights, int layer)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (layer < 1 || layer > weights.Count)
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"Layers with weights are numbered 1…{weights.Count}.");
        return weights[layer - 1];
    }
}
