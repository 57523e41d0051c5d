using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Model;
using Plotly.NET;
using Plotly.NET.LayoutObjects;

namespace NeuralNetworks.Plotting;

public static partial class Charts
{
    /// <summary>The network drawn for one input x: <c>NetworkDiagram(network.Forward(x))</c>.</summary>
    public static GenericChart NetworkDiagram(Network network, Vector<double> input)
    {
        ArgumentNullException.ThrowIfNull(network);
        return NetworkDiagram(network.Forward(input));
    }

    /// <summary>
    /// The network as 3Blue1Brown draws it, for one example of a forward pass: each neuron a circle shaded by its
    /// activation aˡⱼ (0 black … 1 white; hover shows layer, index, a and z), each connection a line coloured by
    /// the sign of its weight (blue positive, red negative) and thicker and more opaque the larger |w| is.
    /// Output neurons are labelled with their class and the prediction (the brightest) is ringed.
    /// </summary>
    /// <remarks>
    /// A layer of more than <paramref name="maxNeuronsPerLayer"/> neurons shows its first and last neurons with "⋮"
    /// between them. An input that is a square image larger than that (784 = 28×28) is shown instead as the
    /// picture itself at the left: its 784 × n¹ connections would be a grey blur.
    /// </remarks>
    public static GenericChart NetworkDiagram(ForwardPass pass, int example = 0, int maxNeuronsPerLayer = 16)
    {
        ArgumentNullException.ThrowIfNull(pass);
        if (example < 0 || example >= pass.ExampleCount)
            throw new ArgumentOutOfRangeException(nameof(example), example, $"The pass holds examples 0–{pass.ExampleCount - 1}.");
        if (maxNeuronsPerLayer < 2) throw new ArgumentOutOfRangeException(nameof(maxNeuronsPerLayer), maxNeuronsPerLayer, "Show at least 2 neurons per layer.");

        int L = pass.LayerCount;
        int inputs = pass.Input.RowCount;
        var (imageRows, imageColumns) = ImageShape(inputs);
        bool inputAsImage = inputs > maxNeuronsPerLayer && imageRows > 1;

        // Where each shown neuron sits: layer l in column x = l, neurons from the top down, centred on y = 0.
        var layers = Enumerable.Range(0, L + 1)
            .Select(l => new DiagramLayer(l, pass.ActivationsOf(l).RowCount, maxNeuronsPerLayer))
            .ToArray();
        double top = layers.Max(d => d.Slots) / 2.0;

        var traces = new List<Trace>();
        var annotations = new List<Annotation>();
        if (inputAsImage)
        {
            // The input image in its own small axes (x2, y2) at the left.
            var image = HeatmapTrace(ToImage(pass.Input.Column(example), imageRows, imageColumns), Grey, 0, 1, zmid: null,
                hover: "input pixel (row %{y}, col %{x}): a⁰ = %{z:.3f}", showScale: false);
            image.SetProperty("xaxis", "x2");
            image.SetProperty("yaxis", "y2");
            traces.Add(image);
            annotations.Add(Make<Annotation>(("text", $"input {inputs}<br>({imageRows}×{imageColumns} pixels)"), ("showarrow", false),
                ("xref", "paper"), ("yref", "paper"), ("x", 0.1), ("y", 0.27), ("xanchor", "center"), ("yanchor", "top"),
                ("font", Obj(("size", 14)))));
        }
        traces.AddRange(ConnectionTraces(pass, layers, inputAsImage));
        if (inputAsImage)
            traces.Add(InputFan(layers[1], top));
        int maxSlots = layers.Max(d => d.Slots);
        for (int l = inputAsImage ? 1 : 0; l <= L; l++)
        {
            traces.AddRange(NeuronTraces(pass, layers[l], example, L, maxSlots));
            string kind = l == 0 ? "input" : l == L ? "output" : "hidden";
            annotations.Add(Make<Annotation>(("text", $"{kind} {layers[l].Size}"), ("showarrow", false),
                ("xref", "x"), ("yref", "y"), ("x", l), ("y", -top - 0.9), ("xanchor", "center"), ("yanchor", "top"),
                ("font", Obj(("size", 14)))));
        }

        // The prediction: the brightest output neuron, ringed.
        int predicted = pass.Output.Column(example).MaximumIndex();
        var output = layers[L];
        if (output.Shown.Contains(predicted))
            traces.Add(NewTrace("scatter", ("name", "prediction"), ("mode", "markers"),
                ("x", new[] { (double)L }), ("y", new[] { output.Y(predicted) }),
                ("marker", Obj(("symbol", "circle-open"), ("size", NeuronSize(maxSlots) + 10), ("color", Highlight),
                    ("line", Obj(("color", Highlight), ("width", 4))))),
                ("hoverinfo", "skip")));

        double aOut = pass.Output[predicted, example];
        string shape = string.Join("-", layers.Select(d => d.Size));
        var chart = NewChart($"{shape} network: predicts {predicted} (a = {aOut.ToString("0.00", CultureInfo.InvariantCulture)})",
            width: 260 + 180 * L + (inputAsImage ? 0 : 180), height: 620, traces.ToArray());
        var layout = GenericChart.getLayout(chart);
        double[] networkDomain = inputAsImage ? [0.2, 1.0] : [0.0, 1.0];
        layout.SetProperty("xaxis", Make<LinearAxis>(("domain", networkDomain), ("range", new[] { inputAsImage ? 0.2 : -0.5, L + 0.6 }),
            ("visible", false), ("fixedrange", true)));
        layout.SetProperty("yaxis", Make<LinearAxis>(("range", new[] { -top - 1.3, top + 0.5 }), ("visible", false), ("fixedrange", true)));
        if (inputAsImage)
        {
            layout.SetProperty("xaxis2", Make<LinearAxis>(("domain", new[] { 0.0, 0.2 }), ("anchor", "y2"), ("visible", false), ("constrain", "domain")));
            layout.SetProperty("yaxis2", Make<LinearAxis>(("domain", new[] { 0.3, 0.75 }), ("anchor", "x2"), ("autorange", "reversed"),
                ("scaleanchor", "x2"), ("visible", false), ("constrain", "domain")));
        }
        layout.SetProperty("showlegend", false);
        layout.SetProperty("hovermode", "closest");
        layout.SetProperty("margin", Obj(("l", 20), ("r", 20), ("t", 60), ("b", 20)));
        layout.SetProperty("annotations", annotations.ToArray());
        return chart;
    }

    /// <summary>
    /// Faint grey lines from the input picture's right edge to every shown neuron of layer 1: each of its neurons
    /// sees all the pixels (the weights themselves are in <see cref="WeightImages(Network, int, int)"/>).
    /// </summary>
    private static Trace InputFan(DiagramLayer first, double top)
    {
        // The picture fills paper heights 0.3…0.75; the network's y axis spans [−top − 1.3, top + 0.5] over the whole height.
        double bottom = -top - 1.3, span = 2 * top + 1.8;
        var x = new List<double?>();
        var y = new List<double?>();
        for (int p = 0; p < 8; p++)
        {
            double yFrom = bottom + (0.42 + 0.2 * p / 7.0) * span;
            foreach (int j in first.Shown)
            {
                x.AddRange([0.2, 1, null]);
                y.AddRange([yFrom, first.Y(j), null]);
            }
        }
        return NewTrace("scatter", ("name", "every pixel to every neuron of layer 1"), ("mode", "lines"),
            ("x", x.ToArray()), ("y", y.ToArray()),
            ("line", Obj(("color", "rgb(150,150,150)"), ("width", 0.6))), ("opacity", 0.25), ("hoverinfo", "skip"));
    }

    /// <summary>Which neurons of a layer are drawn, and where.</summary>
    private sealed class DiagramLayer
    {
        public DiagramLayer(int layer, int size, int max)
        {
            Layer = layer;
            Size = size;
            if (size <= max)
                Shown = Enumerable.Range(0, size).ToArray();
            else
            {
                int head = max / 2, tail = max - head;
                Shown = Enumerable.Range(0, head).Concat(Enumerable.Range(size - tail, tail)).ToArray();
                EllipsisAfter = head - 1;
            }
            Slots = Shown.Count + (EllipsisAfter is null ? 0 : 1);
        }

        public int Layer { get; }
        public int Size { get; }

        /// <summary>Indices of the neurons drawn, in order.</summary>
        public IReadOnlyList<int> Shown { get; }

        /// <summary>The position in <see cref="Shown"/> after which "⋮" stands for the neurons left out.</summary>
        public int? EllipsisAfter { get; }

        /// <summary>Rows taken: the shown neurons plus the ellipsis.</summary>
        public int Slots { get; }

        /// <summary>The height of neuron j (which must be shown): slot s sits at (Slots − 1)/2 − s.</summary>
        public double Y(int j)
        {
            int position = Shown.ToList().IndexOf(j);
            int slot = EllipsisAfter is int e && position > e ? position + 1 : position;
            return (Slots - 1) / 2.0 - slot;
        }

        public double EllipsisY => (Slots - 1) / 2.0 - (EllipsisAfter!.Value + 1);
    }

    private static int NeuronSize(int maxSlots) => Math.Clamp(420 / Math.Max(maxSlots, 1), 8, 30);

    /// <summary>One layer's circles: colour = activation (grey), hover = layer, neuron, a, z.</summary>
    private static IEnumerable<Trace> NeuronTraces(ForwardPass pass, DiagramLayer layer, int example, int L, int maxSlots)
    {
        int l = layer.Layer;
        var a = pass.ActivationsOf(l).Column(example);
        var z = l == 0 ? a : pass[l].Z.Column(example);
        var shown = layer.Shown;
        bool isOutput = l == L;
        yield return NewTrace("scatter",
            ("name", $"layer {l}"),
            ("mode", isOutput ? "markers+text" : "markers"),
            // Output labels sit right of the circle, clear of the prediction's ring.
            ("x", shown.Select(_ => (double)l).ToArray()),
            ("y", shown.Select(layer.Y).ToArray()),
            ("text", isOutput ? shown.Select(j => "     " + j.ToString(CultureInfo.InvariantCulture)).ToArray() : null),
            ("textposition", isOutput ? "middle right" : null),
            ("textfont", isOutput ? Obj(("size", 15)) : null),
            ("customdata", shown.Select(j => new object[] { l, j, a[j], z[j] }).ToArray()),
            ("hovertemplate", l == 0
                ? "input neuron %{customdata[1]}<br>a⁰ = %{customdata[2]:.3f}<extra></extra>"
                : "layer %{customdata[0]}, neuron %{customdata[1]}<br>a = %{customdata[2]:.3f}<br>z = %{customdata[3]:.3f}<extra></extra>"),
            ("marker", Obj(
                ("color", shown.Select(j => a[j]).ToArray()),
                ("colorscale", Grey), ("cmin", 0.0), ("cmax", 1.0),
                ("size", NeuronSize(maxSlots)),
                ("line", Obj(("color", "rgb(120,120,120)"), ("width", 1.5))))));
        if (layer.EllipsisAfter is not null)
            yield return NewTrace("scatter", ("name", $"layer {l} (more)"), ("mode", "text"),
                ("x", new[] { (double)l }), ("y", new[] { layer.EllipsisY }), ("text", new[] { "⋮" }),
                ("textfont", Obj(("size", 22))), ("hoverinfo", "skip"));
    }

    /// <summary>
    /// Lines from every shown neuron k of layer l − 1 to every shown neuron j of layer l, grouped into a few traces by
    /// sign and by |Wˡ[j, k]| relative to the layer's largest shown weight (4 buckets: thin and faint … thick and opaque).
    /// </summary>
    private static IEnumerable<Trace> ConnectionTraces(ForwardPass pass, DiagramLayer[] layers, bool inputAsImage)
    {
        const int buckets = 4;
        var segments = new Dictionary<(bool Positive, int Bucket), (List<double?> X, List<double?> Y)>();
        for (int l = inputAsImage ? 2 : 1; l < layers.Length; l++)
        {
            var W = pass[l].W;
            var from = layers[l - 1];
            var to = layers[l];
            double max = to.Shown.SelectMany(j => from.Shown.Select(k => Math.Abs(W[j, k]))).DefaultIfEmpty(0).Max();
            if (!(max > 0)) continue;
            foreach (int j in to.Shown)
                foreach (int k in from.Shown)
                {
                    double w = W[j, k];
                    int bucket = Math.Min(buckets - 1, (int)(Math.Abs(w) / max * buckets));
                    var key = (w >= 0, bucket);
                    if (!segments.TryGetValue(key, out var s)) segments[key] = s = ([], []);
                    s.X.AddRange([l - 1, l, null]);
                    s.Y.AddRange([from.Y(k), to.Y(j), null]);
                }
        }
        foreach (var ((positive, bucket), (x, y)) in segments.OrderBy(kv => kv.Key.Bucket))
            yield return NewTrace("scatter",
                ("name", $"{(positive ? "positive" : "negative")} weights, |w| bucket {bucket + 1}/{buckets}"),
                ("mode", "lines"), ("x", x.ToArray()), ("y", y.ToArray()),
                ("line", Obj(("color", positive ? Positive : Negative), ("width", 0.5 + 1.2 * bucket))),
                ("opacity", 0.12 + 0.25 * bucket),
                ("hoverinfo", "skip"));
    }

    /// <summary>
    /// One example's path through the network: for every layer l = 1…L the weighted sums zˡ (red/blue, centred on 0)
    /// beside the activations aˡ = σ(zˡ) (grey, 0 black … 1 white), one cell per neuron with its value written in.
    /// </summary>
    public static GenericChart Layers(ForwardPass pass, int example = 0)
    {
        ArgumentNullException.ThrowIfNull(pass);
        if (example < 0 || example >= pass.ExampleCount)
            throw new ArgumentOutOfRangeException(nameof(example), example, $"The pass holds examples 0–{pass.ExampleCount - 1}.");
        var panels = new List<Panel>();
        for (int l = 1; l <= pass.LayerCount; l++)
        {
            var z = pass[l].Z.Column(example);
            var a = pass[l].A.Column(example);
            double limit = Math.Max(z.AbsoluteMaximum(), 1e-12);
            var zTrace = HeatmapTrace(z.Select(v => new[] { v }).ToArray(), Diverging, -limit, limit, zmid: 0,
                hover: $"layer {l}, neuron %{{y}}: z = %{{z:.3f}}", showScale: false);
            var aTrace = HeatmapTrace(a.Select(v => new[] { v }).ToArray(), Grey, 0, 1, zmid: null,
                hover: $"layer {l}, neuron %{{y}}: a = %{{z:.3f}}", showScale: false);
            foreach (var t in new[] { zTrace, aTrace })
            {
                t.SetProperty("texttemplate", "%{z:.2f}");
                t.SetProperty("xgap", 2);
                t.SetProperty("ygap", 2);
            }
            aTrace.SetProperty("textfont", Obj(("color", "rgb(230,120,0)")));
            string kind = l == pass.LayerCount ? "output" : "hidden";
            panels.Add(new Panel($"z{Sup(l)} ({kind})", [zTrace], Image: false, YTitle: l == 1 ? "neuron j" : null));
            panels.Add(new Panel($"a{Sup(l)} = σ(z{Sup(l)})", [aTrace], Image: false));
        }
        var chart = Grid(panels, columns: panels.Count, $"One example through the network: z and a = σ(z) in every layer",
            width: 160 + 130 * panels.Count, height: 640, gapX: 0.25, gapY: 0.06);
        var layout = GenericChart.getLayout(chart);
        for (int p = 0; p < panels.Count; p++)
        {
            string n = p == 0 ? "" : (p + 1).ToString(CultureInfo.InvariantCulture);
            ((LinearAxis)layout.TryGetPropertyValue("xaxis" + n).Value).SetProperty("showticklabels", false);
            ((LinearAxis)layout.TryGetPropertyValue("xaxis" + n).Value).SetProperty("ticks", "");
            ((LinearAxis)layout.TryGetPropertyValue("yaxis" + n).Value).SetProperty("dtick", 1);
        }
        return chart;
    }
}
