using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Model;
using NeuralNetworks.Data;
using NeuralNetworks.Training;
using NeuralNetworks.Plotting;
using NeuralNetworks.Course;

namespace NeuralNetworks.Notebooks;

/// <summary>
/// The course's front door, <c>index.html</c>, and its playground, <c>playground.html</c>: what the course is and for
/// whom, the network it builds, each notebook with what you will learn in it and how long it took to run, the
/// playground one click away, and how to open the notebooks live.
/// </summary>
public static partial class CourseHomePage
{
    /// <summary>The home page's title (and how a folder of earlier pages is recognised).</summary>
    public const string Title = "Neural networks, one matrix at a time";

    /// <summary>The playground page's file name in the output folder.</summary>
    public const string PlaygroundFile = "playground.html";

    /// <summary>
    /// Trains the network the playground shows (Nielsen's recipe, seed 1, on the 60,000 MNIST training digits, fast
    /// path) and writes <c>playground.html</c>; returns the network, or null with a warning when MNIST is not found.
    /// </summary>
    /// <param name="outDirectory">The folder of the pages.</param>
    /// <param name="log">Where progress and warnings go.</param>
    /// <param name="assets">The pages' assets: the playground loads plotly.js from their shared copy unless they are inline.</param>
    public static (Network Network, Vector<double> FirstTestDigit)? WritePlayground(string outDirectory, TextWriter log, WebAssets assets)
    {
        MnistData mnist;
        try
        {
            mnist = Mnist.Load();
        }
        catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException or InvalidDataException)
        {
            log.WriteLine($"warning: no playground page: {NotebookRunner.FirstLine(e.Message)}");
            return null;
        }
        var clock = Stopwatch.StartNew();
        var trained = TrainingRecipe.Nielsen.Train(mnist.Training, seed: 1).Network;
        var accuracy = trained.Evaluate(mnist.Test).Accuracy;
        Charts.Playground(trained, mnist.Test).Save(Path.Combine(outDirectory, PlaygroundFile),
            assets.Inline ? null : WebAssets.FolderName + "/" + WebAssets.PlotlyJsFile);
        log.WriteLine($"[playground] Nielsen's recipe, seed 1: {accuracy:P2} on the test digits; {PlaygroundFile} written in {clock.Elapsed.TotalSeconds:0.0}s");
        return (trained, mnist.Test.Image(0));
    }

    /// <summary>The home page for the notebooks that ran (<paramref name="notebooks"/> are their paths, in order), in
    /// the <paramref name="edition"/> its pages were written in.</summary>
    public static string Html(IReadOnlyList<string> notebooks, IReadOnlyList<NotebookOutcome> outcomes,
        (Network Network, Vector<double> FirstTestDigit)? trained, WebAssets assets, PageEdition edition = PageEdition.Student, bool decks = false)
    {
        var rows = new StringBuilder();
        for (var i = 0; i < outcomes.Count; i++)
        {
            var o = outcomes[i];
            var learn = i < notebooks.Count ? YouWillLearn(notebooks[i]) : [];
            var status = o.Skipped ? "not run" : o.Passed ? "✓" : $"✗ failed at cell {o.FailedCell}";
            var seconds = o.Skipped ? "—" : o.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
            var link = o.Skipped
                ? WebUtility.HtmlEncode(o.Title)
                : $"<a href=\"{Uri.EscapeDataString(o.Name)}.html\">{WebUtility.HtmlEncode(o.Title)}</a>";
            if (decks && !o.Skipped) link += $" <a class=\"deck\" href=\"{Uri.EscapeDataString(SlideDeck.FileName(o.Name))}\">slides</a>";
            var more = learn.Count > 1
                ? $"<details><summary>and {learn.Count - 1} more</summary><ul>{string.Concat(learn.Skip(1).Select(l => $"<li>{Inline(l)}</li>"))}</ul></details>"
                : "";
            rows.Append("<tr>")
                .Append($"<td class=\"title\">{link}<div class=\"file\">{WebUtility.HtmlEncode(o.Name)}.ipynb</div></td>")
                .Append($"<td class=\"learn\">{(learn.Count > 0 ? Inline(learn[0]) : "")}{more}</td>")
                .Append($"<td class=\"time\">{seconds}</td><td class=\"status\">{status}</td></tr>\n");
        }
        var passed = outcomes.Count(o => o.Passed);
        var total = outcomes.Where(o => !o.Skipped).Sum(o => o.Elapsed.TotalSeconds);
        var network = trained?.Network;
        var diagram = trained is { } t ? NotebookHtml.Chart(Charts.NetworkDiagram(t.Network, t.FirstTestDigit)) : "";
        var playground = network is null
            ? "<p>The playground was not written this time (the run's output says why).</p>"
            : $"<p><a class=\"button\" href=\"{PlaygroundFile}\">Open the playground: draw a digit and watch every neuron →</a></p>";

        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(Title).Append("</title>\n")
            .Append("<style>\n").Append(Css).Append("\n</style>\n");
        page.Append(assets.Style(WebAssets.KatexCssFile, assets.KatexCss));
        if (network is not null && WebAssets.PlotlyJs() is { } plotly)
            page.Append(assets.Script(WebAssets.PlotlyJsFile, plotly));
        page.Append("</head>\n<body>\n<main>\n")
            .Append($$"""
                <h1>Neural networks, one matrix at a time</h1>
                <p class="lead">A course in C# notebooks that builds the network of 3Blue1Brown's series — 784 pixels in, two
                hidden layers of 16 sigmoid neurons, 10 digits out, trained by backpropagation on MNIST — and shows every
                number inside it: each weighted sum z, activation a, error δ and gradient ∂C/∂W is a value you can print,
                plot and check against the equation beside it.</p>
                <p><b>For students</b> who have watched the videos and want to see the numbers move; <b>for teachers</b> who
                project these pages (they need no kernel and no internet) or hand out the notebooks; <b>for engineers</b>
                who want a network small enough to read beside its equations.</p>
                <p class="edition">{{(edition == PageEdition.Teacher
                    ? "<b>Teacher's edition:</b> each page keeps the worked solutions, folded under their exercises. Give the class the students' edition (<code>notebooks run</code> without <code>--solutions</code>)."
                    : "<b>Students' edition:</b> the exercises are not answered on these pages; answer them in the notebooks, where each check says ✓ or what is wrong.")}}</p>
                {{playground}}
                <h2>The network you will build</h2>
                {{(network is null ? "<p>784-16-16-10: 12,960 weights and 42 biases.</p>" : "<p>The network trained for the playground (Nielsen's recipe, seed 1), answering the first test digit. Each circle is a neuron shaded by its activation; blue lines are positive weights, red negative. Hover over it.</p>")}}
                {{diagram}}
                <h2>The notebooks</h2>
                <p>{{passed}} of {{outcomes.Count}} ran without error in this run, in {{total.ToString("0", CultureInfo.InvariantCulture)}} s together (times are this run's, in the project's own runner).</p>
                <table class="notebooks">
                <thead><tr><th>notebook</th><th>you will learn</th><th>ran in</th><th></th></tr></thead>
                <tbody>
                {{rows}}</tbody>
                </table>
                <h2>Open the notebooks live</h2>
                <p>These pages are the notebooks as they ran. To run the code yourself, change it and see what happens:</p>
                <ol>
                <li>Install the <a href="https://dotnet.microsoft.com/download">.NET 10 SDK</a> and clone the repository.</li>
                <li>Open the repository folder in VS Code with the <i>Polyglot Notebooks</i> extension (or JupyterLab with the
                .NET kernel: <code>dotnet tool restore</code>, then <code>dotnet interactive jupyter install</code>).</li>
                <li>Open <code>notebooks/00-setup-check.ipynb</code> and choose <i>Run All</i>: when every cell ends in a table,
                a chart or a ✓, your machine is ready for the rest.</li>
                </ol>
                <p>Step by step, with what to do when something fails: <a href="../../docs/opening-notebooks.md">docs/opening-notebooks.md</a>.
                To run and export everything again: <code>dotnet run --project src/NeuralNetworks.Cli -c Release -- notebooks run</code>.</p>
                </main>

                """);
        page.Append(assets.Script(WebAssets.KatexJsFile, assets.KatexJs)).Append("<script>\n").Append(OutputRenderer.KatexRender).Append("\n</script>\n");
        page.Append("</body>\n</html>\n");
        return page.ToString();
    }

    /// <summary>
    /// The bullets under a notebook's "You will learn" (markdown, one string per bullet), read from the notebook file;
    /// empty when it has none.
    /// </summary>
    public static IReadOnlyList<string> YouWillLearn(string notebookPath)
    {
        NotebookFile notebook;
        try
        {
            notebook = NotebookFile.Load(notebookPath);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            return [];
        }
        foreach (var cell in notebook.Cells)
        {
            if (NotebookFile.CellType(cell) != "markdown") continue;
            var source = NotebookFile.Source(cell).Replace("\r\n", "\n", StringComparison.Ordinal);
            var at = source.IndexOf("You will learn", StringComparison.OrdinalIgnoreCase);
            if (at < 0) continue;
            var bullets = new List<string>();
            foreach (var line in source[at..].Split('\n').Skip(1))
            {
                if (line.TrimStart().StartsWith("- ", StringComparison.Ordinal)) bullets.Add(line.TrimStart()[2..].Trim());
                else if (line.Trim().Length == 0) { if (bullets.Count > 0) break; }
                else if (bullets.Count > 0 && line.StartsWith(' ')) bullets[^1] += " " + line.Trim();
                else if (bullets.Count > 0) break;
            }
            return bullets.Select(b => b.TrimEnd(';', '.', ' ')).ToList();
        }
        return [];
    }

    // One bullet's markdown as inline HTML (maths stays as <span class="math"> for KaTeX).
    private static string Inline(string markdown)
    {
        var html = HtmlExporter.RenderMarkdown(markdown).Trim();
        return ParagraphTags().Replace(html, "");
    }

    [GeneratedRegex("^<p>|</p>$")]
    private static partial Regex ParagraphTags();

    private const string Css = """
        body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; line-height: 1.5; color: #1f2328; margin: 0; }
        main { max-width: 1000px; margin: 0 auto; padding: 2rem 1rem 4rem; }
        h1 { font-size: 2.2rem; margin-bottom: 0.3rem; } .lead { font-size: 1.15rem; }
        a.button { display: inline-block; background: rgb(33,102,172); color: #fff; padding: 0.6rem 1.1rem; border-radius: 6px;
          text-decoration: none; font-weight: bold; }
        a.button:hover { background: rgb(20,80,140); }
        table.notebooks { border-collapse: collapse; width: 100%; }
        table.notebooks th, table.notebooks td { border-bottom: 1px solid #d0d7de; padding: 0.45rem 0.5rem; text-align: left; vertical-align: top; }
        td.title { width: 15rem; } .file { color: #57606a; font: 0.75rem monospace; }
        td.time, td.status, table.notebooks th { white-space: nowrap; } td.time { text-align: right; }
        details summary { color: #57606a; font-size: 0.85rem; cursor: pointer; } details ul { margin: 0.2rem 0; padding-left: 1.2rem; }
        .nn-chart { max-width: 100%; overflow-x: auto; }
        a.deck { font-size: 0.8rem; color: #57606a; }
        code { background: #f6f8fa; padding: 0 0.25rem; border-radius: 3px; }
        p.edition { background: #fff8e6; border-left: 4px solid #bf8700; padding: 0.4rem 0.7rem; }
        """;
}
