using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NeuralNetworks.Notebooks;

/// <summary>
/// Renders a code cell's outputs as HTML the way Jupyter shows them (streams, errors, HTML, images, markdown, text),
/// with chart outputs made to draw from the page's own plotly.js. One renderer for the pages (<see cref="HtmlExporter"/>)
/// and the slide decks (<see cref="SlideDeck"/>), with the scripts both inline around it.
/// </summary>
public sealed partial class OutputRenderer
{
    /// <summary>True once an output drew a Plotly chart (the page then needs plotly.js); the caller resets it per page.</summary>
    public bool ChartSeen { get; set; }

    /// <summary>One output (an nbformat output object) as HTML; an output type it does not know gives "".</summary>
    public string Render(JsonObject output)
    {
        switch ((string?)output["output_type"])
        {
            case "stream":
                var name = (string?)output["name"] == "stderr" ? "stderr" : "stdout";
                return $"<pre class=\"output {name}\">{WebUtility.HtmlEncode(NotebookFile.MultilineText(output["text"]))}</pre>";
            case "error":
                return RenderError(output, printed: "");
            case "display_data" or "execute_result":
                return $"<div class=\"output display\">{RenderMimeBundle(output["data"] as JsonObject ?? [])}</div>";
            default:
                return "";
        }
    }

    /// <summary>Every output of a code cell, in order. An error whose message the cell printed already (a check's ✗ line,
    /// printed and then thrown so that Run All stops there) shows its traceback alone, not the line a second time.</summary>
    public string RenderOutputs(JsonObject cell)
    {
        var outputs = (cell["outputs"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var printed = string.Concat(outputs.Where(o => (string?)o["output_type"] == "stream").Select(o => NotebookFile.MultilineText(o["text"])));
        return string.Concat(outputs.Select(o => (string?)o["output_type"] == "error" ? RenderError(o, printed) : Render(o)));
    }

    private static string RenderError(JsonObject output, string printed)
    {
        var traceback = string.Join("\n", (output["traceback"] as JsonArray ?? []).Select(l => (string?)l)).TrimEnd();
        var evalue = (string?)output["evalue"] ?? "";
        var text = traceback.Contains(evalue, StringComparison.Ordinal) ? traceback
            : evalue.Trim().Length > 0 && traceback.Length > 0 && printed.Contains(evalue.Trim(), StringComparison.Ordinal) ? traceback
            : $"{output["ename"]}: {evalue}\n{traceback}";
        return $"<pre class=\"output error\">{WebUtility.HtmlEncode(text.TrimEnd())}</pre>";
    }

    private string RenderMimeBundle(JsonObject data)
    {
        string? Text(string mime) => data[mime] is { } node ? NotebookFile.MultilineText(node) : null;
        if (Text("text/html") is { } html)
        {
            ChartSeen |= html.Contains("Plotly.newPlot", StringComparison.Ordinal)
                         || html.Contains("Plotly.react", StringComparison.Ordinal);
            return WithoutRemotePlotly(html);
        }
        if (Text("image/svg+xml") is { } svg) return svg;
        foreach (var image in new[] { "image/png", "image/jpeg", "image/gif" })
        {
            if (Text(image) is { } base64)
                return $"<img src=\"data:{image};base64,{base64.Replace("\n", "")}\" alt=\"output image\">";
        }
        if (Text("text/markdown") is { } markdown) return HtmlExporter.RenderMarkdown(markdown);
        if (Text("text/plain") is { } plain) return $"<pre>{WebUtility.HtmlEncode(plain)}</pre>";
        if (data.FirstOrDefault().Value is { } other) return $"<pre>{WebUtility.HtmlEncode(other.ToJsonString())}</pre>";
        return "";
    }

    /// <summary>
    /// Makes chart output draw from the page's own plotly.js: drops script tags that load from a URL and any
    /// plotly.js copy a notebook injected itself (the page has exactly one), and blanks the CDN / require.js
    /// addresses Plotly.NET writes into its loader (the shim answers <c>require(['plotly'])</c> instead).
    /// </summary>
    public static string WithoutRemotePlotly(string html)
    {
        html = RemoteScriptTag().Replace(html, "");
        return RemoteUrl().Replace(WithoutInlinedPlotly(html), "");
    }

    /// <summary>The HTML without any copy of plotly.js inlined in it (a script over 500 KB that names itself plotly.js).</summary>
    public static string WithoutInlinedPlotly(string html) =>
        html.Length < 500_000
            ? html
            : InlineScript().Replace(html, m =>
                m.Groups["body"].Length > 500_000 && m.Groups["body"].Value.Contains("plotly.js v", StringComparison.Ordinal) ? "" : m.Value);

    /// <summary>
    /// The scripts that go in a page's head when it shows charts: the require.js shim that answers Plotly.NET's chart
    /// loader, then <paramref name="plotlyJs"/> (inlined or linked, as <paramref name="assets"/> says) loaded with
    /// <c>define</c> hidden (plotly.js would register itself with require.js instead of setting <c>window.Plotly</c>).
    /// </summary>
    public static string PlotlyScripts(WebAssets assets, string plotlyJs) =>
        "<script>\n" + RequireShim + "\n</script>\n" + WithoutDefine(assets.Script(WebAssets.PlotlyJsFile, plotlyJs));

    /// <summary>A script tag run with <c>window.define</c> hidden, so a UMD bundle sets its global instead of calling define.</summary>
    public static string WithoutDefine(string scriptTag) =>
        "<script>\nwindow.__defineBeforePlotly = window.define; window.define = undefined;\n</script>\n"
        + scriptTag
        + "<script>\nwindow.define = window.__defineBeforePlotly;\n</script>\n";

    [GeneratedRegex("""<script\b[^>]*\bsrc\s*=\s*["']?(https?:)?//[^>]*>\s*</script>""", RegexOptions.IgnoreCase)]
    private static partial Regex RemoteScriptTag();

    [GeneratedRegex("""<script\b[^>]*>(?<body>.*?)</script>""", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex InlineScript();

    // Addresses of scripts Plotly.NET's loader would fetch (plotly.js on a CDN, require.js), inside its script.
    [GeneratedRegex("""https?://(cdn\.plot\.ly|cdnjs\.cloudflare\.com|cdn\.jsdelivr\.net|unpkg\.com)/[^"'\s)]*""", RegexOptions.IgnoreCase)]
    private static partial Regex RemoteUrl();

    private const string RequireShim = """
        // Plotly.NET.Interactive's chart loader asks require.js for 'plotly'; answer with the inlined plotly.js.
        (function () {
          if (typeof window.requirejs === 'function' && typeof window.requirejs.config === 'function') return;
          var require = function (deps, callback) {
            callback.apply(null, deps.map(function (name) { return name === 'plotly' ? window.Plotly : undefined; }));
          };
          require.config = function () { return require; };
          window.requirejs = window.require = require;
        })();
        """;

    /// <summary>Typesets every <c>.math</c> element with KaTeX (Markdig writes maths as <c>\(...\)</c> and <c>\[...\]</c>).</summary>
    public const string KatexRender = """
        // Markdig writes maths as <span class="math">\(...\)</span> and <div class="math">\[...\]</div>.
        document.querySelectorAll('.math').forEach(function (el) {
          var tex = el.textContent.trim().replace(/^\\[(\[]/, '').replace(/\\[)\]]$/, '');
          try { katex.render(tex, el, { displayMode: el.tagName === 'DIV', throwOnError: false }); }
          catch (e) { el.classList.add('math-error'); }
        });
        """;
}
