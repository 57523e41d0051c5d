using System.Globalization;
using Plotly.NET;

namespace NeuralNetworks.Plotting;

public static partial class Charts
{
    /// <summary>Curve colours for the epochs of <see cref="InsideTraining"/>, early (light) to late (dark); not blue or red,
    /// which mean signs.</summary>
    private static readonly string[] EpochColours = ["rgb(253,200,60)", "rgb(240,130,30)", "rgb(190,60,40)", "rgb(110,30,80)", "rgb(40,20,60)"];

    /// <summary>The smallest log₁₀|δ| the histograms tell apart; smaller errors (and exact zeros) are counted in its bin.</summary>
    private const double ErrorFloor = -12;

    /// <summary>
    /// Inside a network during training, one panel per layer and quantity, one curve per epoch: the top row is how the
    /// activations aˡ are distributed over the neurons of layer l and the examples (a sigmoid neuron piled up at 0 or 1 is
    /// saturated); the bottom row is how the sizes of the errors |δˡ| = |∂C/∂zˡ| are distributed, on a log scale (errors that
    /// shrink layer by layer towards the input are vanishing gradients). Each panel's title gives the numbers: the share of
    /// saturated neurons (σ′(z) &lt; 0.01) and the median |δˡ|, first and last epoch.
    /// </summary>
    /// <param name="looks">The passes of one network at several epochs, on the same examples (<see cref="EpochPasses.Of"/>).</param>
    public static GenericChart InsideTraining(IReadOnlyList<EpochPasses> looks)
    {
        ArgumentNullException.ThrowIfNull(looks);
        if (looks.Count == 0 || looks.Count > EpochColours.Length)
            throw new ArgumentException($"Give 1…{EpochColours.Length} epochs to compare, not {looks.Count}.", nameof(looks));
        int L = looks[0].Forward.LayerCount;
        var (first, last) = (looks[0], looks[^1]);
        string Percent(double share) => share.ToString("0%", CultureInfo.InvariantCulture);
        string Size(double v) => v.ToString("0.0e+0", CultureInfo.InvariantCulture);

        var panels = new List<Panel>();
        for (int l = 1; l <= L; l++)
        {
            var values = looks.Select(look => look.Forward[l].A.Enumerate().ToArray()).ToArray();
            bool unit = looks[0].Forward[l].Activation == Model.Activation.Sigmoid;
            double lo = unit ? 0 : values.Min(v => v.Min()), hi = unit ? 1 : values.Max(v => v.Max());
            panels.Add(new Panel(
                $"a{Sup(l)}: {Percent(first.SaturatedShare(l))} → {Percent(last.SaturatedShare(l))} saturated",
                looks.Select((look, i) => ShareCurve(values[i], lo, hi, 25, $"epoch {look.Epoch}", EpochColours[i], l == 1, $"a{Sup(l)}")).ToArray(),
                Image: false, XTitle: $"a{Sup(l)}", YTitle: l == 1 ? "share" : null));
        }
        for (int l = 1; l <= L; l++)
        {
            var values = looks.Select(look => look.Backward[l].Delta.Enumerate()
                .Select(d => Math.Max(d == 0 ? ErrorFloor : Math.Log10(Math.Abs(d)), ErrorFloor)).ToArray()).ToArray();
            double lo = Math.Floor(values.Min(v => v.Min())), hi = Math.Ceiling(values.Max(v => v.Max()));
            panels.Add(new Panel(
                $"median |δ{Sup(l)}|: {Size(first.MedianError(l))} → {Size(last.MedianError(l))}",
                looks.Select((look, i) => ShareCurve(values[i], lo, hi, (int)Math.Max(1, (hi - lo) * 4), $"epoch {look.Epoch}", EpochColours[i], false,
                    $"log₁₀|δ{Sup(l)}|")).ToArray(),
                Image: false, XTitle: $"log₁₀|δ{Sup(l)}|", YTitle: l == 1 ? "share" : null));
        }
        var chart = Grid(panels, L,
            $"Inside training, epoch {first.Epoch} → {last.Epoch}: activations aˡ (top) and errors |δˡ| = |∂C/∂zˡ| (bottom) on {first.Forward.ExampleCount:N0} examples<br>" +
            "<sup>share of neurons × examples in each bin; saturated: σ′(z) below 0.01, where a neuron passes back almost none of its error</sup>",
            width: 1000, height: 720, gapX: 0.12, gapY: 0.38);
        foreach (var y in GraphAxes(chart, 2 * L))
        {
            y.SetProperty("rangemode", "tozero");
            y.SetProperty("tickformat", ".0%");
        }
        var layout = GenericChart.getLayout(chart);
        layout.SetProperty("showlegend", true);
        layout.SetProperty("legend", Obj(("orientation", "h"), ("x", 0.5), ("xanchor", "center"), ("y", -0.12)));
        layout.SetProperty("margin", Obj(("l", 60), ("r", 30), ("t", 100), ("b", 60)));
        return chart;
    }

    /// <summary>A histogram drawn as a step curve: the share of <paramref name="values"/> in each of <paramref name="bins"/> equal bins.</summary>
    private static Trace ShareCurve(double[] values, double lo, double hi, int bins, string name, string colour, bool legend, string what)
    {
        double width = (hi - lo) / bins;
        var counts = new double[bins];
        foreach (var v in values)
            counts[Math.Clamp(width > 0 ? (int)((v - lo) / width) : 0, 0, bins - 1)]++;
        var centres = Enumerable.Range(0, bins).Select(b => lo + (b + 0.5) * width).ToArray();
        var shares = counts.Select(c => c / values.Length).ToArray();
        return NewTrace("scatter", ("name", name), ("mode", "lines"), ("x", centres), ("y", shares),
            ("line", Obj(("color", colour), ("width", 2), ("shape", "hvh"))), ("legendgroup", name), ("showlegend", legend),
            ("hovertemplate", $"{name}: %{{y:.1%}} of {what} near %{{x:.2f}}<extra></extra>"));
    }
}
