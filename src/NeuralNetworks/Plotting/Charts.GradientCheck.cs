using System.Globalization;
using NeuralNetworks.Model;
using Plotly.NET;

namespace NeuralNetworks.Plotting;

public static partial class Charts
{
    /// <summary>A number as text with four significant digits, for hover labels.</summary>
    private static string Digits4(double v) => v.ToString("g4", CultureInfo.InvariantCulture);

    /// <summary>The colour of gradients that are nearly 0 in <see cref="GradientCheck(GradientCheckResult, int)"/>.</summary>
    internal const string NearlyZero = "rgb(215,215,215)";

    /// <summary>The lowest log₁₀ relative error the gradient-check chart tells apart (anything smaller is drawn at this).</summary>
    internal const double LogFloor = -12;

    /// <summary>
    /// A gradient check, one heatmap per layer of weights (l = <paramref name="layer"/>, or 0 for every layer), judged as
    /// <see cref="GradientCheckResult"/> judges it: where the gradient is sizeable (|g| + |n| ≥ 10⁻⁶) each weight is coloured
    /// by log₁₀ of its relative error |g − n| / (|g| + |n|), clipped to [−12, 0] (−7 and below: the two agree; −2 and above:
    /// a bug); where both numbers are nearly 0 it is grey and judged by |g − n|, shown on hover. The title gives the verdict,
    /// each panel the worst relative error of its sizeable weights and the worst absolute error of the rest.
    /// </summary>
    public static GenericChart GradientCheck(GradientCheckResult result, int layer = 0)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (layer < 0 || layer > result.Layers.Count)
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"Choose 0 (all) or a layer 1…{result.Layers.Count}.");
        var records = layer == 0 ? result.Layers : [result[layer]];
        var panels = records.Select((r, i) =>
        {
            var (rows, columns) = (r.GradW.RowCount, r.GradW.ColumnCount);
            var weights = r.Entries.Where(e => !e.IsBias).ToArray();   // row by row
            T?[][] Grid<T>(Func<GradientCheckEntry, T?> value) =>
                Enumerable.Range(0, rows).Select(j => Enumerable.Range(0, columns).Select(k => value(weights[j * columns + k])).ToArray()).ToArray();
            string name = $"W{Sup(r.Layer)}";

            // Numbers for the hover, to four digits (the page carries every one of them).
            var sizeable = HeatmapTrace([], Viridis, LogFloor, 0, zmid: null,
                hover: $"{name}[j = %{{y}}, k = %{{x}}]: g = %{{customdata[0]}}, n = %{{customdata[1]}}<br>log₁₀ relative error = %{{z:.1f}}",
                showScale: i == 0, colorbarTitle: "log₁₀ relative error<br>(sizeable gradients)<br>−7 and below: agree<br>−2 and above: a bug");
            sizeable.SetProperty("z", Grid<double?>(e => e.IsSizeable ? Math.Round(Math.Max(Math.Log10(Math.Max(e.RelativeError, 1e-300)), LogFloor), 3) : null));
            sizeable.SetProperty("customdata", Grid(e => e.IsSizeable ? new[] { Digits4(e.Gradient), Digits4(e.Numerical) } : null));

            var nearlyZero = HeatmapTrace([], [[0.0, NearlyZero], [1.0, NearlyZero]], 0, 1, zmid: null,
                hover: $"{name}[j = %{{y}}, k = %{{x}}]: nearly 0 (|g| + |n| below {GradientCheckResult.Short(Model.GradientCheck.Sizeable)}), |g − n| = %{{customdata}}",
                showScale: false);
            nearlyZero.SetProperty("z", Grid<double?>(e => e.IsSizeable ? null : 1.0));
            nearlyZero.SetProperty("customdata", Grid(e => e.IsSizeable ? null : Digits4(e.AbsoluteError)));

            int sizeableCount = weights.Count(e => e.IsSizeable), rest = weights.Length - sizeableCount;
            double maxRelative = weights.Where(e => e.IsSizeable).Select(e => e.RelativeError).DefaultIfEmpty(0).Max();
            double maxAbsolute = weights.Where(e => !e.IsSizeable).Select(e => e.AbsoluteError).DefaultIfEmpty(0).Max();
            string title = $"{name}: {sizeableCount.ToString("N0", CultureInfo.InvariantCulture)} sizeable, max relative error {GradientCheckResult.Short(maxRelative)}" +
                           $" · {rest.ToString("N0", CultureInfo.InvariantCulture)} nearly 0 (grey), max |g − n| {GradientCheckResult.Short(maxAbsolute)}";
            return new Panel(title, [nearlyZero, sizeable], Image: false, XTitle: "k", YTitle: "j");
        }).ToArray();
        string verdict = result.Agrees ? "backprop agrees with finite differences" : "backprop DISAGREES with finite differences";
        var chart = Grid(panels, columns: 1,
            $"Gradient check (ε = {GradientCheckResult.Short(result.Epsilon)}): {verdict}<br>" +
            $"<sup>max relative error {GradientCheckResult.Short(result.MaxRelativeError)} over the {result.SizeableCount.ToString("N0", CultureInfo.InvariantCulture)} sizeable gradients; " +
            $"max |g − n| {GradientCheckResult.Short(result.MaxAbsoluteErrorNearZero)} over the {(result.Count - result.SizeableCount).ToString("N0", CultureInfo.InvariantCulture)} that are nearly 0</sup>",
            width: 900, height: 110 + 240 * panels.Length, gapX: 0.02, gapY: 0.3);
        GenericChart.getLayout(chart).SetProperty("margin", Obj(("l", 40), ("r", 40), ("t", 100), ("b", 30)));   // room for the two-line title
        return chart;
    }
}
