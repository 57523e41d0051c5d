using System.Net;
using System.Text;
using Markdig;

namespace NeuralNetworks.Notebooks;

/// <summary>
/// Turns an executed notebook into one self-contained HTML page: markdown rendered with Markdig (pipe tables,
/// maths), maths typeset by KaTeX, code highlighted by highlight.js, outputs shown as Jupyter shows them, and
/// plotly.js inlined once for every chart on the page. Nothing is fetched from the network when it is viewed.
/// </summary>
public sealed partial class HtmlExporter(WebAssets assets)
{
    private static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseMathematics()
        .UseEmphasisExtras()
        .UseAutoIdentifiers()
        .UseAutoLinks()
        .UseTaskLists()
        .Build();

    private readonly OutputRenderer _outputs = new();
    private string? _plotlyJs;

    /// <summary>Renders markdown the way the pages do (exposed for tests).</summary>
    public static string RenderMarkdown(string markdown) => Markdig.Markdown.ToHtml(markdown, Markdown);

    /// <summary>The page for <paramref name="notebook"/>; <paramref name="title"/> is its H1 (or file name).</summary>
    public string Export(NotebookFile notebook, string title)
    {
        var body = new StringBuilder();
        var cellNumber = 0;
        _outputs.ChartSeen = false;
        foreach (var cell in notebook.Cells)
        {
            cellNumber++;
            var source = NotebookFile.Source(cell);
            switch (NotebookFile.CellType(cell))
            {
                case "markdown":
                    body.Append($"<section class=\"cell markdown\" id=\"cell-{cellNumber}\">")
                        .Append(RenderMarkdown(source)).Append("</section>\n");
                    break;
                case "code":
                    var count = (int?)cell["execution_count"];
                    body.Append($"<section class=\"cell code\" id=\"cell-{cellNumber}\">")
                        .Append($"<div class=\"prompt\">In [{(count is null ? " " : count.ToString())}]:</div>")
                        .Append("<pre class=\"source\"><code class=\"language-csharp\">")
                        .Append(WebUtility.HtmlEncode(source)).Append("</code></pre>");
                    body.Append(_outputs.RenderOutputs(cell));
                    body.Append("</section>\n");
                    break;
                default:
                    body.Append($"<section class=\"cell raw\" id=\"cell-{cellNumber}\"><pre>")
                        .Append(WebUtility.HtmlEncode(source)).Append("</pre></section>\n");
                    break;
            }
        }

        if (_outputs.ChartSeen)
        {
            _plotlyJs ??= WebAssets.PlotlyJs();
            PlotlyMissing |= _plotlyJs is null;
        }
        return Page(title, body.ToString(), _outputs.ChartSeen ? _plotlyJs : null);
    }

    /// <summary>True when a chart needed plotly.js and it could not be found (the caller warns once).</summary>
    public bool PlotlyMissing { get; private set; }

    private string Page(string title, string body, string? plotlyJs)
    {
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append($"<title>{WebUtility.HtmlEncode(title)}</title>\n")
            .Append("<style>\n").Append(PageCss).Append("\n</style>\n");
        if (assets.KatexCss is { } katexCss) page.Append("<style>\n").Append(katexCss).Append("\n</style>\n");
        if (assets.HighlightCss is { } highlightCss) page.Append("<style>\n").Append(highlightCss).Append("\n</style>\n");
        if (plotlyJs is not null) page.Append(OutputRenderer.PlotlyScripts(plotlyJs));
        page.Append("</head>\n<body>\n<main>\n").Append(body).Append("</main>\n");
        if (assets.KatexJs is { } katexJs)
        {
            page.Append("<script>\n").Append(OutputRenderer.EscapeScript(katexJs)).Append("\n</script>\n")
                .Append("<script>\n").Append(OutputRenderer.KatexRender).Append("\n</script>\n");
        }
        if (assets.HighlightJs is { } highlightJs)
        {
            page.Append("<script>\n").Append(OutputRenderer.EscapeScript(highlightJs)).Append("\n</script>\n")
                .Append("<script>\nhljs.highlightAll();\n</script>\n");
        }
        if (plotlyJs is not null) page.Append("<script>\n").Append(FitCharts).Append("\n</script>\n");
        page.Append("</body>\n</html>\n");
        return page.ToString();
    }

    /// <summary>Makes chart output draw from the page's own plotly.js (see <see cref="OutputRenderer.WithoutRemotePlotly"/>).</summary>
    public static string WithoutRemotePlotly(string html) => OutputRenderer.WithoutRemotePlotly(html);

    private const string FitCharts = """
        // A chart keeps the width it was made with; one wider than the page's column is redrawn at the column's width.
        window.addEventListener('load', function () {
          document.querySelectorAll('.js-plotly-plot').forEach(function (plot) {
            var room = (plot.closest('.output') || plot.parentElement).clientWidth;
            if (plot.layout && plot.layout.width > room) { plot.style.width = room + 'px'; Plotly.relayout(plot, { width: room }); }
          });
        });
        """;

    private const string PageCss = """
        body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; line-height: 1.5; color: #1f2328; margin: 0; }
        main { max-width: 960px; margin: 0 auto; padding: 2rem 1rem 4rem; }
        .cell { margin: 0.75rem 0; }
        .cell.code { border-left: 3px solid #d0d7de; padding-left: 0.75rem; }
        .prompt { color: #57606a; font: 0.75rem monospace; }
        pre { background: #f6f8fa; padding: 0.6rem; overflow-x: auto; border-radius: 4px; font-size: 0.85rem; }
        pre.source { margin: 0.2rem 0; } pre.source code.hljs { padding: 0; background: transparent; }
        .output { margin: 0.3rem 0; overflow-x: auto; }
        pre.output { background: #fff; border: 1px solid #eaeef2; }
        pre.stderr { background: #fff8e6; }
        pre.error { background: #ffebe9; color: #b3261e; border-color: #ffcecb; }
        table { border-collapse: collapse; margin: 0.5rem 0; }
        th, td { border: 1px solid #d0d7de; padding: 0.25rem 0.6rem; }
        th { background: #f6f8fa; }
        div.math { overflow-x: auto; }
        """;
}
