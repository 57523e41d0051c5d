using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace NeuralNetworks.Tests.Notebooks;

/// <summary>What headless Chromium saw in one slide deck (<see cref="DeckBrowserCheck.Check"/>).</summary>
/// <param name="Deck">The deck's path.</param>
/// <param name="Slides">Slides in the deck once it is laid out (sections and their continuations).</param>
/// <param name="Sections">Slides that start a section (the title slide and one per <c>##</c> heading).</param>
/// <param name="Charts">Charts on all the slides.</param>
/// <param name="FirstSlide">The slide shown when the deck opened (1-based; the address's <c>#N</c> chooses it).</param>
/// <param name="SpaceMovesOn">Space on slide 1 showed slide 2.</param>
/// <param name="ClickMovesOn">A click on slide 1 showed slide 2.</param>
/// <param name="Solutions">Cells folded under "Solution" in the deck.</param>
/// <param name="SolutionOpensInPlace">The first solution was folded, and a click on its label opened it on the same slide (true when there is none).</param>
/// <param name="Problems">What does not fit or is not drawn, each naming its slide: "slide 7: …".</param>
/// <param name="Errors">Uncaught script errors and console errors.</param>
/// <param name="Requests">Addresses the deck fetched from the network, or that its HTML would fetch.</param>
public sealed record DeckReport(string Deck, int Slides, int Sections, int Charts, int FirstSlide, bool SpaceMovesOn, bool ClickMovesOn,
    int Solutions, bool SolutionOpensInPlace, IReadOnlyList<string> Problems, IReadOnlyList<string> Errors, IReadOnlyList<string> Requests)
{
    /// <summary>Nothing overflows, every chart is drawn, no script error, no request, and the keys, a click and a solution work.</summary>
    public bool Good => Problems.Count == 0 && Errors.Count == 0 && Requests.Count == 0 && SpaceMovesOn && ClickMovesOn && SolutionOpensInPlace;

    /// <summary>One line: the deck's name, its slides, sections and charts.</summary>
    public string Summary => $"{Path.GetFileName(Deck)}: {Slides} slides for {Sections} sections, {Charts} charts, {Solutions} solutions";

    /// <summary>Fails the test with every problem, each line naming the deck and the slide.</summary>
    public void AssertGood()
    {
        if (Good) return;
        var name = Path.GetFileName(Deck);
        var lines = Problems.Select(p => $"{name}, {p}")
            .Concat(Errors.Select(e => $"{name}: script error: {e}"))
            .Concat(Requests.Select(r => $"{name}: fetches {r}"));
        if (!SpaceMovesOn) lines = lines.Append($"{name}: space on slide 1 did not show slide 2");
        if (!ClickMovesOn) lines = lines.Append($"{name}: a click on slide 1 did not show slide 2");
        if (!SolutionOpensInPlace) lines = lines.Append($"{name}: the first solution was not folded, or a click on \"Solution\" did not open it in place");
        Assert.Fail($"{Summary}\n{string.Join("\n", lines)}");
    }
}

/// <summary>
/// Opens a slide deck in headless Chromium at 1280×720 with every host name unresolvable, waits for reveal.js, then, by
/// an injected script, moves through every slide with ArrowRight key events and measures each: its content must be no
/// taller or wider than the slide (reveal.js lays a slide out at its configured size and scales it to the screen as a
/// whole, so that is what "fits" means), and nothing on it may reach beyond the 1280×720 window once scaled, nor be cut
/// off inside a scrolling box; every chart on it must have drawn its <c>svg.main-svg</c>, and no title or annotation of a
/// chart may reach beyond the chart's edges (Plotly cuts it there). Collects uncaught errors,
/// console errors and every http(s) request. Callable for any deck: the course-wide tests run it on every notebook.
/// </summary>
public static partial class DeckBrowserCheck
{
    /// <summary>The window the deck is opened in: a 720p projector.</summary>
    public const int ScreenWidth = 1280, ScreenHeight = 720;

    // Injected at the top of the deck: collects uncaught errors and console errors.
    public const string ErrorCollector = """
        <script>
        window.__errors = [];
        window.addEventListener('error', function (e) { window.__errors.push(String(e.message)); });
        window.addEventListener('unhandledrejection', function (e) { window.__errors.push(String(e.reason)); });
        (function () { var error = console.error; console.error = function () {
          window.__errors.push(Array.prototype.map.call(arguments, String).join(' ')); return error.apply(console, arguments); }; })();
        </script>
        """;

    /// <summary>
    /// A script defining <c>chartTextCutOff(div, label)</c>: the titles, axis titles and annotations of a drawn Plotly
    /// chart that reach beyond the chart's edges, where Plotly cuts them off (it does not wrap text), one problem each.
    /// The deck check and the page check (<see cref="PageBrowserCheck"/>) both use it.
    /// </summary>
    public const string ChartTextCheck = """
        <script>
        function chartTextCutOff(div, label) {
          var problems = [], box = div.querySelector('svg.main-svg').getBoundingClientRect();
          div.querySelectorAll('text.gtitle, text[class$="title"], text.annotation-text').forEach(function (text) {
            var t = text.getBoundingClientRect();
            if (t.width > 0 && (t.left < box.left - 1 || t.right > box.right + 1))
              problems.push(label + ': "' + (text.textContent || '').trim().slice(0, 60) + '" spans x ' + Math.round(t.left - box.left) +
                '–' + Math.round(t.right - box.left) + ' of a chart ' + Math.round(box.width) + ' px wide (cut off)');
          });
          return problems;
        }
        </script>
        """;

    // Injected at the end of the deck: walks it and writes the report into <html data-deck-report="…">.
    private const string Walker = """
        <script>
        (function () {
          function finish(report) { document.documentElement.setAttribute('data-deck-report', JSON.stringify(report)); }
          function wait(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }
          function key(code, name) {
            var e = new KeyboardEvent('keydown', { key: name, bubbles: true, cancelable: true });
            Object.defineProperty(e, 'keyCode', { get: function () { return code; } });
            Object.defineProperty(e, 'which', { get: function () { return code; } });
            document.dispatchEvent(e);
          }
          function at() { return Reveal.getIndices().h + 1; }
          function describe(el) {
            var text = (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
            return '<' + el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '') + '> "' + text + '"';
          }
          function measure(n, when) {
            var problems = [], slide = Reveal.getCurrentSlide(), config = Reveal.getConfig(), scale = Reveal.getScale();
            var label = 'slide ' + n + (when ? ' (' + when + ')' : '') + ': ';
            if (slide.scrollHeight > config.height + 1) problems.push(label + 'content is ' + slide.scrollHeight + ' px tall, the slide ' + config.height + ' px');
            if (slide.scrollWidth > config.width + 1) problems.push(label + 'content is ' + slide.scrollWidth + ' px wide, the slide ' + config.width + ' px');
            var outside = null, cut = null;
            slide.querySelectorAll('*').forEach(function (el) {
              if (el.parentElement && el.parentElement.closest('.katex, .js-plotly-plot')) return;
              var r = el.getBoundingClientRect();
              if (r.width > 0 && r.height > 0 && !outside &&
                  (r.right > window.innerWidth + 1 || r.bottom > window.innerHeight + 1 || r.left < -1 || r.top < -1))
                outside = describe(el) + ' spans x ' + Math.round(r.left) + '–' + Math.round(r.right) + ', y ' + Math.round(r.top) + '–' + Math.round(r.bottom);
              var style = getComputedStyle(el);
              if (!cut && ((style.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1) ||
                           (style.overflowY !== 'visible' && el.scrollHeight > el.clientHeight + 1)))
                cut = describe(el) + ' shows ' + el.clientWidth + '×' + el.clientHeight + ' px of ' + el.scrollWidth + '×' + el.scrollHeight;
            });
            if (outside) problems.push(label + outside + ', beyond the ' + window.innerWidth + '×' + window.innerHeight + ' screen (reveal.js scale ' + scale.toFixed(3) + ')');
            if (cut) problems.push(label + cut + ' (the rest is cut off)');
            var charts = 0;
            slide.querySelectorAll('script').forEach(function (script) {
              var re = /Plotly\.(newPlot|react)\(\s*['"]([^'"]+)['"]/g, m;
              while ((m = re.exec(script.textContent))) {
                charts++;
                var div = document.getElementById(m[2]);
                if (!div || !div.querySelector('svg.main-svg')) { problems.push(label + 'chart ' + m[2] + ' is not drawn (no svg.main-svg)'); continue; }
                problems = problems.concat(chartTextCutOff(div, label + 'chart ' + m[2]));
              }
            });
            return { problems: problems, charts: charts };
          }
          async function walk() {
            await wait(300);
            var report = { slides: Reveal.getTotalSlides(), firstSlide: at(), problems: [], charts: 0,
              sections: document.querySelectorAll('.reveal .slides > section:not([data-continued])').length };
            Reveal.slide(0);
            await wait(50);
            for (var n = 1; n <= report.slides; n++) {
              if (at() !== n) { report.problems.push('slide ' + n + ': ArrowRight on slide ' + (n - 1) + ' showed slide ' + at()); break; }
              var m = measure(n, '');
              report.problems = report.problems.concat(m.problems);
              report.charts += m.charts;
              key(39, 'ArrowRight');
              await wait(20);
            }
            Reveal.slide(0); await wait(20);
            key(32, ' '); await wait(20);
            report.spaceMovesOn = report.slides < 2 || at() === 2;
            Reveal.slide(0); await wait(20);
            var first = Reveal.getCurrentSlide().firstElementChild || Reveal.getCurrentSlide();
            first.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
            await wait(20);
            report.clickMovesOn = report.slides < 2 || at() === 2;
            var solutions = document.querySelectorAll('.reveal details.solution');
            report.solutions = solutions.length;
            report.solutionOpensInPlace = true;
            if (solutions.length > 0) {
              var details = solutions[0], slide = details.closest('section');
              Reveal.slide(Reveal.getIndices(slide).h); await wait(20);
              var folded = !details.open, before = at(), summary = details.querySelector('summary');
              summary.click(); await wait(50);
              report.solutionOpensInPlace = folded && details.open && at() === before && summary.textContent.trim() === 'Solution';
              report.problems = report.problems.concat(measure(before, 'its solution open').problems);
            }
            report.errors = window.__errors || [];
            report.requests = performance.getEntriesByType('resource').map(function (e) { return e.name; })
              .filter(function (name) { return /^https?:/i.test(name); });
            finish(report);
          }
          var timer = setTimeout(function () { finish({ error: 'reveal.js was not ready after 20 s' }); }, 20000);
          if (!window.deckReady) { finish({ error: 'the deck has no window.deckReady (not a deck of SlideDeck?)' }); return; }
          window.deckReady.then(function () { clearTimeout(timer); return walk(); })
            .catch(function (e) { clearTimeout(timer); finish({ error: 'the walk failed: ' + e }); });
        })();
        </script>
        """;

    /// <summary>
    /// Opens <paramref name="deckHtmlPath"/> in <paramref name="chromium"/> (with <paramref name="hash"/> appended to its
    /// address, e.g. "#3") and reports what it saw. Fails the test when Chromium cannot run or the deck gives no report.
    /// The instrumented copy is written beside the deck (and deleted), so a deck that links its folder's assets/ finds them.
    /// </summary>
    public static DeckReport Check(string chromium, string deckHtmlPath, string hash = "")
    {
        var name = Path.GetFileName(deckHtmlPath);
        var html = File.ReadAllText(deckHtmlPath);
        var work = NotebookCli.NewTempDirectory();
        var page = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(deckHtmlPath))!, $".check-{Guid.NewGuid():N}-{name}");
        try
        {
            var head = html.IndexOf("<head>", StringComparison.Ordinal);
            var end = html.LastIndexOf("</body>", StringComparison.Ordinal);
            Assert.True(head >= 0 && end > head, $"{name}: not an HTML page with <head> and </body>");
            File.WriteAllText(page, html[..(head + 6)] + "\n" + ErrorCollector + html[(head + 6)..end] + ChartTextCheck + Walker + html[end..]);

            var dom = DumpDom(chromium, work, new Uri(page).AbsoluteUri + hash, name);
            var match = ReportAttribute().Match(dom);
            Assert.True(match.Success, $"{name}: the deck gave no report (the page did not finish loading within Chromium's time budget)");
            using var json = JsonDocument.Parse(WebUtility.HtmlDecode(match.Groups["json"].Value));
            var r = json.RootElement;
            if (r.TryGetProperty("error", out var error)) Assert.Fail($"{name}: {error.GetString()}");

            static IReadOnlyList<string> Strings(JsonElement e, string property) =>
                e.TryGetProperty(property, out var a) ? a.EnumerateArray().Select(x => x.GetString() ?? "").ToList() : [];
            return new DeckReport(deckHtmlPath,
                r.GetProperty("slides").GetInt32(), r.GetProperty("sections").GetInt32(), r.GetProperty("charts").GetInt32(),
                r.GetProperty("firstSlide").GetInt32(), r.GetProperty("spaceMovesOn").GetBoolean(), r.GetProperty("clickMovesOn").GetBoolean(),
                r.GetProperty("solutions").GetInt32(), r.GetProperty("solutionOpensInPlace").GetBoolean(),
                Strings(r, "problems"), Strings(r, "errors"),
                Strings(r, "requests").Concat(HtmlExportTests.RemoteReferences(html)).ToList());
        }
        finally
        {
            Directory.Delete(work, recursive: true);
            File.Delete(page);
        }
    }

    private static string DumpDom(string chromium, string work, string address, string name) =>
        HeadlessChromium.DumpDom(chromium, work, address, name, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(180),
            "--hide-scrollbars", $"--window-size={ScreenWidth},{ScreenHeight}");

    [GeneratedRegex("<html[^>]*\\sdata-deck-report=\"(?<json>[^\"]*)\"")]
    private static partial Regex ReportAttribute();
}
