using NeuralNetworks.Data;
using NeuralNetworks.Model;
using Plotly.NET;

namespace NeuralNetworks.Plotting;

public static partial class Charts
{
    /// <summary>
    /// Two rows of weight images (CS231n's templates beside 3Blue1Brown's hidden neurons): on top, W¹ of a network without
    /// hidden layers (e.g. 784-10), one 28×28 picture per output neuron, a template of its digit; below, the first
    /// <paramref name="count"/> rows of W¹ of a network with hidden layers (e.g. 784-16-16-10), the patterns its first-layer
    /// neurons look for. Blue positive, red negative, each row on its own scale ±max|w|.
    /// </summary>
    /// <param name="linear">A network whose first layer is its output layer (L = 1), its neurons the classes.</param>
    /// <param name="hidden">A network with hidden layers, the same number of inputs.</param>
    /// <param name="count">How many of the hidden network's first-layer neurons to show (at most one per template column).</param>
    public static GenericChart WeightTemplates(Network linear, Network hidden, int count = 10)
    {
        ArgumentNullException.ThrowIfNull(linear);
        ArgumentNullException.ThrowIfNull(hidden);
        if (linear.LayerCount != 1) throw new ArgumentException($"The template network has no hidden layer: {linear.Shape} has {linear.LayerCount} layers of weights.", nameof(linear));
        if (hidden.Sizes[0] != linear.Sizes[0]) throw new ArgumentException($"Both networks must take the same inputs: {linear.Shape} and {hidden.Shape}.", nameof(hidden));
        int columns = linear.Sizes[1];
        if (count < 1 || count > Math.Min(columns, hidden.Sizes[1]))
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Show 1…{Math.Min(columns, hidden.Sizes[1])} hidden neurons.");
        var (rows, cols) = ImageShape(linear.Sizes[0]);
        Panel Row(Network network, int j, string title, bool scale, string colorbar)
        {
            var W = network.W(1);
            double limit = MaxAbs(W);
            return new Panel(title, [HeatmapTrace(WeightImage(W, j, rows, cols, round: false), Diverging, -limit, limit, zmid: 0,
                hover: $"{title}<br>row %{{y}}, col %{{x}}: w = %{{z:.3f}}", showScale: scale, colorbarTitle: colorbar)]);
        }
        var panels = Enumerable.Range(0, columns).Select(j => Row(linear, j, $"digit {j}", j == 0, "w"))
            .Concat(Enumerable.Range(0, columns).Select(j => j < count ? Row(hidden, j, $"neuron {j}", false, "w") : new Panel("", [])))
            .ToArray();
        var chart = Grid(panels, columns,
            $"Each neuron's {linear.Sizes[0]} weights as a picture: templates (top), hidden neurons (bottom)<br>" +
            $"<sup>top: the {columns} output neurons of {linear.Shape}, one per digit · bottom: {count} of the {hidden.Sizes[1]} first-layer neurons of {hidden.Shape}</sup><br>" +
            "<sup>blue positive, red negative, each row on its own scale</sup>",
            width: 60 + 105 * columns, height: 420, gapX: 0.08, gapY: 0.2);
        GenericChart.getLayout(chart).SetProperty("margin", Obj(("t", 125)));   // room for the three-line title above the panels' titles
        return chart;
    }

    /// <summary>
    /// What each neuron of layer l responds to: for each neuron the <paramref name="count"/> examples of
    /// <paramref name="data"/> that light it up most (<see cref="NeuronResponses.Strongest"/>), strongest first, each titled
    /// with its label; two neurons per row.
    /// </summary>
    public static GenericChart StrongestResponses(Network network, DataSet data, int layer = 2, int count = 6)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        var strongest = NeuronResponses.Strongest(network, data, layer, count);
        var panels = new List<Panel>();
        for (int j = 0; j < strongest.Count; j++)
        {
            if (j % 2 == 1) panels.Add(new Panel("", []));   // a gap between the two neurons of a row
            for (int i = 0; i < count; i++)
            {
                int index = strongest[j][i], label = data.Label(index);
                panels.Add(new Panel(i == 0 ? $"<b>n{j}</b>: {label}" : $"{label}",
                    [HeatmapTrace(Rows(data.ImageMatrix(index)), Grey, 0, 1, zmid: null,
                        hover: $"neuron {j} of layer {layer}: its #{i + 1}, {data.Name} #{index} (label {label})<br>row %{{y}}, col %{{x}}: %{{z:.3f}}",
                        showScale: false)]));
            }
        }
        int columns = 2 * count + 1, gridRows = (strongest.Count + 1) / 2;
        return Grid(panels, columns,
            $"Each neuron of layer {layer}: the {count} {data.Name} digits that light it most, brightest first (title: its label)",
            width: 60 + 78 * columns, height: 90 + 92 * gridRows, gapX: 0.1, gapY: 0.22);
    }
}
