using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Data;
using NeuralNetworks.Model;
using Plotly.NET;

namespace NeuralNetworks.Plotting;

/// <summary>
/// A trained network as a page a student can touch: a drawing surface, the preprocessed 28×28 input, the ten output
/// activations, the network diagram shaded by every activation, and "what would make it a …?" (the input gradient).
/// The page carries the network (in <see cref="NetworkJson"/>'s format, in
/// <c>&lt;script type="application/json" id="network"&gt;</c>), a few hundred test digits and a small script that
/// runs the forward pass and backpropagation itself; it needs no kernel and no internet. Made by
/// <see cref="Charts.Playground(Network, DataSet?, int)"/>.
/// </summary>
/// <remarks>
/// The page's script exposes <c>window.playground.classify(pixels)</c> (784 numbers in [0, 1] →
/// <c>{ outputs, activations, weightedSums }</c>, with <c>activations[l]</c> = aˡ for l = 0…L) and
/// <c>window.playground.preprocess(ink, width, height)</c> (→ 784 numbers, as <see cref="Preprocess"/>).
/// </remarks>
public sealed class Playground
{
    /// <summary>The side of an MNIST image, in pixels.</summary>
    public const int Side = 28;

    /// <summary>The side of the box a digit is fitted into, inside the 28×28 field.</summary>
    public const int Box = 20;

    private static int counter;
    private readonly string diagramJson;
    private readonly string digitsJson;
    private readonly string networkJson;

    internal Playground(Network network, DataSet digits, int digitCount)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(digits);
        if (network.Sizes[0] != Side * Side)
            throw new ArgumentException($"The playground draws 28×28 digits, but this {network.Shape} network takes {network.Sizes[0]} inputs.", nameof(network));
        if (!network.OutputActivation.IsNumberByNumber)
            throw new ArgumentException($"The playground's page runs the network in JavaScript, which knows the activations that work number by number " +
                                        $"(sigmoid, tanh, relu); this network's output layer is {network.OutputActivation.Name}, which it cannot draw.", nameof(network));
        if (digits.InputSize != Side * Side)
            throw new ArgumentException($"The test digits have {digits.InputSize} pixels, not {Side * Side}.", nameof(digits));
        if (digitCount < 1)
            throw new ArgumentOutOfRangeException(nameof(digitCount), digitCount, "Put at least one test digit into the page.");
        Network = network;
        DigitCount = Math.Min(digitCount, digits.Count);

        // The library's own save format, without the indentation (numbers keep their round-trip text).
        networkJson = JsonNode.Parse(NetworkJson.ToJson(network))!.ToJsonString();
        var pixels = new byte[DigitCount * Side * Side];
        for (int i = 0; i < DigitCount; i++)
        {
            var image = digits.Image(i);
            for (int p = 0; p < image.Count; p++) pixels[i * Side * Side + p] = (byte)Math.Round(image[p] * 255);
        }
        digitsJson = new JsonObject
        {
            ["labels"] = new JsonArray(Enumerable.Range(0, DigitCount).Select(i => (JsonNode)digits.Label(i)).ToArray()),
            ["pixels"] = Convert.ToBase64String(pixels),
        }.ToJsonString();
        diagramJson = GenericChart.toJson(Charts.NetworkDiagram(network.Forward(digits.Image(0))));
    }

    /// <summary>The network the page runs.</summary>
    public Network Network { get; }

    /// <summary>How many test digits the page holds (the first ones of the data set).</summary>
    public int DigitCount { get; }

    /// <summary>The whole page: plotly.js inline (one copy), the playground, nothing fetched from anywhere.</summary>
    public string Html => Page(plotlySource: null);

    /// <summary>
    /// The whole page, loading plotly.js from <paramref name="plotlySource"/> (a path relative to the page, e.g. a
    /// folder of pages sharing one copy), or inline when it is null.
    /// </summary>
    public string Page(string? plotlySource) => new StringBuilder()
        .Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .Append("<title>Playground: draw a digit</title>\n")
        .Append("<style>\nbody { margin: 0; } main { max-width: 1200px; margin: 0 auto; padding: 1rem; }\n")
        .Append("h1 { font-family: -apple-system, \"Segoe UI\", Helvetica, Arial, sans-serif; font-size: 1.6rem; }\n</style>\n")
        .Append(plotlySource is null
            ? "<script>\n" + EscapeScript(Charts.PlotlyJs) + "\n</script>\n"
            : $"<script src=\"{System.Net.WebUtility.HtmlEncode(plotlySource)}\"></script>\n")
        .Append("</head>\n<body>\n<main>\n")
        .Append("<h1>Draw a digit and watch every neuron</h1>\n")
        .Append(Fragment("playground", "network"))
        .Append("</main>\n</body>\n</html>\n")
        .ToString();

    /// <summary>
    /// The playground for a notebook output: its markup and script, without plotly.js (the notebook's setup puts
    /// plotly.js on the page once).
    /// </summary>
    public string InlineHtml
    {
        get
        {
            var id = "playground-" + Interlocked.Increment(ref counter).ToString(CultureInfo.InvariantCulture);
            return Fragment(id, id + "-network");
        }
    }

    /// <summary>Writes the page to a file (folders are created); open it in any browser. See <see cref="Page"/> for
    /// <paramref name="plotlySource"/>.</summary>
    public void Save(string path, string? plotlySource = null)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        File.WriteAllText(path, Page(plotlySource), new UTF8Encoding(false));
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"Playground of the {Network.Shape} network with {DigitCount} test digits (works offline; Save(path) writes the page)";

    /// <summary>
    /// A drawing made the way MNIST's digits were: the ink's bounding box fitted into 20×20 pixels (aspect ratio
    /// kept), its centre of mass put at the centre of the 28×28 field, and each of the 784 pixels the average ink of
    /// the patch of the drawing it covers (so edges are grey: anti-aliased). The playground page does the same in
    /// JavaScript, number for number.
    /// </summary>
    /// <remarks>
    /// With s = max(box width, box height)/20 drawing pixels per MNIST pixel and (cx, cy) the centre of mass
    /// (pixel centres at x + ½), MNIST pixel (r, c) covers the square from (cx + (c − 14)s, cy + (r − 14)s), s wide.
    /// </remarks>
    /// <param name="ink">width × height numbers in [0, 1], row by row (0 = no ink).</param>
    /// <param name="width">Columns of the drawing.</param>
    /// <param name="height">Rows of the drawing.</param>
    /// <returns>784 numbers in [0, 1], row by row; all zero for an empty drawing.</returns>
    public static Vector<double> Preprocess(IReadOnlyList<double> ink, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(ink);
        if (width < 1 || height < 1 || ink.Count != width * height)
            throw new ArgumentException($"A {width}×{height} drawing has {width * height} pixels, not {ink.Count}.", nameof(ink));
        double mass = 0, mx = 0, my = 0;
        int x0 = width, x1 = -1, y0 = height, y1 = -1;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double v = ink[y * width + x];
                if (!(v > 0)) continue;
                mass += v; mx += v * (x + 0.5); my += v * (y + 0.5);
                x0 = Math.Min(x0, x); x1 = Math.Max(x1, x); y0 = Math.Min(y0, y); y1 = Math.Max(y1, y);
            }
        var output = Vector<double>.Build.Dense(Side * Side);
        if (mass == 0) return output;
        double step = Math.Max(x1 - x0 + 1, y1 - y0 + 1) / (double)Box;   // drawing pixels per MNIST pixel
        double cx = mx / mass, cy = my / mass;
        var rows = Enumerable.Range(0, Side).Select(t => Overlaps(cy + (t - Side / 2) * step, step, height)).ToArray();
        var columns = Enumerable.Range(0, Side).Select(t => Overlaps(cx + (t - Side / 2) * step, step, width)).ToArray();
        for (int r = 0; r < Side; r++)
            for (int c = 0; c < Side; c++)
            {
                double sum = 0;
                foreach (var (row, rowPart) in rows[r])
                    foreach (var (column, columnPart) in columns[c])
                        sum += ink[row * width + column] * columnPart * rowPart;
                output[r * Side + c] = Math.Min(1, sum / (step * step));
            }
        return output;
    }

    /// <summary>The drawing's pixels i that [start, start + length) covers, with how much of each.</summary>
    private static List<(int Index, double Part)> Overlaps(double start, double length, int count)
    {
        double end = start + length;
        var parts = new List<(int, double)>();
        for (int i = Math.Max(0, (int)Math.Floor(start)); i < Math.Min(count, (int)Math.Ceiling(end)); i++)
        {
            double part = Math.Min(i + 1, end) - Math.Max(i, start);
            if (part > 0) parts.Add((i, part));
        }
        return parts;
    }

    private string Fragment(string id, string networkId)
    {
        var bars = new StringBuilder();
        var options = new StringBuilder();
        int outputs = Network.Sizes[^1];
        for (int j = 0; j < outputs; j++)
        {
            bars.Append(CultureInfo.InvariantCulture, $"<div class=\"pg-bar\"><span class=\"pg-label\">{j}</span><span class=\"pg-track\"><span class=\"pg-fill\"></span></span><span class=\"pg-value\"></span></div>");
            options.Append(CultureInfo.InvariantCulture, $"<option value=\"{j}\"{(j == 8 ? " selected" : "")}>{j}</option>");
        }
        string about = WebUtility.HtmlEncode($"The {Network.Shape} network ({Network.ParameterCount:N0} weights and biases, " +
            $"{Network.Activation.Name} neurons), with the first {DigitCount} MNIST test digits.");
        var markup = Resource("playground.html")
            .Replace("{{ID}}", id, StringComparison.Ordinal)
            .Replace("{{NETWORK_ID}}", networkId, StringComparison.Ordinal)
            .Replace("{{NETWORK}}", EscapeScript(networkJson), StringComparison.Ordinal)
            .Replace("{{DIGITS}}", EscapeScript(digitsJson), StringComparison.Ordinal)
            .Replace("{{DIAGRAM}}", EscapeScript(diagramJson), StringComparison.Ordinal)
            .Replace("{{BARS}}", bars.ToString(), StringComparison.Ordinal)
            .Replace("{{OPTIONS}}", options.ToString(), StringComparison.Ordinal)
            .Replace("{{ABOUT}}", about, StringComparison.Ordinal);
        return new StringBuilder()
            .Append("<style>\n").Append(Resource("playground.css")).Append("</style>\n")
            .Append(markup)
            .Append("<script>\n").Append(EscapeScript(Resource("playground.js"))).Append("</script>\n")
            .ToString();
    }

    private static string Resource(string name)
    {
        using var stream = typeof(Playground).Assembly.GetManifestResourceStream("NeuralNetworks.Playground." + name)
            ?? throw new InvalidOperationException($"The library lacks its resource {name}.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    // A literal "</script" inside an inline script (or its JSON) would end it early.
    private static string EscapeScript(string text) => text.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase);
}
