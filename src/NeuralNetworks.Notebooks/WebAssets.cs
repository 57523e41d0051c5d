using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using System.Text.RegularExpressions;

namespace NeuralNetworks.Notebooks;

/// <summary>
/// The scripts and styles the exported HTML pages and slide decks inline, so that a page needs no network when viewed:
/// KaTeX (maths), highlight.js (code) and reveal.js (the decks), committed under WebAssets/ at pinned versions with their licences and
/// embedded in this assembly (nothing is fetched at build or run time), and plotly.js, read from the resource
/// Plotly.NET 6 embeds.
/// </summary>
public sealed partial class WebAssets
{
    /// <summary>The KaTeX release kept in WebAssets/katex (npm package <c>katex</c>).</summary>
    public const string KatexVersion = "0.16.22";

    /// <summary>The highlight.js release kept in WebAssets/highlight.js (npm package <c>@highlightjs/cdn-assets</c>).</summary>
    public const string HighlightVersion = "11.11.1";

    /// <summary>The reveal.js release kept in WebAssets/reveal.js (npm package <c>reveal.js</c>).</summary>
    public const string RevealVersion = "6.0.2";

    /// <summary>The plotly.js copy embedded in Plotly.NET.dll 6.0.0.</summary>
    public const string PlotlyResource = "Plotly.NET.plotly-2.28.0.min.js";

    /// <summary>KaTeX's stylesheet with its fonts inlined as data: URIs.</summary>
    public required string KatexCss { get; init; }

    /// <summary>KaTeX's script.</summary>
    public required string KatexJs { get; init; }

    /// <summary>highlight.js's script (the common languages, C# among them).</summary>
    public required string HighlightJs { get; init; }

    /// <summary>highlight.js's "github" theme.</summary>
    public required string HighlightCss { get; init; }

    /// <summary>The folder beside the pages that holds the shared copy of the scripts and styles.</summary>
    public const string FolderName = "assets";

    /// <summary>
    /// True: each page carries its own copy of every script and style (one file to send on its own). False: the pages
    /// of a folder link one shared copy in <see cref="FolderName"/>/ (written by <see cref="WriteFolder"/>).
    /// </summary>
    public bool Inline { get; init; } = true;

    /// <summary>reveal.js's script (the slide decks).</summary>
    public required string RevealJs { get; init; }

    /// <summary>reveal.js's stylesheet followed by its "white" theme (the theme's fonts are inlined as data: URIs).</summary>
    public required string RevealCss { get; init; }

    /// <summary>Reads KaTeX, highlight.js and reveal.js from this assembly's resources.</summary>
    /// <param name="inline">See <see cref="Inline"/>.</param>
    public static WebAssets Load(bool inline = true) => new()
    {
        KatexJs = Text("katex/katex.min.js"),
        KatexCss = InlineFonts(Text("katex/katex.min.css")),
        HighlightJs = Text("highlight.js/highlight.min.js"),
        HighlightCss = Text("highlight.js/styles/github.min.css"),
        RevealJs = Text("reveal.js/reveal.js"),
        RevealCss = Text("reveal.js/reveal.css") + "\n" + Text("reveal.js/theme/white.css"),
        Inline = inline,
    };

    /// <summary>
    /// Writes the shared copy into <paramref name="outDirectory"/>/assets: KaTeX (fonts inside its stylesheet),
    /// highlight.js, reveal.js when <paramref name="decks"/> will use it, and plotly.js (when it can be found; see <see cref="PlotlyJs"/>). Returns false when plotly.js was not found.
    /// </summary>
    public bool WriteFolder(string outDirectory, bool decks = false)
    {
        var folder = Directory.CreateDirectory(Path.Combine(outDirectory, FolderName)).FullName;
        var utf8 = new UTF8Encoding(false);
        File.WriteAllText(Path.Combine(folder, KatexCssFile), KatexCss, utf8);
        File.WriteAllText(Path.Combine(folder, KatexJsFile), KatexJs, utf8);
        File.WriteAllText(Path.Combine(folder, HighlightCssFile), HighlightCss, utf8);
        File.WriteAllText(Path.Combine(folder, HighlightJsFile), HighlightJs, utf8);
        if (decks)
        {
            File.WriteAllText(Path.Combine(folder, RevealCssFile), RevealCss, utf8);
            File.WriteAllText(Path.Combine(folder, RevealJsFile), RevealJs, utf8);
        }
        if (PlotlyJs() is not { } plotly) return false;
        File.WriteAllText(Path.Combine(folder, PlotlyJsFile), plotly, utf8);
        return true;
    }

    /// <summary>File names in the shared folder.</summary>
    public const string KatexCssFile = "katex.min.css", KatexJsFile = "katex.min.js", HighlightCssFile = "highlight-github.min.css",
        HighlightJsFile = "highlight.min.js", PlotlyJsFile = "plotly.min.js", RevealCssFile = "reveal-white.css",
        RevealJsFile = "reveal.js";

    /// <summary>A style sheet for the page's head: inlined, or a link to the shared copy.</summary>
    public string Style(string file, string css) => Inline
        ? $"<style>\n{css}\n</style>\n"
        : $"<link rel=\"stylesheet\" href=\"{FolderName}/{file}\">\n";

    /// <summary>A script: inlined (a literal &lt;/script inside is escaped), or a link to the shared copy.</summary>
    public string Script(string file, string js) => Inline
        ? $"<script>\n{EscapeScript(js)}\n</script>\n"
        : $"<script src=\"{FolderName}/{file}\"></script>\n";

    /// <summary>A script inlined into a page; a literal "&lt;/script" inside it would end it early.</summary>
    public static string EscapeScript(string js) => js.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase);

    /// <summary>The bytes of one file under WebAssets/, e.g. "katex/fonts/KaTeX_Main-Regular.woff2".</summary>
    /// <exception cref="FileNotFoundException">The file is not embedded (the build lost WebAssets/).</exception>
    public static byte[] Resource(string path)
    {
        var assembly = typeof(WebAssets).Assembly;
        // Resource names carry the folder separator of the machine that built the assembly.
        var name = assembly.GetManifestResourceNames().FirstOrDefault(n => n.Replace('\\', '/') == "WebAssets/" + path)
                   ?? throw new FileNotFoundException($"WebAssets/{path} is not embedded in {assembly.GetName().Name}.dll", path);
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static string Text(string path) => Encoding.UTF8.GetString(Resource(path));

    /// <summary>
    /// plotly.js from Plotly.NET.dll: the copy already loaded by a notebook, else the one in the NuGet
    /// packages folder (read in a throw-away load context, so it never clashes with a notebook's copy).
    /// </summary>
    public static string? PlotlyJs()
    {
        var loaded = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == "Plotly.NET");
        if (loaded is not null) return ReadResource(loaded);

        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var dll = Directory.Exists(Path.Combine(packages, "plotly.net", "6.0.0"))
            ? Directory.GetFiles(Path.Combine(packages, "plotly.net", "6.0.0"), "Plotly.NET.dll", SearchOption.AllDirectories).FirstOrDefault()
            : null;
        if (dll is null) return null;
        var context = new AssemblyLoadContext("plotly.js", isCollectible: true);
        try
        {
            return ReadResource(context.LoadFromAssemblyPath(dll));
        }
        finally
        {
            context.Unload();
        }
    }

    private static string? ReadResource(Assembly assembly)
    {
        using var stream = assembly.GetManifestResourceStream(PlotlyResource);
        return stream is null ? null : new StreamReader(stream).ReadToEnd();
    }

    // KaTeX's @font-face rules list woff2, woff and ttf files; keep only woff2 (every current browser reads it),
    // inlined as a data: URI.
    private static string InlineFonts(string css) =>
        FontSource().Replace(css, match =>
            $"src:url(data:font/woff2;base64,{Convert.ToBase64String(Resource("katex/" + match.Groups["file"].Value))}) format(\"woff2\")");

    [GeneratedRegex("""src:url\((?<file>fonts/[^)]+\.woff2)\) format\("woff2"\)(,url\([^)]*\) format\("[a-z]+"\))*""")]
    private static partial Regex FontSource();
}
