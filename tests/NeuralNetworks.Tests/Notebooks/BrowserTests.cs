using System.Text.RegularExpressions;

namespace NeuralNetworks.Tests.Notebooks;

/// <summary>
/// Opens the exported pages in headless Chromium (Debian's <c>chromium</c>) with every host name unresolvable,
/// and checks what a reader would see: every chart drawn as SVG, maths typeset, no JavaScript error.
/// Without Chromium the tests are reported as skipped (under CI=true they fail).
/// </summary>
[Collection("Notebooks")]
[Trait("Category", Category.Notebooks)]
[Trait("Category", Category.Browser)]
public sealed partial class BrowserTests(ExportedNotebooks exported)
{
    // Injected at the top of the page under test: collects uncaught errors into an attribute --dump-dom shows.
    private const string ErrorCollector = """
        <script>
        window.__errors = [];
        function __report(message) {
          window.__errors.push(String(message));
          document.documentElement.setAttribute('data-js-errors', window.__errors.join(' | '));
        }
        window.addEventListener('error', function (e) { __report(e.message); });
        window.addEventListener('unhandledrejection', function (e) { __report(e.reason); });
        </script>
        """;

    [Fact]
    public void Chart_page_draws_every_chart_as_svg_offline_without_script_errors()
    {
        var chromium = Requires.Chromium();

        var page = exported.Read("chart.html");
        var chartIds = NewPlot().Matches(page).Select(m => m.Groups["id"].Value).ToList();
        Assert.NotEmpty(chartIds);
        Assert.Empty(HtmlExportTests.RemoteReferences(page));

        var dom = DumpDom(chromium, page);

        Assert.DoesNotMatch(JsErrors(), dom);
        foreach (var id in chartIds)
        {
            var container = dom.IndexOf($"id=\"{id}\"", StringComparison.Ordinal);
            Assert.True(container >= 0, $"chart container {id} missing from the rendered page");
            var next = chartIds.Select(other => dom.IndexOf($"id=\"{other}\"", container + 1, StringComparison.Ordinal))
                .Where(i => i > container).DefaultIfEmpty(dom.Length).Min();
            Assert.Contains("class=\"main-svg\"", dom[container..next]);
        }
    }

    [Fact]
    public void A_page_of_a_folder_draws_its_charts_and_typesets_from_the_shared_assets()
    {
        var chromium = Requires.Chromium();

        foreach (var (page, needs) in new[] { ("chart.html", "class=\"main-svg\""), ("exercise.html", "hljs-keyword") })
        {
            var dom = DumpDom(chromium, File.ReadAllText(Path.Combine(exported.TeacherFolder, page)), exported.TeacherFolder);
            Assert.DoesNotMatch(JsErrors(), dom);
            Assert.Contains(needs, dom);
        }
    }

    [Fact]
    public void Maths_page_is_typeset_by_KaTeX_and_code_highlighted_without_script_errors()
    {
        var chromium = Requires.Chromium();

        var page = exported.Read("passes.html");
        Assert.Contains("katex.render(", page);

        var dom = DumpDom(chromium, page);

        Assert.DoesNotMatch(JsErrors(), dom);
        Assert.Equal(4 + 1, Regex.Count(dom, "class=\"katex\"") + Regex.Count(dom, "class=\"katex-display\""));
        Assert.Contains("hljs-keyword", dom);
    }

    [Fact]
    public void The_error_collector_sees_an_uncaught_error()
    {
        var chromium = Requires.Chromium();

        var dom = DumpDom(chromium, "<!DOCTYPE html><html><head></head><body><script>throw new Error('on purpose');</script></body></html>");

        Assert.Matches(JsErrors(), dom);
        Assert.Contains("on purpose", dom);
    }

    // `beside`: write the page into that folder (its assets/ links resolve) rather than into the temporary one.
    private static string DumpDom(string chromium, string page, string? beside = null)
    {
        var work = NotebookCli.NewTempDirectory();
        try
        {
            var pagePath = Path.Combine(beside ?? work, "page-under-test.html");
            File.WriteAllText(pagePath, page.Replace("<head>", "<head>\n" + ErrorCollector));
            return HeadlessChromium.DumpDom(chromium, work, new Uri(pagePath).AbsoluteUri, "the page", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(90));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
            if (beside is not null) File.Delete(Path.Combine(beside, "page-under-test.html"));
        }
    }

    [GeneratedRegex("""<html[^>]*data-js-errors="[^"]*""")]
    private static partial Regex JsErrors();

    [GeneratedRegex("""Plotly\.newPlot\(\s*['"](?<id>[^'"]+)['"]""")]
    private static partial Regex NewPlot();
}
