using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Model;
using NeuralNetworks.Plotting;
using NeuralNetworks.Training;
using Plotly.NET;

namespace NeuralNetworks.Course;

/// <summary>
/// How the library's values look in a notebook: the HTML that the notebooks' setup cell registers as the
/// display of each type. Charts are drawn by plotly.js, which <see cref="PlotlyLoader"/> puts on the page once,
/// from Plotly.NET's own copy, so nothing is fetched from the internet.
/// </summary>
/// <remarks>This class only makes strings; the setup cell hands them to the kernel's formatter, so the library
/// needs no reference to a notebook kernel.</remarks>
public static class NotebookHtml
{
    /// <summary>The largest matrix (rows and columns) shown as a table of numbers; anything bigger is a heatmap.</summary>
    public const int TableLimit = 16;

    private static readonly Lazy<OfflinePlotly> Loader = new(LoadPlotly);

    /// <summary>The types <see cref="Of"/> knows how to show; the setup cell registers a formatter for each.</summary>
    public static IReadOnlyList<Type> FormattedTypes { get; } =
    [
        typeof(OfflinePlotly), typeof(GenericChart), typeof(Matrix<double>), typeof(Vector<double>),
        typeof(ForwardPass), typeof(BackwardPass), typeof(TrainingHistory), typeof(GradientCheckResult), typeof(EvaluationResult),
        typeof(Playground),
    ];

    /// <summary>
    /// plotly.js as Plotly.NET embeds it. Displaying it (the setup cell's last line) puts plotly.js on the page once,
    /// for every chart below it.
    /// </summary>
    public static OfflinePlotly PlotlyLoader => Loader.Value;

    /// <summary>The HTML for <paramref name="value"/>, one of the <see cref="FormattedTypes"/>.</summary>
    /// <param name="value">The value a cell displayed.</param>
    public static string Of(object value) => value switch
    {
        OfflinePlotly plotly => plotly.Html,
        GenericChart chart => Chart(chart),
        Matrix<double> m => Matrix(m),
        Vector<double> v => Vector(v),
        ForwardPass pass => WithSummary(pass, Charts.Layers(pass)),
        BackwardPass pass => WithSummary(pass, Charts.Gradients(pass)),
        TrainingHistory history => WithSummary(history, Charts.History(history)),
        GradientCheckResult result => WithSummary(result, Charts.GradientCheck(result)),
        EvaluationResult result => WithSummary(result, Charts.Confusion(result)),
        Playground playground => playground.InlineHtml,
        null => throw new ArgumentNullException(nameof(value)),
        _ => throw new ArgumentException($"NotebookHtml cannot show a {value.GetType().Name}.", nameof(value)),
    };

    /// <summary>A chart as a div and the script that draws it with the plotly.js of <see cref="PlotlyLoader"/>; no CDN, no require.js.</summary>
    /// <param name="chart">Any Plotly.NET chart.</param>
    public static string Chart(GenericChart chart) => $"<div class=\"nn-chart\">{Charts.ToHtml(chart)}</div>";

    /// <summary>A matrix with its shape: a table of numbers up to <see cref="TableLimit"/> × <see cref="TableLimit"/>, a heatmap above.</summary>
    /// <param name="m">The matrix.</param>
    public static string Matrix(Matrix<double> m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var shape = $"{m.RowCount} × {m.ColumnCount} matrix";
        return m.RowCount <= TableLimit && m.ColumnCount <= TableLimit
            ? Table(shape, m.RowCount, m.ColumnCount, (i, j) => m[i, j])
            : Captioned(shape, Chart(Charts.Heatmap(m)));
    }

    /// <summary>
    /// A vector with its length: a column of numbers up to <see cref="TableLimit"/> entries; above that a square
    /// picture when it looks like an image (e.g. 784 entries in [0, 1]), otherwise a one-row heatmap.
    /// </summary>
    /// <param name="v">The vector.</param>
    public static string Vector(Vector<double> v)
    {
        ArgumentNullException.ThrowIfNull(v);
        var shape = $"vector of {v.Count}";
        if (v.Count <= TableLimit) return Table(shape, v.Count, 1, (i, _) => v[i]);
        var side = (int)Math.Round(Math.Sqrt(v.Count));
        return side * side == v.Count && v.All(x => x is >= 0 and <= 1)
            ? Captioned($"{shape}, drawn as a {side} × {side} image", Chart(Charts.Digit(v, "")))
            : Captioned(shape, Chart(Charts.Heatmap(v.ToRowMatrix(), xTitle: "entry i", yTitle: "")));
    }

    private static string WithSummary(object value, GenericChart chart) =>
        $"<div class=\"nn-value\"><div class=\"nn-summary\">{WebUtility.HtmlEncode(value.ToString())}</div>{Chart(chart)}</div>";

    private static string Captioned(string caption, string body) =>
        $"<div class=\"nn-value\"><div style=\"font-style:italic\">{caption}</div>{body}</div>";

    private static string Table(string caption, int rows, int columns, Func<int, int, double> entry)
    {
        var html = new StringBuilder();
        html.Append("<table class=\"nn-matrix\" style=\"border-collapse:collapse;font-family:monospace;font-size:12px\">");
        html.Append($"<caption style=\"caption-side:top;text-align:left;font-style:italic\">{caption}</caption><tr><th></th>");
        for (var j = 0; j < columns; j++) html.Append($"<th style=\"padding:1px 6px;color:gray\">{j}</th>");
        html.Append("</tr>");
        for (var i = 0; i < rows; i++)
        {
            html.Append($"<tr><th style=\"padding:1px 6px;color:gray\">{i}</th>");
            for (var j = 0; j < columns; j++)
                html.Append($"<td style=\"padding:1px 6px;text-align:right\">{entry(i, j).ToString("G4", CultureInfo.InvariantCulture)}</td>");
            html.Append("</tr>");
        }
        return html.Append("</table>").ToString();
    }

    private static OfflinePlotly LoadPlotly()
    {
        var plotlyJs = Charts.PlotlyJs.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase);
        var version = Regex.Match(plotlyJs, @"plotly\.js v(\d+\.\d+\.\d+)") is { Success: true } found ? found.Groups[1].Value : "";
        return new OfflinePlotly(version, $$"""
            <div class="nn-plotly-loader" style="font-size:smaller;color:gray">Charts: plotly.js {{version}} from Plotly.NET, no internet needed.</div>
            <script type="text/javascript">
            (function () {
              if (window.Plotly) return;
              var savedDefine = window.define;
              window.define = undefined;
              try {
            {{plotlyJs}}
              } finally {
                window.define = savedDefine;
              }
            })();
            </script>
            """);
    }
}

/// <summary>plotly.js, to put on a notebook page once so charts draw without the internet.</summary>
/// <param name="Version">The plotly.js version, e.g. "2.28.0".</param>
/// <param name="Html">
/// A script holding plotly.js and a line saying so. The script hides <c>window.define</c> while plotly.js runs, so
/// plotly.js sets <c>window.Plotly</c> even where require.js is loaded, and does nothing when the page has it already.
/// </param>
public sealed record OfflinePlotly(string Version, string Html)
{
    /// <inheritdoc/>
    public override string ToString() => $"plotly.js {Version} (offline, from Plotly.NET)";
}
