using NeuralNetworks.Data;
using NeuralNetworks.Model;
using NeuralNetworks.Training;
using Plotly.NET;

namespace NeuralNetworks.Plotting;

// Charts of notebooks 02 and 04: a preview of weights during training, and the step function beside σ.
public static partial class Charts
{
    /// <summary>
    /// A preview, computed for you: trains a copy of <paramref name="network"/> with Nielsen's recipe (η = 3, mini-batches of
    /// 10) for <paramref name="epochs"/> epochs on <paramref name="training"/>, keeping Wˡ after every epoch, and shows the
    /// weights as images with a slider over the epochs (<see cref="WeightImagesOverEpochs"/>). The network passed in is
    /// not changed. How training works is the subject of notebooks 06–09.
    /// </summary>
    /// <param name="network">The network to start from.</param>
    /// <param name="training">The digits to train on.</param>
    /// <param name="epochs">How many passes over the digits.</param>
    /// <param name="layer">Whose weights to show (1: what the first hidden layer looks for).</param>
    public static GenericChart TrainedWeightsPreview(Network network, DataSet training, int epochs = 10, int layer = 1)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(training);
        var history = network.Train(training, TrainingRecipe.Nielsen.Options with { Epochs = epochs, RecordSnapshots = true }).History;
        return WeightImagesOverEpochs(history, layer);
    }

    /// <summary>
    /// The step function of a perceptron, step(z) = 1 for z &gt; 0 and 0 otherwise, beside σ(z) (left), and their slopes
    /// (right): step′(z) = 0 wherever it exists (at z = 0 the step jumps and has no slope), σ′(z) = σ(z)(1 − σ(z)) &gt; 0
    /// everywhere. A small change in a weight moves σ(z) a little; it moves step(z) not at all, or all the way from 0 to 1.
    /// </summary>
    /// <param name="zMax">The z axis runs from −zMax to zMax.</param>
    public static GenericChart StepBesideSigmoid(double zMax = 6)
    {
        var left = Enumerable.Range(0, 121).Select(i => -zMax + i * zMax / 120).ToArray();    // −zMax … 0
        var right = left.Select(z => -z).Reverse().ToArray();                                 // 0 … zMax
        var z = left.Concat(right.Skip(1)).ToArray();
        var sigma = Activation.Sigmoid;
        const string stepColour = "rgb(230,120,0)", sigmaColour = "rgb(40,40,40)";
        Trace Segment(string name, double[] x, double y, bool legend) => ShowInLegend(CurveTrace(name, x, x.Select(_ => y).ToArray(), stepColour,
            $"{name}(%{{x:.2f}}) = %{{y:.0f}}"), legend);
        // The jump: a filled circle at (0, 0), for step(0) = 0, and an open one at (0, 1), where the right piece starts.
        var ends = NewTrace("scatter", ("name", "step at 0"), ("mode", "markers"), ("x", new[] { 0.0, 0.0 }), ("y", new[] { 0.0, 1.0 }),
            ("marker", Obj(("color", new[] { stepColour, "white" }), ("size", 9), ("line", Obj(("color", stepColour), ("width", 2))))),
            ("hovertemplate", "step(0) = 0: the jump<extra></extra>"), ("showlegend", false));
        var functions = new[]
        {
            Segment("step", left, 0, legend: true), Segment("step", right.Skip(1).ToArray(), 1, legend: false), ends,
            CurveTrace("σ", z, z.Select(sigma.Apply).ToArray(), sigmaColour, "σ(%{x:.2f}) = %{y:.3f}"),
        };
        var slopes = new[]
        {
            ShowInLegend(CurveTrace("step′", left.Take(120).ToArray(), new double[120], stepColour, "step′(%{x:.2f}) = 0"), false),
            ShowInLegend(CurveTrace("step′", right.Skip(1).ToArray(), new double[120], stepColour, "step′(%{x:.2f}) = 0"), false),
            NewTrace("scatter", ("name", "no slope at 0"), ("mode", "markers"), ("x", new[] { 0.0 }), ("y", new[] { 0.0 }),
                ("marker", Obj(("color", "white"), ("size", 9), ("line", Obj(("color", stepColour), ("width", 2))))),
                ("hovertemplate", "z = 0: the step jumps, no slope<extra></extra>"), ("showlegend", false)),
            ShowInLegend(CurveTrace("σ′", z, z.Select(sigma.Derivative).ToArray(), sigmaColour, "σ′(%{x:.2f}) = %{y:.4f}"), false),
        };
        var chart = Grid(
            [new Panel("step(z) and σ(z)", functions, Image: false, XTitle: "z"), new Panel("their slopes: step′(z) = 0, σ′(z) > 0", slopes, Image: false, XTitle: "z")],
            columns: 2, "A perceptron's step beside the sigmoid: the step is flat everywhere it has a slope", 900, 420, gapX: 0.15, gapY: 0.12);
        var ys = GraphAxes(chart, 2);
        ys[0].SetProperty("range", new[] { -0.1, 1.1 });
        ys[1].SetProperty("range", new[] { -0.02, 0.3 });
        foreach (var y in ys) y.SetProperty("zeroline", true);
        GenericChart.getLayout(chart).SetProperty("showlegend", true);
        return chart;
    }

    private static Trace ShowInLegend(Trace trace, bool show)
    {
        trace.SetProperty("showlegend", show);
        return trace;
    }
}
