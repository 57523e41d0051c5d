using System.Text.RegularExpressions;

namespace NeuralNetworks.Tests.Notebooks;

/// <summary>The exported pages render markdown, maths and code, and need nothing from the network.</summary>
[Collection("Notebooks")]
[Trait("Category", Category.Notebooks)]
public sealed partial class HtmlExportTests(ExportedNotebooks exported)
{
    private const string PlotlyJsBanner = "plotly.js v2.28.0";

    [Fact]
    public void Markdown_headings_and_pipe_tables_are_rendered()
    {
        var page = exported.Read("passes.html");

        Assert.Contains("<title>A passing notebook</title>", page);
        Assert.Matches("<h1[^>]*>A passing notebook</h1>", page);
        Assert.Matches("<h2[^>]*>Exercise</h2>", page);
        Assert.Contains("<table>", page);
        Assert.Contains("<th>symbol</th>", page);
        Assert.Contains("<td><code>W</code></td>", page);
    }

    [Fact]
    public void Maths_is_typeset_by_inlined_KaTeX_with_its_fonts()
    {
        var page = exported.Read("passes.html");

        // Markdig marks the maths; KaTeX (embedded in the notebook host, inlined with its fonts) typesets it when the page opens.
        Assert.Contains("""<span class="math">\(a = \sigma(w \cdot x + b)\)</span>""", page);
        Assert.Contains("<div class=\"math\">", page);
        Assert.Contains("katex.render(", page);
        Assert.Contains("font-family:KaTeX_Main", page);
        Assert.Contains("url(data:font/woff2;base64,", page);
        Assert.DoesNotContain("url(fonts/", page);
        Assert.DoesNotContain("warning:", exported.Result.StdOut);
    }

    [Fact]
    public void Code_cells_are_marked_for_highlighting_and_outputs_rendered()
    {
        var page = exported.Read("passes.html");

        Assert.Contains("<code class=\"language-csharp\">Console.WriteLine(&quot;hello from cell 2&quot;);", page);
        Assert.Contains("<pre class=\"output stdout\">hello from cell 2\n</pre>", page);
        Assert.Contains("<b>bold output</b>", page);
        Assert.Contains("<pre class=\"output stderr\">a warning on stderr\n</pre>", page);
        if (!exported.Result.StdOut.Contains("@highlightjs/cdn-assets", StringComparison.Ordinal))
            Assert.Contains("hljs.highlightAll()", page);
    }

    [Theory]
    [InlineData("passes.html")]
    [InlineData("chart.html")]
    [InlineData("index.html")]
    public void Pages_load_no_script_style_font_or_image_from_the_network(string name)
    {
        var remote = RemoteReferences(exported.Read(name));
        Assert.True(remote.Count == 0, string.Join("\n", remote));
    }

    [Fact]
    public void Plotly_js_is_inlined_exactly_once_on_a_page_with_a_chart_and_not_on_others()
    {
        Assert.Equal(1, Regex.Count(exported.Read("chart.html"), Regex.Escape(PlotlyJsBanner)));
        Assert.Equal(0, Regex.Count(exported.Read("passes.html"), Regex.Escape(PlotlyJsBanner)));
    }

    [Fact]
    public void Index_links_every_page_with_its_title()
    {
        var index = exported.Read("index.html");

        Assert.Contains("<a href=\"passes.html\">A passing notebook</a>", index);
        Assert.Contains("<a href=\"chart.html\">A notebook that draws a chart</a>", index);
    }

    /// <summary>
    /// Every reference that would make a browser fetch from a remote host: src/href of script, link, img, iframe,
    /// source, and url(...) / @import in styles. Links a reader clicks (&lt;a href&gt;) are not fetches, and text
    /// inside inline scripts is not an attribute (plotly.js mentions its own home page).
    /// </summary>
    public static List<string> RemoteReferences(string html)
    {
        var withoutScriptBodies = ScriptBody().Replace(html, "<script$1></script>");
        var found = new List<string>();
        found.AddRange(FetchingTag().Matches(withoutScriptBodies).Select(m => m.Value));
        found.AddRange(CssRemote().Matches(withoutScriptBodies).Select(m => m.Value));
        return found;
    }

    [GeneratedRegex("""<script([^>]*)>.*?</script>""", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex ScriptBody();

    [GeneratedRegex("""<(script|link|img|iframe|source|embed|object|video|audio)\b[^>]*\b(src|href|data)\s*=\s*["']?\s*(https?:)?//[^>]*>""", RegexOptions.IgnoreCase)]
    private static partial Regex FetchingTag();

    [GeneratedRegex("""(url\(\s*["']?\s*(https?:)?//[^)]*\)|@import\s+["']?(url\()?\s*["']?(https?:)?//[^;]*)""", RegexOptions.IgnoreCase)]
    private static partial Regex CssRemote();
}
