using System.Net;
using System.Text;
using Markdig;

namespace NeuralNetworks.Notebooks;

/// <summary>Which readers a set of pages is for.</summary>
public enum PageEdition
{
    /// <summary>The class's pages: the notebooks run without their solution cells, so every exercise shows "not answered yet".</summary>
    Student,

    /// <summary>The teacher's pages: each worked solution is kept, labelled and folded under its exercise.</summary>
    Teacher,
}

/// <summary>
/// Turns an executed notebook into an HTML page: markdown rendered with Markdig (pipe tables, maths), maths typeset
/// by KaTeX, code highlighted by highlight.js, outputs shown as Jupyter shows them, and plotly.js once for every chart
/// on the page — inlined, or linked from the folder's shared copy (<see cref="WebAssets.Inline"/>). Nothing is fetched
/// from the network when it is viewed. In the <see cref="PageEdition.Teacher"/> edition, cells tagged "solution" are
/// folded under a label; the <see cref="PageEdition.Student"/> edition is exported from notebooks without them.
/// </summary>
public sealed class HtmlExporter(WebAssets assets, PageEdition edition = PageEdition.Student)
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

    /// <summary>The page for <paramref name="notebook"/>; <paramref name="title"/> is its H1 (or file name);
    /// <paramref name="solutionsRemoved"/> says how many solution cells the students' edition took out (its banner says so).</summary>
    public string Export(NotebookFile notebook, string title, int solutionsRemoved = 0)
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
                    var solution = NotebookFile.IsSolution(cell);
                    if (solution)
                        body.Append("<details class=\"solution\"><summary>Worked solution (teacher's edition) — click to open</summary>\n");
                    body.Append($"<section class=\"cell code\" id=\"cell-{cellNumber}\">")
                        .Append($"<div class=\"prompt\">In [{(count is null ? " " : count.ToString())}]:</div>")
                        .Append("<pre class=\"source\"><code class=\"language-csharp\">")
                        .Append(WebUtility.HtmlEncode(source)).Append("</code></pre>");
                    body.Append(_outputs.RenderOutputs(cell));
                    body.Append("</section>\n");
                    if (solution) body.Append("</details>\n");
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
        return Page(title, EditionBanner(notebook, solutionsRemoved) + body, _outputs.ChartSeen ? _plotlyJs : null);
    }

    /// <summary>True when a chart needed plotly.js and it could not be found (the caller warns once).</summary>
    public bool PlotlyMissing { get; private set; }

    // What the page is for, said at its top (and in a meta tag tools can read).
    private string EditionBanner(NotebookFile notebook, int solutionsRemoved) => edition switch
    {
        PageEdition.Teacher when notebook.Cells.Any(NotebookFile.IsSolution) =>
            "<p class=\"edition\">Teacher's edition: each worked solution is folded under its exercise. The students' pages are written without <code>--solutions</code>.</p>\n",
        PageEdition.Student when solutionsRemoved > 0 =>
            "<p class=\"edition\">Students' edition: the exercises are not answered on this page — answer them in the notebook, where each check says ✓ or what is wrong.</p>\n",
        _ => "",
    };

    private string Page(string title, string body, string? plotlyJs)
    {
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append($"<meta name=\"edition\" content=\"{edition.ToString().ToLowerInvariant()}\">\n")
            .Append($"<title>{WebUtility.HtmlEncode(title)}</title>\n")
            .Append("<style>\n").Append(PageCss).Append("\n</style>\n")
            .Append(assets.Style(WebAssets.KatexCssFile, assets.KatexCss))
            .Append(assets.Style(WebAssets.HighlightCssFile, assets.HighlightCss));
        if (plotlyJs is not null) page.Append(OutputRenderer.PlotlyScripts(assets, plotlyJs));
        page.Append("</head>\n<body>\n<main>\n").Append(body).Append("</main>\n")
            .Append(assets.Script(WebAssets.KatexJsFile, assets.KatexJs))
            .Append("<script>\n").Append(OutputRenderer.KatexRender).Append("\n</script>\n")
            .Append(assets.Script(WebAssets.HighlightJsFile, assets.HighlightJs))
            .Append("<script>\nhljs.highlightAll();\n</script>\n");
        if (plotlyJs is not null) page.Append("<script>\n").Append(FitCharts).Append("\n</script>\n");
        page.Append("</body>\n</html>\n");
        return page.ToString();
    }

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
        p.edition { color: #57606a; font-size: 0.85rem; border-bottom: 1px solid #d0d7de; padding-bottom: 0.4rem; }
        details.solution { margin: 0.5rem 0; border: 1px dashed #bf8700; border-radius: 4px; padding: 0.2rem 0.6rem; }
        details.solution > summary { color: #9a6700; cursor: pointer; font-weight: bold; }
        """;
}
