using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Model;
using NeuralNetworks.Training;
using Plotly.NET;
using Plotly.NET.LayoutObjects;

namespace NeuralNetworks.Plotting;

public static partial class Charts
{
    /// <summary>f(z) for sigmoid, tanh and ReLU on z ∈ [−6, 6] (left) beside their derivatives f′(z) (right).</summary>
    public static GenericChart ActivationFunctions()
    {
        var z = Enumerable.Range(0, 241).Select(i => -6 + i * 0.05).ToArray();
        // Not blue and red: those mean "positive" and "negative" in every chart of the course; here colour only names the curve.
        string[] colours = ["rgb(40,40,40)", "rgb(230,120,0)", "rgb(40,160,70)"];
        var functions = Activation.All.Select((f, i) => CurveTrace(f.Name, z, z.Select(f.Apply).ToArray(), colours[i],
            $"{f.Name}(%{{x:.2f}}) = %{{y:.3f}}")).ToArray();
        var derivatives = Activation.All.Select((f, i) => CurveTrace(f.Name + "′", z, z.Select(f.Derivative).ToArray(), colours[i],
            $"{f.Name}′(%{{x:.2f}}) = %{{y:.3f}}")).ToArray();
        foreach (var d in derivatives) d.SetProperty("showlegend", false);
        var chart = Grid(
            [new Panel("f(z)", functions, Image: false, XTitle: "z"), new Panel("f′(z)", derivatives, Image: false, XTitle: "z")],
            columns: 2, "Activation functions (left) and their derivatives (right): sigmoid, tanh, ReLU", 900, 420, gapX: 0.15, gapY: 0.12);
        var ys = GraphAxes(chart, 2);
        ys[0].SetProperty("range", new[] { -1.2, 2.2 });
        ys[1].SetProperty("range", new[] { -0.1, 1.1 });
        foreach (var y in ys) y.SetProperty("zeroline", true);
        GenericChart.getLayout(chart).SetProperty("showlegend", true);
        return chart;
    }

    /// <summary>
    /// σ(w·s + b) against a neuron's input s (one number: with w = 1, the weighted sum) for one weight and several
    /// biases (−5, 0, 5 when none are given): the bias shifts where the neuron switches on, the weight sets how sharply.
    /// </summary>
    public static GenericChart SigmoidWithBiases(double weight = 1, params double[] biases)
    {
        if (biases is null || biases.Length == 0) biases = [-5, 0, 5];
        var s = Enumerable.Range(0, 401).Select(i => -10 + i * 0.05).ToArray();
        string w = weight.ToString("0.##", CultureInfo.InvariantCulture);
        var traces = biases.Select(b =>
        {
            string bText = b.ToString("0.##", CultureInfo.InvariantCulture);
            return CurveTrace($"b = {bText}", s, s.Select(v => Activation.Sigmoid.Apply(weight * v + b)).ToArray(), null,
                $"w = {w}, b = {bText}<br>σ({w}·%{{x:.2f}} + {bText}) = %{{y:.3f}}");
        }).ToArray();
        var chart = NewChart($"σ(w·s + b) for w = {w}: the bias b shifts the step, the weight w sets its steepness", 800, 420, traces);
        var layout = GenericChart.getLayout(chart);
        layout.SetProperty("xaxis", Make<LinearAxis>(("title", AxisTitle("s"))));
        layout.SetProperty("yaxis", Make<LinearAxis>(("title", AxisTitle("σ(w·s + b)")), ("range", new[] { -0.05, 1.05 })));
        layout.SetProperty("showlegend", true);
        return chart;
    }

    private static Trace CurveTrace(string name, double[] x, double[] y, string? color, string hover) =>
        NewTrace("scatter", ("name", name), ("mode", "lines"), ("x", x), ("y", y),
            ("line", Obj(("color", color), ("width", 2.5))),
            ("hovertemplate", hover + "<extra></extra>"));

    /// <summary>
    /// The error δˡ = ∂C/∂zˡ of every layer, one panel per layer (rows: neurons j, columns: examples),
    /// red/blue centred on zero, each panel with its own range.
    /// </summary>
    public static GenericChart Deltas(BackwardPass pass)
    {
        ArgumentNullException.ThrowIfNull(pass);
        var panels = pass.Layers.Select(r => SignedPanel(r.Delta, $"δ{Sup(r.Layer)} ({r.Delta.RowCount}×{r.Delta.ColumnCount})",
            $"layer {r.Layer}, neuron %{{y}}, example %{{x}}: δ = %{{z:.4g}}", xTitle: "example", yTitle: "neuron j")).ToArray();
        return Grid(panels, columns: panels.Length, $"δˡ = ∂C/∂zˡ in every layer (C = {pass.Cost.ToString("0.####", CultureInfo.InvariantCulture)})",
            width: 200 + 230 * panels.Length, height: 520, gapX: 0.3, gapY: 0.12);
    }

    /// <summary>∂C/∂Wˡ = δˡ (aˡ⁻¹)ᵀ for every layer, one panel per layer (same shape as Wˡ), red/blue centred on zero.</summary>
    public static GenericChart Gradients(BackwardPass pass)
    {
        ArgumentNullException.ThrowIfNull(pass);
        var panels = pass.Layers.Select(r => SignedPanel(r.GradW, $"∂C/∂W{Sup(r.Layer)} ({r.GradW.RowCount}×{r.GradW.ColumnCount})",
            $"∂C/∂W{Sup(r.Layer)}[j = %{{y}}, k = %{{x}}] = %{{z:.4g}}", xTitle: $"k: neuron of layer {r.Layer - 1}", yTitle: "j")).ToArray();
        return Grid(panels, columns: 1, $"∂C/∂Wˡ in every layer (‖∇C‖ = {pass.GradientNorm.ToString("0.####", CultureInfo.InvariantCulture)})",
            width: 900, height: 80 + 260 * panels.Length, gapX: 0.02, gapY: 0.3);
    }

    /// <summary>A signed matrix panel with its own symmetric range ±max|m| and zmid = 0.</summary>
    private static Panel SignedPanel(Matrix<double> m, string title, string hover, string xTitle, string yTitle)
    {
        double limit = MaxAbs(m);
        var trace = HeatmapTrace(Rows(m), Diverging, -limit, limit, zmid: 0, hover: hover, showScale: false);
        return new Panel(title, [trace], Image: false, XTitle: xTitle, YTitle: yTitle);
    }

    /// <summary>Dark blue (small) → yellow (large), for magnitudes such as log errors.</summary>
    internal static readonly object[][] Viridis =
        [[0.0, "rgb(68,1,84)"], [0.25, "rgb(59,82,139)"], [0.5, "rgb(33,145,140)"], [0.75, "rgb(94,201,98)"], [1.0, "rgb(253,231,37)"]];

    /// <summary>
    /// The confusion matrix: row = true label, column = predicted class, each cell showing how many examples; the
    /// diagonal holds the right answers.
    /// </summary>
    public static GenericChart Confusion(EvaluationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var counts = result.Confusion;
        var text = Enumerable.Range(0, counts.RowCount).Select(i => Enumerable.Range(0, counts.ColumnCount)
            .Select(j => counts[i, j].ToString("0", CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var classes = Enumerable.Range(0, counts.RowCount).ToArray();
        var trace = HeatmapTrace(Rows(counts), Counts, 0, Math.Max(1, counts.Enumerate().Max()), zmid: null,
            hover: "true %{y}, predicted %{x}: %{z} examples", showScale: true, colorbarTitle: "examples");
        trace.SetProperty("x", classes);
        trace.SetProperty("y", classes);
        trace.SetProperty("text", text);
        trace.SetProperty("texttemplate", "%{text}");
        trace.SetProperty("xgap", 1);
        trace.SetProperty("ygap", 1);
        var chart = NewChart($"Confusion matrix, {result.DataName}: {result.Accuracy.ToString("0.00%", CultureInfo.InvariantCulture)} right",
            620, 600, trace);
        var layout = GenericChart.getLayout(chart);
        layout.SetProperty("xaxis", Make<LinearAxis>(("title", AxisTitle("predicted")), ("dtick", 1), ("constrain", "domain")));
        layout.SetProperty("yaxis", Make<LinearAxis>(("title", AxisTitle("true label")), ("dtick", 1), ("autorange", "reversed"),
            ("scaleanchor", "x"), ("constrain", "domain")));
        layout.SetProperty("margin", Obj(("t", 70)));
        return chart;
    }
}
