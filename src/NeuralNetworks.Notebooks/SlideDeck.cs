using System.Net;
using System.Text;

namespace NeuralNetworks.Notebooks;

/// <summary>
/// Turns an executed notebook into one offline reveal.js slide deck for a projector: the <c>#</c> title cell is
/// the title slide and every <c>##</c> heading starts a slide; maths typeset by KaTeX, code highlighted by highlight.js,
/// outputs rendered as on the pages (<see cref="OutputRenderer"/>, charts live with the offline plotly.js; scripts inlined or linked from the pages' shared <c>assets/</c> as <see cref="WebAssets.Inline"/> says), cells
/// tagged "solution" folded under "Solution" until clicked (and, in a deck with solutions, the outputs of the course's
/// checks, whose ✓ lines name the answers, under "The check's result"). A section taller or wider than the
/// <see cref="Width"/>×<see cref="Height"/> slide is measured in the browser when the deck opens and continued on as many
/// slides as it needs (a code block, list or table split where it overflows; a single chart or equation that cannot be
/// split is drawn smaller). Arrow keys, space and a click move on; <c>#N</c> or <c>#/N</c> opens slide N; a counter
/// shows "N/total". Nothing is fetched from the network when it is viewed.
/// </summary>
public sealed class SlideDeck(WebAssets assets)
{
    /// <summary>What a deck's file name ends with: <c>01-neurons.slides.html</c> beside <c>01-neurons.html</c>.</summary>
    public const string Extension = ".slides.html";

    /// <summary>The width of a slide in CSS pixels (reveal.js scales the whole slide to the screen).</summary>
    public const int Width = 1280;

    /// <summary>The height of a slide in CSS pixels.</summary>
    public const int Height = 720;

    private readonly OutputRenderer _outputs = new();
    private string? _plotlyJs;

    /// <summary>True when a chart needed plotly.js and it could not be found.</summary>
    public bool PlotlyMissing { get; private set; }

    /// <summary>The deck's file name for the notebook called <paramref name="name"/> (no extension).</summary>
    public static string FileName(string name) => name + Extension;

    /// <summary>Writes the deck of an executed notebook to <c>&lt;outDirectory&gt;/&lt;name&gt;.slides.html</c>; returns its path.</summary>
    public string Write(string outDirectory, string name, NotebookFile notebook, string title)
    {
        var path = Path.Combine(outDirectory, FileName(name));
        File.WriteAllText(path, Export(notebook, title), new UTF8Encoding(false));
        return path;
    }

    /// <summary>The deck for <paramref name="notebook"/>; <paramref name="title"/> is its H1 (or file name).</summary>
    public string Export(NotebookFile notebook, string title)
    {
        _outputs.ChartSeen = false;
        var slides = new List<StringBuilder> { new() };
        // The teacher's deck (solutions kept) folds the checks' results too: a ✓ line names the right answer.
        var teachers = notebook.Cells.Any(NotebookFile.IsSolution);
        foreach (var cell in notebook.Cells)
        {
            var source = NotebookFile.Source(cell);
            var solution = NotebookFile.IsSolution(cell);
            switch (NotebookFile.CellType(cell))
            {
                case "markdown":
                    foreach (var (startsSlide, part) in Sections(source))
                    {
                        if (startsSlide) slides.Add(new StringBuilder());
                        if (part.Trim().Length > 0) slides[^1].Append(Folded(HtmlExporter.RenderMarkdown(part), solution));
                    }
                    break;
                case "code":
                    var outputs = _outputs.RenderOutputs(cell);
                    if (source.Trim().Length == 0 && outputs.Length == 0) break;
                    if (teachers && !solution && outputs.Length > 0 && NotebookFile.IsCheck(cell))
                        outputs = $"<details class=\"check\"><summary>The check's result</summary>\n{outputs}</details>\n";
                    var code = $"<pre class=\"source\"><code class=\"language-csharp\">{WebUtility.HtmlEncode(source.TrimEnd())}</code></pre>\n{outputs}";
                    slides[^1].Append(Folded(code, solution));
                    break;
                default:
                    if (source.Trim().Length > 0) slides[^1].Append($"<pre class=\"raw\">{WebUtility.HtmlEncode(source)}</pre>\n");
                    break;
            }
        }
        var titleSlide = slides[0].ToString();
        if (!titleSlide.Contains("<h1", StringComparison.Ordinal)) titleSlide = $"<h1>{WebUtility.HtmlEncode(title)}</h1>\n" + titleSlide;

        var body = new StringBuilder();
        body.Append("<section class=\"title-slide\" data-section=\"0\">\n").Append(titleSlide).Append("</section>\n");
        for (var i = 1; i < slides.Count; i++)
            body.Append($"<section data-section=\"{i}\">\n").Append(slides[i]).Append("</section>\n");

        if (_outputs.ChartSeen)
        {
            _plotlyJs ??= WebAssets.PlotlyJs();
            PlotlyMissing |= _plotlyJs is null;
        }
        return Deck(title, body.ToString(), _outputs.ChartSeen ? _plotlyJs : null);
    }

    /// <summary>
    /// A markdown cell cut where its <c>##</c> headings are (outside fenced code): each part, and whether it starts a
    /// slide. Text before the first such heading continues the slide before it.
    /// </summary>
    public static IReadOnlyList<(bool StartsSlide, string Markdown)> Sections(string markdown)
    {
        var parts = new List<(bool, string)>();
        var current = new StringBuilder();
        var startsSlide = false;
        string? fence = null;
        foreach (var line in markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var trimmed = line.TrimStart();
            if (fence is null && (trimmed.StartsWith("```", StringComparison.Ordinal) || trimmed.StartsWith("~~~", StringComparison.Ordinal)))
                fence = trimmed[..3];
            else if (fence is not null && trimmed.StartsWith(fence, StringComparison.Ordinal))
                fence = null;
            else if (fence is null && line.StartsWith("## ", StringComparison.Ordinal))
            {
                if (startsSlide || current.ToString().Trim().Length > 0) parts.Add((startsSlide, current.ToString()));
                current.Clear();
                startsSlide = true;
            }
            current.Append(line).Append('\n');
        }
        if (startsSlide || current.ToString().Trim().Length > 0) parts.Add((startsSlide, current.ToString()));
        return parts;
    }

    private static string Folded(string html, bool solution) => solution
        ? $"<details class=\"solution\"><summary>Solution</summary>\n{html}</details>\n"
        : html + "\n";

    private string Deck(string title, string body, string? plotlyJs)
    {
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append($"<title>{WebUtility.HtmlEncode(title)}</title>\n")
            .Append(assets.Style(WebAssets.RevealCssFile, assets.RevealCss))
            .Append(assets.Style(WebAssets.KatexCssFile, assets.KatexCss))
            .Append(assets.Style(WebAssets.HighlightCssFile, assets.HighlightCss))
            .Append("<style>\n").Append(Sized(DeckCss)).Append("\n</style>\n");
        if (plotlyJs is not null) page.Append(OutputRenderer.PlotlyScripts(assets, plotlyJs));
        page.Append("</head>\n<body>\n<div class=\"reveal\"><div class=\"slides\">\n").Append(body).Append("</div></div>\n")
            .Append(assets.Script(WebAssets.KatexJsFile, assets.KatexJs))
            .Append("<script>\n").Append(OutputRenderer.KatexRender).Append("\n</script>\n")
            .Append(assets.Script(WebAssets.HighlightJsFile, assets.HighlightJs))
            .Append(OutputRenderer.WithoutDefine(assets.Script(WebAssets.RevealJsFile, assets.RevealJs)))
            .Append("<script>\n").Append(Sized(DeckScript)).Append("\n</script>\n")
            .Append("</body>\n</html>\n");
        return page.ToString();
    }

    private static string Sized(string text) => text
        .Replace("__WIDTH__", Width.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("__HEIGHT__", Height.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    // Until the deck is laid out (html without .deck-ready) every section is shown, one below the other at the slide's
    // width, so that charts draw at their real size and the script can measure each section.
    private const string DeckCss = """
        :root { --r-main-font-size: 30px; --r-heading-text-transform: none; --r-heading1-size: 56px; --r-heading2-size: 42px;
          --r-heading3-size: 34px; --r-heading4-size: 30px; --r-block-margin: 12px; --r-heading-margin: 0 0 14px 0;
          --r-main-color: #1f2328; --r-heading-color: #1f2328;
          --r-code-font: "DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace; }
        .reveal .slides { text-align: left; }
        .reveal .slides > section { box-sizing: border-box; padding: 24px 40px; line-height: 1.3; }
        .reveal .slides > section.title-slide { text-align: center; padding-top: 72px; }
        .reveal .slides > section.title-slide ul, .reveal .slides > section.title-slide ol { text-align: left; }
        .reveal h2.continued { font-size: 30px; color: #57606a; }
        .reveal p, .reveal blockquote { margin: 0 0 12px; }
        .reveal ul, .reveal ol { display: block; margin: 0 0 12px 1.2em; }
        .reveal blockquote { width: auto; margin-left: 0; padding: 4px 16px; background: #f6f8fa; border-left: 6px solid #d0d7de; box-shadow: none; font-style: normal; }
        .reveal pre { width: 100%; box-sizing: border-box; margin: 8px 0; font-size: 20px; line-height: 1.35; box-shadow: none;
          white-space: pre-wrap; overflow-wrap: anywhere; }
        .reveal pre code { max-height: none; overflow: visible; padding: 6px 12px; white-space: pre-wrap; word-wrap: normal; overflow-wrap: anywhere; }
        .reveal pre.source { background: #f6f8fa; border-left: 5px solid #0969da; border-radius: 4px; }
        .reveal pre.source code.hljs { background: transparent; padding: 6px 12px; }
        .reveal pre.output, .reveal .output pre { padding: 6px 12px; border: 1px solid #d0d7de; border-radius: 4px; background: #fff; }
        .reveal pre.stderr { background: #fff8e6; }
        .reveal pre.error { background: #ffebe9; color: #b3261e; }
        .reveal .output { margin: 6px 0 12px; font-size: 22px; }
        .reveal .output.display { overflow: visible; }
        .reveal table { margin: 8px 0 14px; font-size: 24px; }
        .reveal table th, .reveal table td { border: 1px solid #d0d7de; padding: 4px 10px; }
        .reveal table th { background: #f6f8fa; }
        .reveal img { margin: 8px 0; }
        .reveal details.solution, .reveal details.check { margin: 8px 0 12px; }
        .reveal details.solution > summary, .reveal details.check > summary { cursor: pointer; font-weight: 600; color: #0969da; font-size: 26px; }
        .reveal .slide-number { font-size: 20px; }
        html:not(.deck-ready) .reveal { overflow: visible; height: auto; }
        html:not(.deck-ready) .reveal .slides { position: relative; width: __WIDTH__px; height: auto; margin: 0; }
        html:not(.deck-ready) .reveal .slides > section { display: block; position: relative; }
        """;

    // Measures each section at the slide's size and continues one that overflows on new slides, then starts reveal.js.
    // window.deckReady resolves once reveal.js is ready (tests wait for it).
    private const string DeckScript = """
        (function () {
          var W = __WIDTH__, H = __HEIGHT__;
          var root = document.documentElement;
          var deck = document.querySelector('.reveal .slides');
          var resolveReady;
          window.deckReady = new Promise(function (resolve) { resolveReady = resolve; });

          function sections() { return Array.prototype.filter.call(deck.children, function (e) { return e.tagName === 'SECTION'; }); }
          function fits(s) { return s.scrollHeight <= H + 1 && s.scrollWidth <= W + 1; }
          function px(s, name) { return parseFloat(getComputedStyle(s)[name]) || 0; }
          function roomWidth(s) { return W - px(s, 'paddingLeft') - px(s, 'paddingRight'); }
          function heading(s) { var f = s.firstElementChild; return f && /^H[12]$/.test(f.tagName) ? f : null; }
          function roomHeight(s) {
            var h = heading(s);
            return H - px(s, 'paddingTop') - px(s, 'paddingBottom') - (h ? h.offsetHeight + px(h, 'marginBottom') : 0) - 16;
          }

          // A chart is shown no larger than a slide's content area (its aspect ratio kept): the picture is scaled, as
          // reveal.js scales the slide, not relaid out narrower — Plotly keeps its font sizes then and cuts long titles.
          function fitCharts() {
            if (!window.Plotly) return Promise.resolve();
            document.querySelectorAll('.reveal .slides .js-plotly-plot').forEach(function (plot) {
              var s = plot.closest('section'), size = plot._fullLayout;
              if (!s || !size || plot.parentNode.classList.contains('chart-scaled')) return;
              var k = Math.min(1, roomWidth(s) / size.width, roomHeight(s) / size.height);
              if (k >= 1) return;
              var box = document.createElement('div');
              box.className = 'chart-scaled';
              box.style.width = Math.floor(size.width * k) + 'px';
              box.style.height = Math.floor(size.height * k) + 'px';
              plot.parentNode.insertBefore(box, plot);
              box.appendChild(plot);
              plot.style.width = size.width + 'px';
              plot.style.transform = 'scale(' + k + ')';
              plot.style.transformOrigin = '0 0';
            });
            return Promise.resolve();
          }

          function continuation(after, section, head) {
            var s = document.createElement('section');
            s.setAttribute('data-section', section.getAttribute('data-section'));
            s.setAttribute('data-continued', '');
            if (head) {
              var h = document.createElement('h2');   // the heading as typeset (maths and all), smaller
              h.className = 'continued';
              Array.prototype.forEach.call(head.childNodes, function (node) { h.appendChild(node.cloneNode(true)); });
              h.appendChild(document.createTextNode(' (continued)'));
              s.appendChild(h);
            }
            after.parentNode.insertBefore(s, after.nextSibling);
            return s;
          }

          // The largest k in [1, n - 1] for which apply(k) leaves the slide fitting, or 0.
          function largestFit(n, apply, slide) {
            var lo = 0, hi = n - 1;
            while (lo < hi) {
              var mid = (lo + hi + 1) >> 1;
              apply(mid);
              if (fits(slide)) lo = mid; else hi = mid - 1;
            }
            return lo;
          }

          // Splits an overflowing block where the slide ends: the first part (at least `least` lines, items or rows)
          // stays, the rest is returned; null when it cannot be split so.
          function split(block, slide, least) {
            if (block.tagName === 'PRE') {
              var target = block.querySelector('code') || block;
              var lines = target.textContent.replace(/\n$/, '').split('\n');
              var k = largestFit(lines.length, function (n) { target.textContent = lines.slice(0, n).join('\n'); }, slide);
              if (k < Math.max(1, least)) { target.textContent = lines.join('\n'); return null; }
              target.textContent = lines.slice(0, k).join('\n');
              var rest = block.cloneNode(true);
              (rest.querySelector('code') || rest).textContent = lines.slice(k).join('\n');
              return rest;
            }
            var units = null, holder = block;
            if (block.tagName === 'UL' || block.tagName === 'OL') units = Array.prototype.slice.call(block.children);
            else if (block.tagName === 'TABLE' && block.tBodies.length === 1) { holder = block.tBodies[0]; units = Array.prototype.slice.call(holder.rows); }
            if (units && units.length > 1) {
              var keep = function (n) {
                units.forEach(function (u, i) { if (i < n) holder.appendChild(u); else if (u.parentNode) u.parentNode.removeChild(u); });
              };
              var m = largestFit(units.length, keep, slide);
              if (m < Math.max(1, least)) { keep(units.length); return null; }
              keep(m);
              var restBlock = block.cloneNode(true), restHolder = holder === block ? restBlock : restBlock.tBodies[0];
              while (restHolder.firstChild) restHolder.removeChild(restHolder.firstChild);
              units.slice(m).forEach(function (u) { restHolder.appendChild(u); });
              if (block.tagName === 'OL') restBlock.setAttribute('start', String((parseInt(block.getAttribute('start'), 10) || 1) + m));
              return restBlock;
            }
            if (block.children.length === 1 && block.textContent.trim() === block.children[0].textContent.trim()
                && !block.querySelector('.js-plotly-plot')) {
              var inner = split(block.children[0], slide, least);
              if (!inner) return null;
              var wrapper = block.cloneNode(false);
              wrapper.appendChild(inner);
              return wrapper;
            }
            return null;
          }

          // A block that cannot be split (a chart, an equation, a solution) is drawn smaller until the slide fits.
          function shrink(block, slide) {
            for (var i = 0; i < 8 && !fits(slide); i++) {
              var zoom = parseFloat(block.style.zoom) || 1, tall = block.getBoundingClientRect().height;
              var kh = slide.scrollHeight > H + 1 && tall > 0 ? (tall - (slide.scrollHeight - H)) / tall : 1;
              var kw = slide.scrollWidth > W + 1 ? W / slide.scrollWidth : 1;
              block.style.zoom = String(Math.max(0.2, zoom * Math.max(0.1, Math.min(kh, kw) * 0.97)));
            }
          }

          function pack(section) {
            section.querySelectorAll(':scope > *').forEach(function (block) {
              if (block.scrollWidth > roomWidth(section) + 1 && !block.querySelector('.js-plotly-plot')) block.style.zoom = String(roomWidth(section) / block.scrollWidth);
            });
            if (fits(section)) return;
            var head = heading(section);
            var queue = Array.prototype.filter.call(section.children, function (b) { return b !== head; });
            queue.forEach(function (b) { section.removeChild(b); });
            var slide = section, count = 0;
            while (queue.length) {
              var block = queue.shift();
              slide.appendChild(block);
              if (fits(slide)) { count++; continue; }
              if (count > 0) {
                // A long code block, list or table starts here when a fair part of it fits (4 lines, 2 items or rows).
                var part = split(block, slide, block.tagName === 'PRE' || block.querySelector('pre') ? 4 : 2);
                if (part) {
                  queue.unshift(part);
                  slide = continuation(slide, section, head);
                  count = 0;
                  continue;
                }
                slide.removeChild(block);
                slide = continuation(slide, section, head);
                count = 0;
                slide.appendChild(block);
                if (fits(slide)) { count++; continue; }
              }
              var rest = split(block, slide, 1);
              if (rest) {
                queue.unshift(rest);
                slide = continuation(slide, section, head);
                count = 0;
              } else {
                shrink(block, slide);
                count++;
              }
            }
          }

          function layOut() {
            var solutions = document.querySelectorAll('.reveal details.solution, .reveal details.check');
            solutions.forEach(function (d) { d.open = true; });   // room for a solution once it is opened
            sections().forEach(function (s) { try { pack(s); } catch (e) { console.error('slide layout: ' + e); } });
            solutions.forEach(function (d) { d.open = false; });
            if (window.hljs) hljs.highlightAll();
          }

          function start() {
            root.classList.add('deck-ready');
            Reveal.initialize({
              width: W, height: H, margin: 0.04, center: false, hash: true, hashOneBasedIndex: true, respondToHashChanges: true,
              slideNumber: 'c/t', showSlideNumber: 'all', transition: 'none', backgroundTransition: 'none',
              controls: true, progress: true, history: false
            }).then(function () { resolveReady(Reveal); });
            // A click on a slide moves on, except on what a click is for (links, the "Solution" label, charts, inputs).
            deck.addEventListener('click', function (e) {
              if (e.target.closest('a, summary, button, input, select, textarea, label, .js-plotly-plot')) return;
              if (String(window.getSelection ? window.getSelection() : '').length > 0) return;
              Reveal.next();
            });
            // After a solution is opened or closed, the keys move the slides again (not the focused label).
            document.querySelectorAll('.reveal details.solution, .reveal details.check').forEach(function (d) {
              d.addEventListener('toggle', function () { if (document.activeElement && document.activeElement.blur) document.activeElement.blur(); });
            });
          }

          // Measure once the page has loaded and its fonts (inlined, but decoded when first used) are in.
          var loaded = document.readyState === 'complete' ? Promise.resolve()
            : new Promise(function (resolve) { window.addEventListener('load', resolve); });
          loaded.then(function () { void deck.offsetHeight; return document.fonts ? document.fonts.ready : null; })
            .then(fitCharts).then(layOut, function (e) { console.error('slide layout: ' + e); layOut(); })
            .then(start, function (e) { console.error('slide layout: ' + e); start(); });
        })();
        """;
}
