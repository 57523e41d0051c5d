using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NeuralNetworks.Notebooks;
using NeuralNetworks.Tests.Cli;
using NeuralNetworks.Tests.Setup;

namespace NeuralNetworks.Tests.Notebooks;

/// <summary>
/// The slide decks, made in this process from notebook files (no kernel, no browser): a slide per <c>##</c> section
/// after the title slide, solutions folded under "Solution", outputs rendered as on the pages, nothing from the network.
/// </summary>
public sealed partial class SlidesTests(ITestOutputHelper output)
{
    private static string Deck(NotebookFile notebook, string title = "deck") => new SlideDeck(WebAssets.Load()).Export(notebook, title);

    private static string Deck(string testNotebook) => Deck(NotebookFile.Load(NotebookCli.TestData(testNotebook)));

    /// <summary>The sections a deck's HTML holds, before the browser continues the long ones on more slides.</summary>
    public static List<string> SlidesOf(string deck)
    {
        const string start = "<div class=\"reveal\"><div class=\"slides\">";
        var from = deck.IndexOf(start, StringComparison.Ordinal);
        var to = deck.IndexOf("</div></div>\n<script", from, StringComparison.Ordinal);
        Assert.True(from >= 0 && to > from, "no <div class=\"reveal\"><div class=\"slides\"> … </div></div> in the deck");
        return SectionTag().Matches(deck[from..to]).Select(m => m.Groups["body"].Value).ToList();
    }

    [Fact]
    public void The_title_cell_is_the_title_slide_and_each_level_two_heading_starts_a_slide()
    {
        var deck = Deck("passes.ipynb");
        var slides = SlidesOf(deck);

        Assert.Equal(2, slides.Count);
        Assert.Contains("<section class=\"title-slide\" data-section=\"0\">", deck);
        Assert.Matches("^\\s*<h1[^>]*>A passing notebook</h1>", slides[0]);
        Assert.Contains("hello from cell 2", slides[0]);
        Assert.Matches("^\\s*<h2[^>]*>Exercise</h2>", slides[1]);
        Assert.Contains("var square = answer * answer;", slides[1]);
    }

    [Fact]
    public void A_heading_inside_a_cell_starts_a_slide_there_but_not_one_inside_fenced_code()
    {
        var parts = SlideDeck.Sections("intro\n## One\ntext\n```\n## not a heading\n```\n## Two\nmore\n### a sub-heading stays\n");

        Assert.Equal(new[] { false, true, true }, parts.Select(p => p.StartsSlide));
        Assert.Equal("intro\n", parts[0].Markdown);
        Assert.StartsWith("## One\ntext\n```\n## not a heading\n```\n", parts[1].Markdown);
        Assert.StartsWith("## Two\nmore\n### a sub-heading stays", parts[2].Markdown);
    }

    [Fact]
    public void A_notebook_without_a_title_cell_gets_its_title_on_the_title_slide()
    {
        var deck = Deck(Notebook(("markdown", "## Only a section", null)), title: "03-bias");

        var slides = SlidesOf(deck);
        Assert.Equal(2, slides.Count);
        Assert.Contains("<h1>03-bias</h1>", slides[0]);
    }

    [Fact]
    public void Solution_cells_are_folded_under_a_Solution_label_until_clicked()
    {
        var deck = Deck("passes.ipynb");

        var solution = Assert.Single(SolutionTag().Matches(deck));
        Assert.StartsWith("<details class=\"solution\"><summary>Solution</summary>", solution.Value);
        Assert.Contains("var square = answer * answer;", solution.Value);
        Assert.DoesNotContain(" open", solution.Value[..solution.Value.IndexOf('>')]);
        Assert.DoesNotContain("Console.WriteLine(square == 1764", solution.Value);
    }

    [Fact]
    public void In_the_teachers_deck_a_checks_result_is_folded_since_its_tick_names_the_answer()
    {
        JsonArray Printed(string text) => [new JsonObject { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = text }];
        var check = "Check.Answer(\"Exercise 1 (neurons14)\", neurons14, n => Check.Equal(\"neurons\", 238, n));";
        (string, string, JsonArray?)[] Cells() =>
        [
            ("markdown", "# Neurons", null),
            ("code", "int? neurons14 = null;", null),
            ("code", "neurons14 = 238;", null),   // tagged solution below
            ("code", check, Printed("✓ neurons: matched (238)\n")),
            ("code", "Console.WriteLine(\"not a check\");", Printed("not a check\n")),
        ];
        var teachers = Notebook(Cells());
        ((JsonObject)teachers.Cells[2]["metadata"]!)["tags"] = new JsonArray("solution");
        var students = Notebook(Cells().Where((_, i) => i != 2).Select(c => c.Item2 == check ? (c.Item1, c.Item2, Printed("◌ Exercise 1 (neurons14): not answered yet\n")) : c).ToArray());

        var deck = Deck(teachers);
        var folded = System.Text.RegularExpressions.Regex.Matches(deck, """<details class="(solution|check)">.*?</details>""",
            System.Text.RegularExpressions.RegexOptions.Singleline).Select(m => m.Value).ToList();

        Assert.Equal(2, folded.Count);   // the solution, and the check's result
        Assert.Single(SolutionTag().Matches(deck));   // a check's result is not counted as a solution
        var result = folded[1];
        Assert.StartsWith("<details class=\"check\"><summary>The check's result</summary>", result);
        Assert.Contains("✓ neurons: matched (238)", result);
        Assert.DoesNotContain("Check.Answer(", result);   // the check's code stays in view
        Assert.Contains("Check.Answer(", deck);
        Assert.DoesNotContain("not a check", string.Concat(folded));   // other outputs are not folded
        // The students' deck has nothing to hide: "not answered yet" stays in view.
        Assert.DoesNotContain("<details", Deck(students));
    }

    [Fact]
    public void Outputs_are_rendered_by_the_pages_renderer()
    {
        var notebook = Notebook(("markdown", "# Outputs", null), ("code", "Console.WriteLine(\"hi\");", new JsonArray
        {
            new JsonObject { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = "hi <there>\n" },
            new JsonObject { ["output_type"] = "display_data", ["data"] = new JsonObject { ["text/html"] = "<b>bold output</b>" } },
        }));
        var page = new HtmlExporter(WebAssets.Load()).Export(notebook, "Outputs");

        var deck = Deck(notebook);

        foreach (var html in new[] { "<pre class=\"output stdout\">hi &lt;there&gt;\n</pre>", "<div class=\"output display\"><b>bold output</b></div>" })
        {
            Assert.Contains(html, page);
            Assert.Contains(html, deck);
        }
    }

    [Fact]
    public void The_deck_inlines_reveal_js_KaTeX_and_highlight_js_and_loads_nothing_from_the_network()
    {
        var deck = Deck("passes.ipynb");

        Assert.Contains("Reveal.initialize(", deck);
        Assert.Contains("hashOneBasedIndex: true", deck);
        Assert.Contains("slideNumber: 'c/t'", deck);
        Assert.Contains("katex.render(", deck);
        Assert.Contains("hljs.highlightAll()", deck);
        Assert.Contains("url(data:font/woff2;base64,", deck);
        Assert.Contains("""<span class="math">\(a = \sigma(w \cdot x + b)\)</span>""", deck);
        var remote = HtmlExportTests.RemoteReferences(deck);
        Assert.True(remote.Count == 0, string.Join("\n", remote));
    }

    [Theory]
    [MemberData(nameof(CourseNotebooks))]
    public void A_course_notebook_has_its_title_slide_and_one_slide_per_section(string name)
    {
        var path = Path.Combine(NotebookFiles.NotebooksFolder, name);
        var headings = NotebookFiles.Cells(path).Where(c => c.Kind == "markdown")
            .Sum(c => c.Source.Split('\n').Count(line => line.StartsWith("## ", StringComparison.Ordinal)));

        var slides = SlidesOf(Deck(NotebookFile.Load(path)));

        output.WriteLine($"{name}: {slides.Count} sections before the browser splits the long ones");
        Assert.Equal(1 + headings, slides.Count);
        Assert.Contains("<h1", slides[0]);
        Assert.All(slides.Skip(1), slide => Assert.Matches("^\\s*<h2", slide));
    }

    /// <summary>
    /// Markdig (pages and decks alike) typesets <c>$…$</c> only when it opens and closes on one source line: a formula a
    /// line break splits is shown as raw LaTeX. <c>$$…$$</c> display maths may span lines, and a <c>$</c> in code (a C#
    /// interpolated string in a code span or a fenced block) is no maths at all.
    /// </summary>
    [Fact]
    public void Inline_maths_split_across_two_lines_is_left_as_raw_LaTeX_and_the_rule_finds_only_that()
    {
        var deck = Deck(Notebook(("markdown", "whole $c = d$ and split $a =\nb$ here", null)));
        Assert.Contains("""<span class="math">\(c = d\)</span>""", deck);
        Assert.Contains("$a =\nb$", deck);

        const string markdown = "whole $c = d$, code `$\"{x}\"` and\n$$\nx = 1\n$$\n```csharp\nvar s = $\"{a}\";\n```\n" +
                                "then $a =\nb$ and \\$5 and $e$.";
        var split = Assert.Single(InlineMathAcrossLines(markdown));
        Assert.Equal((8, 9), (split.Opens, split.Closes));
    }

    /// <summary>Every inline formula of a course notebook's markdown opens and closes on one source line.</summary>
    [Theory]
    [MemberData(nameof(CourseNotebooks))]
    public void A_course_notebook_keeps_each_inline_formula_on_one_line(string name)
    {
        var path = Path.Combine(NotebookFiles.NotebooksFolder, name);
        var problems = new List<string>();
        var cells = NotebookFiles.Cells(path);
        for (int cell = 0; cell < cells.Count; cell++)
        {
            if (cells[cell].Kind != "markdown") continue;
            var lines = cells[cell].Source.Split('\n');
            foreach (var (opens, closes) in InlineMathAcrossLines(cells[cell].Source))
                problems.Add($"{name}, cell {cell}, line {opens}: inline maths opened in '{lines[opens - 1].Trim()}' " +
                             $"closes only on line {closes}; rejoin it onto one line");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>
    /// The inline <c>$…$</c> spans of a markdown text that open on one line and close on a later one, by 1-based line:
    /// outside fenced code blocks and code spans, an escaped <c>\$</c> is no delimiter and <c>$$…$$</c> (display maths) is skipped.
    /// </summary>
    internal static List<(int Opens, int Closes)> InlineMathAcrossLines(string markdown)
    {
        var found = new List<(int, int)>();
        var lines = markdown.Split('\n');
        string? fence = null;
        int inlineOpen = 0;     // the line the open $ is on, 0 when none is open
        bool display = false;
        for (int i = 0; i < lines.Length; i++)
        {
            var trimmed = lines[i].TrimStart();
            var marker = FenceMarker().Match(trimmed);
            if (fence is not null)
            {
                if (marker.Success && marker.Value.StartsWith(fence, StringComparison.Ordinal)) fence = null;
                continue;
            }
            if (marker.Success && inlineOpen == 0 && !display)
            {
                fence = marker.Value;
                continue;
            }
            var text = CodeSpan().Replace(lines[i], m => new string(' ', m.Length)).Replace("\\$", "  ");
            for (int c = 0; c < text.Length; c++)
            {
                if (text[c] != '$') continue;
                if (c + 1 < text.Length && text[c + 1] == '$')
                {
                    if (inlineOpen == 0) display = !display;
                    c++;
                }
                else if (!display)
                {
                    if (inlineOpen == 0) inlineOpen = i + 1;
                    else
                    {
                        if (inlineOpen != i + 1) found.Add((inlineOpen, i + 1));
                        inlineOpen = 0;
                    }
                }
            }
        }
        return found;
    }

    public static TheoryData<string> CourseNotebooks()
    {
        var data = new TheoryData<string>();
        foreach (var path in NotebookFiles.All) data.Add(Path.GetFileName(path));
        return data;
    }

    private static NotebookFile Notebook(params (string Kind, string Source, JsonArray? Outputs)[] cells)
    {
        var array = new JsonArray();
        foreach (var (kind, source, outputs) in cells)
        {
            var cell = new JsonObject { ["cell_type"] = kind, ["metadata"] = new JsonObject(), ["source"] = source };
            if (kind == "code") { cell["outputs"] = outputs ?? []; cell["execution_count"] = 1; }
            array.Add(cell);
        }
        var file = Path.Combine(Path.GetTempPath(), $"nn-slides-{Guid.NewGuid():N}.ipynb");
        File.WriteAllText(file, new JsonObject { ["cells"] = array, ["metadata"] = new JsonObject(), ["nbformat"] = 4, ["nbformat_minor"] = 5 }.ToJsonString());
        try
        {
            return NotebookFile.Load(file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [GeneratedRegex("^(`{3,}|~{3,})")]
    private static partial Regex FenceMarker();

    [GeneratedRegex("(`+).+?\\1")]
    private static partial Regex CodeSpan();

    [GeneratedRegex("""<section\b[^>]*>(?<body>.*?)</section>""", RegexOptions.Singleline)]
    private static partial Regex SectionTag();

    [GeneratedRegex("""<details class="solution">.*?</details>""", RegexOptions.Singleline)]
    private static partial Regex SolutionTag();
}

/// <summary><c>notebooks slides</c> refuses a bad command line with one line and exit code 2, before running anything.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class SlidesCommandLineTests
{
    [Theory]
    [InlineData("notebooks slides --timeout 0", "--timeout must be a positive number of seconds, not 0")]
    [InlineData("notebooks slides /no/such/notebook.ipynb", "no such notebook or folder: /no/such/notebook.ipynb")]
    [InlineData("notebooks slides --out /proc/no/such/folder", "--out /proc/no/such/folder: cannot write in /proc/no/such/folder")]
    public void A_bad_command_line_is_one_line_and_exit_code_2(string line, string message)
    {
        var (exitCode, stdout, stderr) = CommandLine.Run(NeuralNetworks.Cli.Cli.CreateRoot(), line.Split(' '));

        Assert.Equal(2, exitCode);
        Assert.Equal("", stdout);
        Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.Contains(message, stderr);
    }
}

/// <summary>The two passing test notebooks run once by <c>notebooks slides --solutions</c> (the teacher's edition: its
/// solutions folded) into a temporary folder.</summary>
public sealed class SlideDecks : IDisposable
{
    public SlideDecks()
    {
        OutDirectory = NotebookCli.NewTempDirectory();
        Result = NotebookCli.Run(TimeSpan.FromMinutes(5),
            "notebooks", "slides", NotebookCli.TestData("passes.ipynb"), NotebookCli.TestData("chart.ipynb"), "--solutions", "--out", OutDirectory);
    }

    public string OutDirectory { get; }

    public CliResult Result { get; }

    public string PathOf(string file) => Path.Combine(OutDirectory, file);

    public void Dispose() => Directory.Delete(OutDirectory, recursive: true);
}

[CollectionDefinition("Slide decks")]
public sealed class SlideDecksCollection : ICollectionFixture<SlideDecks>;

/// <summary><c>notebooks slides</c> writes a deck beside each page, and the home page links it.</summary>
[Collection("Slide decks")]
[Trait("Category", Category.Notebooks)]
public sealed class SlidesCommandTests(SlideDecks decks)
{
    [Fact]
    public void Slides_writes_a_deck_beside_each_page_and_the_home_page_links_the_decks()
    {
        Assert.True(decks.Result.ExitCode == 0, decks.Result.ToString());
        foreach (var name in new[] { "passes", "chart" })
        {
            Assert.True(File.Exists(decks.PathOf(name + ".html")), $"no {name}.html");
            Assert.True(File.Exists(decks.PathOf(name + ".slides.html")), $"no {name}.slides.html");
            Assert.Contains($"deck: {decks.PathOf(name + ".slides.html")}", decks.Result.StdOut);
            Assert.Contains($"<a class=\"deck\" href=\"{name}.slides.html\">slides</a>", File.ReadAllText(decks.PathOf("index.html")));
        }
        // Decks share the pages' assets/ folder: the chart's deck links plotly.js once and carries no copy of its own.
        var chartDeck = File.ReadAllText(decks.PathOf("chart.slides.html"));
        Assert.Equal(1, Regex.Count(chartDeck, Regex.Escape("<script src=\"assets/plotly.min.js\"></script>")));
        Assert.DoesNotContain("plotly.js v2.28.0", chartDeck);
        Assert.Contains("<script src=\"assets/reveal.js\"></script>", chartDeck);
        foreach (var file in new[] { "reveal.js", "reveal-white.css", "plotly.min.js", "katex.min.js" })
            Assert.True(File.Exists(Path.Combine(decks.OutDirectory, "assets", file)), $"no assets/{file}");
    }
}

/// <summary>
/// The test notebooks' decks in headless Chromium at 1280×720 (<see cref="DeckBrowserCheck"/>): every slide fits, every
/// chart is drawn, no script error, no request; arrow keys, space, a click and the address move through them.
/// </summary>
[Collection("Slide decks")]
[Trait("Category", Category.Notebooks)]
[Trait("Category", Category.Browser)]
public sealed class SlidesBrowserTests(SlideDecks decks, ITestOutputHelper output)
{
    [Theory]
    [InlineData("passes.slides.html", 0)]
    [InlineData("chart.slides.html", 1)]
    public void A_test_deck_fits_1280x720_draws_its_charts_and_loads_nothing(string deck, int charts)
    {
        var chromium = Requires.Chromium();
        Assert.True(decks.Result.ExitCode == 0, decks.Result.ToString());

        var report = DeckBrowserCheck.Check(chromium, decks.PathOf(deck));

        output.WriteLine(report.Summary);
        report.AssertGood();
        Assert.Equal(SlidesTests.SlidesOf(File.ReadAllText(decks.PathOf(deck))).Count, report.Sections);
        Assert.Equal(charts, report.Charts);
        Assert.Equal(1, report.FirstSlide);
        Assert.True(report.Slides >= report.Sections, report.Summary);
    }

    [Theory]
    [InlineData("#2")]
    [InlineData("#/2")]
    public void The_address_opens_slide_N_and_space_a_click_and_Solution_work(string hash)
    {
        var chromium = Requires.Chromium();
        Assert.True(decks.Result.ExitCode == 0, decks.Result.ToString());

        var report = DeckBrowserCheck.Check(chromium, decks.PathOf("passes.slides.html"), hash);

        output.WriteLine(report.Summary);
        Assert.Equal(2, report.FirstSlide);
        Assert.Equal(1, report.Solutions);
        Assert.True(report.SpaceMovesOn && report.ClickMovesOn && report.SolutionOpensInPlace, report.ToString());
        report.AssertGood();
    }

    [Fact]
    public void A_test_page_draws_its_chart_with_no_title_cut_off()
    {
        var chromium = Requires.Chromium();
        Assert.True(decks.Result.ExitCode == 0, decks.Result.ToString());

        var report = PageBrowserCheck.Check(chromium, decks.PathOf("chart.html"));

        output.WriteLine(report.Summary);
        report.AssertGood();
        Assert.Equal(1, report.Charts);
    }

    [Fact]
    public void The_page_check_names_a_chart_whose_title_is_cut_off_and_one_not_drawn()
    {
        var chromium = Requires.Chromium();
        Assert.True(decks.Result.ExitCode == 0, decks.Result.ToString());
        var broken = decks.PathOf("chart-broken.html");
        var html = File.ReadAllText(decks.PathOf("chart.html"));
        var end = html.LastIndexOf("</body>", StringComparison.Ordinal);
        File.WriteAllText(broken, html[..end]
            + "<h2>Added</h2><div id=\"cut-chart\"></div><script>Plotly.newPlot('cut-chart', [{ y: [1, 2, 3] }], "
            + "{ title: { text: 'A title far too long for a chart three hundred pixels wide, so Plotly cuts it off' }, width: 300, height: 250 });</script>"
            + "<script>// Plotly.newPlot('missing-chart', [])</script>"
            + html[end..]);

        var report = PageBrowserCheck.Check(chromium, broken);

        output.WriteLine(string.Join("\n", report.Problems));
        Assert.Equal(3, report.Charts);
        Assert.Contains(report.Problems, p => p.StartsWith("chart cut-chart under \"Added\": \"A title far too long", StringComparison.Ordinal)
            && p.EndsWith("of a chart 300 px wide (cut off)", StringComparison.Ordinal));
        Assert.Contains(report.Problems, p => p.StartsWith("chart missing-chart is not drawn", StringComparison.Ordinal));
        Assert.Equal(2, report.Problems.Count);
        var failure = Record.Exception(report.AssertGood);
        Assert.Contains("chart-broken.html, chart cut-chart", failure?.Message);
    }

    [Fact]
    public void The_check_names_the_deck_and_the_slide_of_what_overflows_is_not_drawn_fetches_or_throws()
    {
        var chromium = Requires.Chromium();
        Assert.True(decks.Result.ExitCode == 0, decks.Result.ToString());
        var broken = decks.PathOf("passes-broken.slides.html");
        var html = File.ReadAllText(decks.PathOf("passes.slides.html"));
        const string heading = "<h2 id=\"exercise\">Exercise</h2>";
        var exercise = html.IndexOf(heading, StringComparison.Ordinal) + heading.Length;
        Assert.True(exercise > heading.Length);
        var end = html.LastIndexOf("</body>", StringComparison.Ordinal);
        File.WriteAllText(broken, html[..exercise]
            + "<img src=\"https://example.invalid/x.png\" alt=\"\"><script>// Plotly.newPlot('missing-chart', [])</script>"
            + html[exercise..end]
            + "<script>throw new Error('on purpose');</script>"
            + "<script>window.deckReady.then(function () { document.querySelector('section[data-section=\"1\"]')"
            + ".insertAdjacentHTML('beforeend', '<div style=\"height: 1500px\">too tall</div>'); });</script>"
            + html[end..]);

        var report = DeckBrowserCheck.Check(chromium, broken);

        output.WriteLine(report.Summary);
        Assert.False(report.Good);
        Assert.Contains(report.Problems, p => p.StartsWith("slide 3: content is ", StringComparison.Ordinal) && p.Contains("px tall, the slide 720 px", StringComparison.Ordinal));
        Assert.Contains(report.Problems, p => p.StartsWith("slide 3: chart missing-chart is not drawn", StringComparison.Ordinal));
        Assert.Contains(report.Errors, e => e.Contains("on purpose", StringComparison.Ordinal));
        Assert.Contains(report.Requests, r => r.Contains("example.invalid", StringComparison.Ordinal));
        var failure = Record.Exception(report.AssertGood);
        Assert.NotNull(failure);
        Assert.Contains("passes-broken.slides.html, slide 3: content is ", failure.Message);
    }
}
