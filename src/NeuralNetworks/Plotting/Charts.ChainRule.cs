using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Model;
using Plotly.NET;
using Plotly.NET.LayoutObjects;

namespace NeuralNetworks.Plotting;

public static partial class Charts
{
    /// <summary>
    /// The tree of dependencies of a chain of one neuron per layer (3Blue1Brown, chapter 4), drawn with its values: the cost
    /// C = ½(aᴸ − y)² at the top; below it aᴸ and y; below each aˡ = σ(zˡ) its zˡ = wˡ aˡ⁻¹ + bˡ, and below each zˡ the three
    /// numbers it depends on, wˡ, aˡ⁻¹ and bˡ, down to the input a⁰ = x. Each box shows a number and how the cost changes with
    /// it (∂C/∂wˡ, ∂C/∂bˡ, δˡ = ∂C/∂zˡ, ∂C/∂aˡ; blue positive, red negative); each line the local derivative that the chain rule
    /// multiplies on the way down (∂C/∂aᴸ = aᴸ − y, ∂aˡ/∂zˡ = σ′(zˡ), ∂zˡ/∂wˡ = aˡ⁻¹, ∂zˡ/∂aˡ⁻¹ = wˡ, ∂zˡ/∂bˡ = 1).
    /// The input's own derivative ∂C/∂x is left for the reader.
    /// </summary>
    /// <param name="chain">A network whose every layer has one neuron (e.g. 1-1-1-1), with the quadratic cost.</param>
    /// <param name="x">The input x = a⁰.</param>
    /// <param name="y">The target.</param>
    public static GenericChart ChainRuleTree(Network chain, double x, double y)
    {
        ArgumentNullException.ThrowIfNull(chain);
        if (chain.Sizes.Any(s => s != 1)) throw new ArgumentException($"A chain has one neuron per layer, not {chain.Shape}.", nameof(chain));
        if (chain.Cost != Cost.Quadratic) throw new ArgumentException($"The tree is drawn for the quadratic cost, not {chain.Cost}.", nameof(chain));
        int L = chain.LayerCount;
        var X = Matrix<double>.Build.Dense(1, 1, x);
        var Y = Matrix<double>.Build.Dense(1, 1, y);
        var pass = chain.Forward(X);
        var backward = chain.Backward(pass, Y);
        double A(int l) => l == 0 ? x : pass[l].A[0, 0];
        double DcDa(int l) => l == L ? A(L) - y : chain.W(l + 1)[0, 0] * backward[l + 1].Delta[0, 0];

        // Rows from the top: C; aᴸ and y; then for each layer l = L…1: zˡ, then wˡ, aˡ⁻¹, bˡ (aˡ⁻¹ heads the next layer's rows).
        const double side = 2.2;
        var boxes = new List<(double X, double Y, string Text, double? Gradient, string Hover)>();
        var lines = new List<(double X0, double Y0, double X1, double Y1, string Label)>();
        double cost = backward.Cost;
        boxes.Add((0, 0, $"<b>C</b> = {Show(cost)}", null, $"C = ½(a{Sup(L)} − y)² = {Show(cost)}"));
        boxes.Add((side, -1, $"<b>y</b> = {Show(y)}", null, "the target: C depends on it, training does not change it"));
        lines.Add((0, 0, side, -1, ""));
        double row = -1;
        for (int l = L; l >= 1; l--)
        {
            string n = Sup(l), before = Sup(l - 1);
            double z = pass[l].Z[0, 0], w = chain.W(l)[0, 0], b = chain.b(l)[0];
            double slope = chain.ActivationOf(l).Derivative(z);
            if (l == L)
            {
                boxes.Add((0, row, $"<b>a{n}</b> = {Show(A(l))}<br>∂C/∂a{n} = {Show(DcDa(l))}", DcDa(l), $"a{n} = σ(z{n}); ∂C/∂a{n} = a{n} − y"));
                lines.Add((0, row + 1, 0, row, $"∂C/∂a{n} = a{n} − y = {Show(A(L) - y)}"));
            }
            lines.Add((0, row, 0, row - 1, $"∂a{n}/∂z{n} = σ′(z{n}) = {Show(slope)}"));
            row--;
            boxes.Add((0, row, $"<b>z{n}</b> = {Show(z)}<br>δ{n} = ∂C/∂z{n} = {Show(backward[l].Delta[0, 0])}", backward[l].Delta[0, 0],
                $"z{n} = w{n} a{before} + b{n}; δ{n} = σ′(z{n}) ∂C/∂a{n}"));
            row--;
            boxes.Add((-side, row, $"<b>w{n}</b> = {Show(w)}<br>∂C/∂w{n} = {Show(backward[l].GradW[0, 0])}", backward[l].GradW[0, 0],
                $"∂C/∂w{n} = a{before} δ{n}"));
            boxes.Add((side, row, $"<b>b{n}</b> = {Show(b)}<br>∂C/∂b{n} = {Show(backward[l].GradB[0])}", backward[l].GradB[0], $"∂C/∂b{n} = δ{n}"));
            boxes.Add(l > 1
                ? (0, row, $"<b>a{before}</b> = {Show(A(l - 1))}<br>∂C/∂a{before} = {Show(DcDa(l - 1))}", DcDa(l - 1), $"a{before} = σ(z{before}); ∂C/∂a{before} = w{n} δ{n}")
                : (0, row, $"<b>a⁰ = x</b> = {Show(x)}<br>∂C/∂x = ?", null, "the input: how C changes with it is Exercise 2"));
            lines.Add((0, row + 1, -side, row, $"∂z{n}/∂w{n} = a{before} = {Show(A(l - 1))}"));
            lines.Add((0, row + 1, 0, row, $"∂z{n}/∂a{before} = w{n} = {Show(w)}"));
            lines.Add((0, row + 1, side, row, $"∂z{n}/∂b{n} = 1"));
        }

        var shapes = lines.Select(e => Make<Shape>(("type", "line"), ("x0", e.X0), ("y0", e.Y0), ("x1", e.X1), ("y1", e.Y1), ("layer", "below"),
            ("line", Obj(("color", "rgb(150,150,150)"), ("width", 1.5))))).ToArray();
        var annotations = new List<Annotation>();
        foreach (var e in lines.Where(e => e.Label.Length > 0))
        {
            // Vertical lines: the label beside the upper part; slanted ones: below it, clear of the boxes.
            bool vertical = e.X0 == e.X1;
            double along = vertical ? 0.4 : 0.62;
            annotations.Add(Make<Annotation>(("text", e.Label), ("showarrow", false), ("xref", "x"), ("yref", "y"),
                ("x", e.X0 + along * (e.X1 - e.X0) + (vertical ? 0.08 : 0)), ("y", e.Y0 + along * (e.Y1 - e.Y0)), ("xanchor", vertical ? "left" : "center"),
                ("font", Obj(("size", 11), ("color", "rgb(90,90,90)"))), ("bgcolor", "rgba(255,255,255,0.85)")));
        }
        foreach (var box in boxes)
            annotations.Add(Make<Annotation>(("text", box.Text), ("showarrow", false), ("xref", "x"), ("yref", "y"), ("x", box.X), ("y", box.Y),
                ("font", Obj(("size", 13), ("color", "rgb(30,30,30)"))), ("bgcolor", "white"), ("borderpad", 5), ("borderwidth", 2),
                ("bordercolor", box.Gradient is double g ? g < 0 ? Negative : g > 0 ? Positive : "rgb(120,120,120)" : "rgb(120,120,120)"),
                ("hovertext", box.Hover)));
        // An invisible point per box, so the plot spans them all and hovering anywhere near a box explains it.
        var points = NewTrace("scatter", ("mode", "markers"), ("x", boxes.Select(b => b.X).ToArray()), ("y", boxes.Select(b => b.Y).ToArray()),
            ("marker", Obj(("size", 1), ("color", "rgba(0,0,0,0)"))), ("text", boxes.Select(b => b.Hover).ToArray()),
            ("hovertemplate", "%{text}<extra></extra>"));
        var chart = NewChart($"The {chain.Shape} chain as a tree: each number C depends on, and ∂C/∂(it)<br>" +
                             "<sup>border: blue where ∂C/∂(it) is positive, red where negative · each line: the local derivative the chain rule multiplies</sup>",
            900, 140 + 95 * (int)(-row + 1), points);
        var layout = GenericChart.getLayout(chart);
        layout.SetProperty("xaxis", Make<LinearAxis>(("range", new[] { -side - 1.3, side + 1.3 }), ("visible", false), ("fixedrange", true)));
        layout.SetProperty("yaxis", Make<LinearAxis>(("range", new[] { row - 0.6, 0.6 }), ("visible", false), ("fixedrange", true)));
        layout.SetProperty("shapes", shapes);
        layout.SetProperty("annotations", annotations.ToArray());
        layout.SetProperty("showlegend", false);
        layout.SetProperty("hovermode", "closest");
        layout.SetProperty("margin", Obj(("l", 20), ("r", 20), ("t", 80), ("b", 20)));
        return chart;
    }

    private static string Show(double v) => v.ToString(Math.Abs(v) is > 0 and < 1e-3 ? "0.00e+0" : "0.####", CultureInfo.InvariantCulture);
}
