using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Data;
using NeuralNetworks.Model;
using NeuralNetworks.Training;
using Plotly.NET;
using Plotly.NET.LayoutObjects;

namespace NeuralNetworks.Plotting;

// Charts with a slider: every position of the slider is an animation frame computed here in C#, so the chart moves
// in any page with plotly.js, with no kernel behind it. Plotly.NET writes no top-level frames, so the frames are kept
// beside the chart and ToHtml registers them by name (Plotly.addFrames) right after the chart is drawn; the slider's
// steps and the Play button then animate by name, which is what lets the slider follow while Play runs.
public static partial class Charts
{
    private static readonly ConditionalWeakTable<GenericChart, string> framesOf = new();

    /// <summary>The names of a slider chart's animation frames, in order (empty for a chart without frames).</summary>
    public static IReadOnlyList<string> FrameNames(GenericChart chart) =>
        framesOf.TryGetValue(chart, out var json)
            ? Newtonsoft.Json.Linq.JArray.Parse(json).Select(f => (string)f["name"]!).ToArray()
            : [];

    /// <summary>The script that registers a chart's frames with plotly.js once its div has been drawn.</summary>
    private static string FramesScript(GenericChart chart, string chartHtml)
    {
        if (!framesOf.TryGetValue(chart, out var frames)) return "";
        var id = Regex.Match(chartHtml, "<div id=\"(?<id>[^\"]+)\"").Groups["id"].Value;
        return $$"""
            <script type="text/javascript">
            (function () {
              var frames = {{frames.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase)}};
              function add() {
                var gd = document.getElementById('{{id}}');
                if (!window.Plotly || !gd || !gd._transitionData) return setTimeout(add, 30);
                Plotly.addFrames(gd, frames);
              }
              add();
            })();
            </script>
            """;
    }

    /// <summary>
    /// Adds a slider (and optionally Play/Pause) over named frames to a chart. Each frame is a plotly frame object:
    /// name, data (new values for the traces listed in traces) and layout (e.g. a new title).
    /// </summary>
    private static GenericChart WithSlider(GenericChart chart, string prefix, IReadOnlyList<string> labels,
        IReadOnlyList<Dictionary<string, object>> frames, int active, bool play, int frameMilliseconds = 500)
    {
        framesOf.AddOrUpdate(chart, Newtonsoft.Json.JsonConvert.SerializeObject(frames));
        var still = Obj(("mode", "immediate"), ("frame", Obj(("duration", 0), ("redraw", true))), ("transition", Obj(("duration", 0))));
        var layout = GenericChart.getLayout(chart);
        var slider = Obj(
            ("active", active),
            ("currentvalue", Obj(("prefix", prefix), ("font", Obj(("size", 14))))),
            ("pad", Obj(("t", 55), ("b", 10))),
            ("x", play ? 0.3 : 0.0), ("len", play ? 0.7 : 1.0), ("y", 0), ("yanchor", "top"),
            ("steps", frames.Select((f, i) => Obj(
                ("label", labels[i]), ("value", (string)f["name"]), ("method", "animate"),
                ("args", new object[] { new[] { (string)f["name"] }, still }))).ToArray()));
        layout.SetProperty("sliders", new[] { slider });
        if (play)
        {
            var playButton = Obj(("label", "▶ Play"), ("method", "animate"),
                ("args", new object?[] { null, Obj(("mode", "immediate"), ("fromcurrent", true),
                    ("frame", Obj(("duration", frameMilliseconds), ("redraw", true))), ("transition", Obj(("duration", 0)))) }));
            var pause = Obj(("label", "❚❚ Pause"), ("method", "animate"),
                ("args", new object[] { new object?[] { null }, Obj(("mode", "immediate"), ("frame", Obj(("duration", 0), ("redraw", false)))) }));
            layout.SetProperty("updatemenus", new[] { Obj(("type", "buttons"), ("direction", "left"), ("showactive", false),
                ("x", 0.0), ("y", 0), ("xanchor", "left"), ("yanchor", "top"), ("pad", Obj(("t", 52), ("r", 10))),
                ("buttons", new[] { playButton, pause })) });
        }
        return chart;
    }

    private static Dictionary<string, object> Frame(string name, int[] traces, object[] data, string title) =>
        Obj(("name", name), ("traces", traces), ("data", data),
            ("layout", Obj(("title", Obj(("text", title), ("x", 0.02), ("xanchor", "left"))))));

    private static string Number(double v, string format = "0.##") => v.ToString(format, CultureInfo.InvariantCulture).Replace("-", "−", StringComparison.Ordinal);

    // ───────────────────────────── 03: the bias ─────────────────────────────

    /// <summary>
    /// A neuron with weights w on every digit of a data set: the weighted sums w·a of the digits labelled
    /// <paramref name="digit"/> and of the others (histograms), with σ(w·a + b) drawn over them. The slider moves
    /// the bias b: the curve slides, its threshold w·a = −b moves, and the title counts the digits the neuron fires for
    /// (σ(w·a + b) &gt; ½).
    /// </summary>
    /// <param name="weights">The neuron's weights w (784 for a digit).</param>
    /// <param name="digits">The digits it looks at, e.g. the test set.</param>
    /// <param name="digit">The digit the neuron should fire for.</param>
    /// <param name="minBias">The slider's smallest b.</param>
    /// <param name="maxBias">The slider's largest b.</param>
    /// <param name="step">The slider's step.</param>
    public static GenericChart BiasSlider(Vector<double> weights, DataSet digits, int digit, double minBias = -40, double maxBias = 40, double step = 2)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(digits);
        if (weights.Count != digits.InputSize)
            throw new ArgumentException($"The neuron has {weights.Count} weights but each digit has {digits.InputSize} pixels.", nameof(weights));
        if (!(step > 0) || !(maxBias >= minBias)) throw new ArgumentException($"Biases from {minBias} to {maxBias} in steps of {step} make no slider.", nameof(step));
        var sums = (digits.Images(0, digits.Count).TransposeThisAndMultiply(weights)).ToArray();   // w·a for each digit
        var mine = sums.Where((_, i) => digits.Label(i) == digit).ToArray();
        var others = sums.Where((_, i) => digits.Label(i) != digit).ToArray();
        if (mine.Length == 0) throw new ArgumentException($"No digit in {digits.Name} is labelled {digit}.", nameof(digit));
        double lo = Math.Min(sums.Min(), -maxBias), hi = Math.Max(sums.Max(), -minBias);
        var curveX = Enumerable.Range(0, 301).Select(i => lo + (hi - lo) * i / 300).ToArray();
        var biases = Enumerable.Range(0, (int)Math.Floor((maxBias - minBias) / step + 1e-9) + 1).Select(i => minBias + i * step).ToArray();
        var sigma = Activation.Sigmoid;

        // Each group as a percentage of itself, in the same bins: 1,135 ones would vanish beside 8,865 other digits.
        Trace Histogram(string name, double[] values, string colour) => NewTrace("histogram", ("name", name), ("x", values),
            ("histnorm", "percent"), ("xbins", Obj(("start", lo), ("end", hi), ("size", (hi - lo) / 60))),
            ("marker", Obj(("color", colour))), ("opacity", 0.6),
            ("hovertemplate", $"%{{y:.1f}} % of the {name} have w·a in %{{x}}<extra></extra>"));
        object[] Moving(double b) =>
        [
            Obj(("x", curveX), ("y", curveX.Select(s => Math.Round(sigma.Apply(s + b), 4)).ToArray())),
            Obj(("x", new[] { -b, -b }), ("y", new[] { 0.0, 1.0 })),
        ];
        string Title(double b) =>
            $"σ(w·a + b) with b = {Number(b)}: fires for {mine.Count(s => sigma.Apply(s + b) > 0.5):N0} of {mine.Length:N0} {digit}s " +
            $"and {others.Count(s => sigma.Apply(s + b) > 0.5):N0} of {others.Length:N0} other digits";

        int start = Array.IndexOf(biases, biases.MinBy(Math.Abs));
        var first = Moving(biases[start]);
        var curve = NewTrace("scatter", ("name", "σ(w·a + b)"), ("mode", "lines"), ("x", curveX),
            ("y", ((Dictionary<string, object>)first[0])["y"]), ("yaxis", "y2"), ("line", Obj(("color", Highlight), ("width", 3))),
            ("hovertemplate", "w·a = %{x:.2f}: σ(w·a + b) = %{y:.3f}<extra></extra>"));
        var threshold = NewTrace("scatter", ("name", "threshold w·a = −b"), ("mode", "lines"), ("x", new[] { -biases[start], -biases[start] }),
            ("y", new[] { 0.0, 1.0 }), ("yaxis", "y2"), ("line", Obj(("color", "black"), ("dash", "dash"))), ("hoverinfo", "skip"));
        var chart = NewChart(Title(biases[start]), 860, 520,
            Histogram($"{digit}s", mine, Positive), Histogram("other digits", others, "rgb(150,150,150)"), curve, threshold);
        var layout = GenericChart.getLayout(chart);
        layout.SetProperty("barmode", "overlay");
        layout.SetProperty("xaxis", Make<LinearAxis>(("title", AxisTitle("weighted sum w·a (before the bias)")), ("range", new[] { lo, hi })));
        layout.SetProperty("yaxis", Make<LinearAxis>(("title", AxisTitle("% of the group"))));
        layout.SetProperty("yaxis2", Make<LinearAxis>(("title", AxisTitle("σ(w·a + b)")), ("overlaying", "y"), ("side", "right"),
            ("range", new[] { -0.02, 1.02 }), ("showgrid", false)));
        layout.SetProperty("legend", Obj(("x", 1.08), ("y", 1)));
        layout.SetProperty("margin", Obj(("l", 60), ("r", 60), ("t", 60), ("b", 110)));
        var frames = biases.Select(b => Frame("b = " + Number(b), [2, 3], Moving(b), Title(b))).ToArray();
        return WithSlider(chart, "bias ", biases.Select(b => Number(b)).ToArray(), frames, start, play: false);
    }

    // ───────────────────────────── 04: the sigmoid ─────────────────────────────

    /// <summary>
    /// σ(z) and σ′(z) = σ(z)(1 − σ(z)) with a slider along z: a point on each curve, the tangent to σ at z (its slope is
    /// σ′(z)), and grey bands where the neuron is saturated (σ′(z) &lt; 0.01, |z| &gt; 4.6): there a change in z barely
    /// changes a.
    /// </summary>
    /// <param name="zMax">The slider runs over [−zMax, zMax].</param>
    /// <param name="step">The slider's step.</param>
    public static GenericChart SigmoidSlider(double zMax = 10, double step = 0.5)
    {
        if (!(zMax > 0) || !(step > 0)) throw new ArgumentException($"A z range of ±{zMax} in steps of {step} makes no slider.", nameof(step));
        var sigma = Activation.Sigmoid;
        var zs = Enumerable.Range(0, 401).Select(i => -zMax + 2 * zMax * i / 400).ToArray();
        var stops = Enumerable.Range(0, (int)Math.Floor(2 * zMax / step + 1e-9) + 1).Select(i => -zMax + i * step).ToArray();
        // σ′(z) = 0.01 where s(1 − s) = 0.01: s = (1 − √0.96)/2, z = ln(s/(1 − s)).
        double s01 = (1 - Math.Sqrt(0.96)) / 2, edge = -Math.Log(s01 / (1 - s01));

        object[] Moving(double z)
        {
            double a = sigma.Apply(z), slope = sigma.Derivative(z);
            return
            [
                Obj(("x", new[] { z }), ("y", new[] { a })),
                Obj(("x", new[] { z }), ("y", new[] { slope })),
                Obj(("x", new[] { z - 2, z + 2 }), ("y", new[] { a - 2 * slope, a + 2 * slope })),
            ];
        }
        string Title(double z) =>
            $"z = {Number(z, "0.0")}: σ(z) = {Number(sigma.Apply(z), "0.000")}, σ′(z) = {Number(sigma.Derivative(z), "0.0000")} " +
            $"({Number(sigma.Derivative(z) / 0.25, "0%")} of the largest, ¼){(Math.Abs(z) > edge ? " — saturated" : "")}";

        int start = Array.IndexOf(stops, stops.MinBy(z => Math.Abs(z - 2)));
        var first = Moving(stops[start]);
        Trace Curve(string name, Func<double, double> f, string colour) => NewTrace("scatter", ("name", name), ("mode", "lines"),
            ("x", zs), ("y", zs.Select(f).ToArray()), ("line", Obj(("color", colour), ("width", 2.5))),
            ("hovertemplate", $"z = %{{x:.2f}}: {name} = %{{y:.4f}}<extra></extra>"));
        Trace Point(string name, Dictionary<string, object> at, string colour) => NewTrace("scatter", ("name", name), ("mode", "markers"),
            ("x", at["x"]), ("y", at["y"]), ("marker", Obj(("size", 13), ("color", colour))), ("hoverinfo", "skip"));
        var chart = NewChart(Title(stops[start]), 860, 520,
            Curve("σ(z)", sigma.Apply, Positive), Curve("σ′(z)", sigma.Derivative, Negative),
            Point("σ at z", (Dictionary<string, object>)first[0], Positive), Point("σ′ at z", (Dictionary<string, object>)first[1], Negative),
            NewTrace("scatter", ("name", "tangent to σ (slope σ′)"), ("mode", "lines"), ("x", ((Dictionary<string, object>)first[2])["x"]),
                ("y", ((Dictionary<string, object>)first[2])["y"]), ("line", Obj(("color", "black"), ("dash", "dot"))), ("hoverinfo", "skip")));
        var layout = GenericChart.getLayout(chart);
        layout.SetProperty("xaxis", Make<LinearAxis>(("title", AxisTitle("z")), ("range", new[] { -zMax, zMax })));
        layout.SetProperty("yaxis", Make<LinearAxis>(("title", AxisTitle("σ(z), σ′(z)")), ("range", new[] { -0.05, 1.05 })));
        layout.SetProperty("shapes", new[] { -1, 1 }.Select(side => Obj(("type", "rect"), ("xref", "x"), ("yref", "paper"),
            ("x0", side * edge), ("x1", side * zMax), ("y0", 0), ("y1", 1), ("fillcolor", "rgb(200,200,200)"), ("opacity", 0.35),
            ("line", Obj(("width", 0))), ("layer", "below"))).ToArray());
        layout.SetProperty("annotations", new[] { -1, 1 }.Select(side => Make<Annotation>(
            ("text", "saturated: σ′ < 0.01"), ("showarrow", false), ("xref", "x"), ("yref", "paper"),
            ("x", side * (edge + zMax) / 2), ("y", 0.98), ("yanchor", "top"), ("font", Obj(("size", 12), ("color", "rgb(90,90,90)"))))).ToArray());
        layout.SetProperty("margin", Obj(("l", 60), ("r", 30), ("t", 60), ("b", 110)));
        var frames = stops.Select(z => Frame("z = " + Number(z, "0.0"), [2, 3, 4], Moving(z), Title(z))).ToArray();
        return WithSlider(chart, "z = ", stops.Select(z => Number(z, "0.0")).ToArray(), frames, start, play: true, frameMilliseconds: 250);
    }

    // ───────────────────────────── 07: the learning rate ─────────────────────────────

    /// <summary>
    /// Gradient descent v ← v − η ∇C(v) on a function of two variables, drawn on its contour map, with a slider over
    /// the learning rate η: each position shows the path of <paramref name="steps"/> steps from the start, and the title
    /// says what that η does: diverging (C ends above where it started), about right (C ends below 1 % of where it
    /// started), too large (not there yet, and a coordinate changes sign at most steps: it zig-zags) or too small.
    /// </summary>
    /// <param name="cost">C(v₁, v₂).</param>
    /// <param name="gradient">∇C(v₁, v₂) = (∂C/∂v₁, ∂C/∂v₂).</param>
    /// <param name="v1">Where descent starts: v₁.</param>
    /// <param name="v2">Where descent starts: v₂.</param>
    /// <param name="learningRates">The slider's η values (a default from 0.005 to 0.25 otherwise).</param>
    /// <param name="steps">Steps of descent per path.</param>
    /// <param name="xMin">The map's range in v₁ (from).</param>
    /// <param name="xMax">The map's range in v₁ (to).</param>
    /// <param name="yMin">The map's range in v₂ (from).</param>
    /// <param name="yMax">The map's range in v₂ (to).</param>
    public static GenericChart LearningRateSlider(Func<double, double, double> cost, Func<double, double, (double, double)> gradient,
        double v1 = -2.5, double v2 = 1.5, IReadOnlyList<double>? learningRates = null, int steps = 20,
        double xMin = -3, double xMax = 3, double yMin = -2, double yMax = 2)
    {
        ArgumentNullException.ThrowIfNull(cost);
        ArgumentNullException.ThrowIfNull(gradient);
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "Take at least one step.");
        var rates = (learningRates ?? [0.005, 0.01, 0.02, 0.05, 0.1, 0.15, 0.18, 0.19, 0.2, 0.21, 0.22, 0.25]).ToArray();
        if (rates.Length == 0 || rates.Any(eta => !(eta > 0))) throw new ArgumentException("Learning rates must be positive numbers.", nameof(learningRates));

        (double[] X, double[] Y) Path(double eta)
        {
            var x = new double[steps + 1];
            var y = new double[steps + 1];
            (x[0], y[0]) = (v1, v2);
            for (int k = 1; k <= steps; k++)
            {
                var (d1, d2) = gradient(x[k - 1], y[k - 1]);
                (x[k], y[k]) = (x[k - 1] - eta * d1, y[k - 1] - eta * d2);
            }
            return (x, y);
        }
        double c0 = cost(v1, v2);
        string Verdict(double eta)
        {
            var (x, y) = Path(eta);
            double end = cost(x[^1], y[^1]);
            int flips = Enumerable.Range(1, steps).Count(k => Math.Sign(x[k]) * Math.Sign(x[k - 1]) < 0 || Math.Sign(y[k]) * Math.Sign(y[k - 1]) < 0);
            bool zigzags = flips > steps / 2;
            string verdict = !double.IsFinite(end) || end > c0 ? "diverging"
                : end <= 0.01 * c0 ? (zigzags ? "about right (zig-zagging in)" : "about right")
                : zigzags ? "too large: zig-zags"
                : "too small: still far from the minimum";
            return $"η = {Number(eta, "0.###")}: {verdict} (C from {Number(c0, "0.###")} to {Number(end, end == 0 || Math.Abs(end) >= 0.001 ? "0.####" : "0.##E+0")} in {steps} steps)";
        }

        int start = Array.IndexOf(rates, rates.MinBy(eta => Math.Abs(eta - 0.1)));
        var (x0, y0) = Path(rates[start]);
        var chart = Contour(cost, xMin, xMax, yMin, yMax, Verdict(rates[start]), "v₁", "v₂",
            new Series("descent path", x0, y0, Markers: true));
        var layout = GenericChart.getLayout(chart);
        layout.SetProperty("showlegend", false);
        layout.SetProperty("height", 700);
        layout.SetProperty("margin", Obj(("l", 60), ("r", 30), ("t", 60), ("b", 120)));
        var frames = rates.Select(eta =>
        {
            var (x, y) = Path(eta);
            // Points far off the map would only squash plotly's number formatting: clip them to a wide box.
            double Clip(double v) => double.IsFinite(v) ? Math.Clamp(v, -1e6, 1e6) : 1e6;
            return Frame("η = " + Number(eta, "0.###"), [1], [Obj(("x", x.Select(Clip).ToArray()), ("y", y.Select(Clip).ToArray()))], Verdict(eta));
        }).ToArray();
        return WithSlider(chart, "η = ", rates.Select(eta => Number(eta, "0.###")).ToArray(), frames, start, play: false);
    }

    // ───────────────────────────── 02 and 09: the weights during training ─────────────────────────────

    /// <summary>
    /// Wˡ's weight images (see <see cref="WeightImages(Network, int, int)"/>) over the epochs of training: one frame per
    /// snapshot, a slider to scrub through them and a Play button that the slider follows. All frames share one colour
    /// range, so fading and darkening are real. Numbers are rounded to 4 decimals to keep the page small.
    /// </summary>
    /// <param name="history">A history trained with <c>RecordSnapshots = true</c>.</param>
    /// <param name="layer">Which layer's weights (1: what the first hidden neurons look for).</param>
    /// <param name="columns">Images per row.</param>
    /// <exception cref="ArgumentException">The history has no snapshots.</exception>
    public static GenericChart WeightImagesOverEpochs(TrainingHistory history, int layer = 1, int columns = 4)
    {
        ArgumentNullException.ThrowIfNull(history);
        var snapshots = history.Snapshots;
        if (snapshots is null || snapshots.Count == 0)
            throw new ArgumentException("This history has no snapshots of the weights: train with RecordSnapshots = true.", nameof(history));
        var matrices = snapshots.Select(s => LayerWeights(s.Weights, layer)).ToArray();
        double limit = matrices.Max(MaxAbs);
        var (rows, cols) = ImageShape(matrices[0].ColumnCount);
        string TitleAt(NetworkSnapshot s) =>
            $"W{Sup(layer)} as images during training: {(s.Epoch == 0 ? "before training" : $"after epoch {s.Epoch}")}";

        var chart = WeightImageGrid(matrices[0], layer, columns, -limit, limit, subtitle: null, round: true);
        var traces = Enumerable.Range(0, matrices[0].RowCount).ToArray();
        var frames = snapshots.Select((s, i) => Frame($"epoch {s.Epoch}", traces,
            traces.Select(j => (object)Obj(("z", WeightImage(matrices[i], j, rows, cols, round: true)))).ToArray(), TitleAt(s))).ToArray();
        var layout = GenericChart.getLayout(chart);
        layout.SetProperty("title", Obj(("text", TitleAt(snapshots[0])), ("x", 0.02), ("xanchor", "left")));
        layout.SetProperty("height", (int)layout.TryGetPropertyValue("height").Value + 110);
        layout.SetProperty("margin", Obj(("l", 40), ("r", 40), ("t", 70), ("b", 120)));
        return WithSlider(chart, "epoch ", snapshots.Select(s => s.Epoch.ToString(CultureInfo.InvariantCulture)).ToArray(),
            frames, 0, play: true, frameMilliseconds: 700);
    }
}
