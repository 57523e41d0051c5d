using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace NeuralNetworks.Tests.Notebooks;

/// <summary>What headless Chromium saw on one page of a notebook (<see cref="PageBrowserCheck.Check"/>).</summary>
/// <param name="Page">The page's path.</param>
/// <param name="Charts">Charts the page's scripts draw (<c>Plotly.newPlot</c>).</param>
/// <param name="Problems">Charts not drawn, and titles or annotations cut off at a chart's edge, each naming the chart and the heading above it.</param>
/// <param name="Errors">Uncaught script errors and console errors.</param>
public sealed record PageReport(string Page, int Charts, IReadOnlyList<string> Problems, IReadOnlyList<string> Errors)
{
    /// <summary>One line: the page's name and its charts.</summary>
    public string Summary => $"{Path.GetFileName(Page)}: {Charts} charts";

    /// <summary>Fails the test with every problem, each line naming the page.</summary>
    public void AssertGood()
    {
        if (Problems.Count == 0 && Errors.Count == 0) return;
        var name = Path.GetFileName(Page);
        Assert.Fail($"{Summary}\n{string.Join("\n", Problems.Select(p => $"{name}, {p}").Concat(Errors.Select(e => $"{name}: script error: {e}")))}");
    }
}

/// <summary>
/// Opens a notebook's page in headless Chromium at 1280×900 (a laptop's window) with every host name unresolvable,
/// waits until every chart its scripts draw has its <c>svg.main-svg</c> (20 s at most), then checks that no chart's title,
/// axis title or annotation reaches beyond the chart's edges, where Plotly cuts it off (the same measure as the decks',
/// <see cref="DeckBrowserCheck.ChartTextCheck"/>). Collects uncaught errors and console errors.
/// </summary>
public static partial class PageBrowserCheck
{
    /// <summary>The window the page is opened in.</summary>
    public const int ScreenWidth = 1280, ScreenHeight = 900;

    // Injected at the end of the page: waits for the charts, measures them, writes <html data-page-report="…">.
    private const string Measure = """
        <script>
        (function () {
          function finish(report) { document.documentElement.setAttribute('data-page-report', JSON.stringify(report)); }
          function chartIds() {
            var ids = [], re = /Plotly\.(newPlot|react)\(\s*['"]([^'"]+)['"]/g, m;
            document.querySelectorAll('script').forEach(function (script) { while ((m = re.exec(script.textContent))) ids.push(m[2]); });
            return ids;
          }
          function drawn(id) { var div = document.getElementById(id); return div && div.querySelector('svg.main-svg'); }
          function headingAbove(el) {
            var text = '';
            document.querySelectorAll('h1, h2, h3').forEach(function (h) {
              if (h.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) text = (h.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 60);
            });
            return text;
          }
          var started = Date.now();
          function check() {
            var ids = chartIds();
            if (!ids.every(drawn) && Date.now() - started < 20000) { setTimeout(check, 100); return; }
            var problems = [];
            ids.forEach(function (id) {
              var div = document.getElementById(id), label = 'chart ' + id + (div ? ' under "' + headingAbove(div) + '"' : '');
              if (!drawn(id)) { problems.push(label + ' is not drawn (no svg.main-svg)'); return; }
              problems = problems.concat(chartTextCutOff(div, label));
            });
            finish({ charts: ids.length, problems: problems, errors: window.__errors || [] });
          }
          window.addEventListener('load', function () { setTimeout(check, 100); });
        })();
        </script>
        """;

    /// <summary>
    /// Opens <paramref name="pageHtmlPath"/> in <paramref name="chromium"/> and reports what it saw. Fails the test when
    /// Chromium cannot run or the page gives no report. The instrumented copy is written beside the page (and deleted), so
    /// that the page's assets/ resolve.
    /// </summary>
    public static PageReport Check(string chromium, string pageHtmlPath)
    {
        var name = Path.GetFileName(pageHtmlPath);
        var html = File.ReadAllText(pageHtmlPath);
        var work = NotebookCli.NewTempDirectory();
        var page = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(pageHtmlPath))!, $".check-{Guid.NewGuid():N}-{name}");
        try
        {
            var head = html.IndexOf("<head>", StringComparison.Ordinal);
            var end = html.LastIndexOf("</body>", StringComparison.Ordinal);
            Assert.True(head >= 0 && end > head, $"{name}: not an HTML page with <head> and </body>");
            File.WriteAllText(page, html[..(head + 6)] + "\n" + DeckBrowserCheck.ErrorCollector + html[(head + 6)..end]
                + DeckBrowserCheck.ChartTextCheck + Measure + html[end..]);

            var dom = HeadlessChromium.DumpDom(chromium, work, new Uri(page).AbsoluteUri, name, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(180),
                "--hide-scrollbars", $"--window-size={ScreenWidth},{ScreenHeight}");
            var match = ReportAttribute().Match(dom);
            Assert.True(match.Success, $"{name}: the page gave no report (it did not finish loading within Chromium's time budget)");
            using var json = JsonDocument.Parse(WebUtility.HtmlDecode(match.Groups["json"].Value));
            var r = json.RootElement;
            static IReadOnlyList<string> Strings(JsonElement e, string property) =>
                e.TryGetProperty(property, out var a) ? a.EnumerateArray().Select(x => x.GetString() ?? "").ToList() : [];
            return new PageReport(pageHtmlPath, r.GetProperty("charts").GetInt32(), Strings(r, "problems"), Strings(r, "errors"));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
            File.Delete(page);
        }
    }

    [GeneratedRegex("<html[^>]*\\sdata-page-report=\"(?<json>[^\"]*)\"")]
    private static partial Regex ReportAttribute();
}
