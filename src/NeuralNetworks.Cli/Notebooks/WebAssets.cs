using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using System.Text.RegularExpressions;

namespace NeuralNetworks.Cli.Notebooks;

/// <summary>
/// The scripts and styles the exported HTML pages inline, so that a page needs no network when viewed:
/// KaTeX (maths) and highlight.js (code), taken at export time from their npm registry packages
/// (pinned below, fetched once with <c>npm pack</c> into a cache folder, never copied into the repository),
/// and plotly.js, read from the resource Plotly.NET 6 embeds.
/// </summary>
public sealed partial class WebAssets
{
    /// <summary>The npm package that ships KaTeX's script, stylesheet and fonts.</summary>
    public const string KatexPackage = "katex@0.16.22";

    /// <summary>The npm package that ships highlight.js prebuilt with the common languages (C# included).</summary>
    public const string HighlightPackage = "@highlightjs/cdn-assets@11.11.1";

    /// <summary>The plotly.js copy embedded in Plotly.NET.dll 6.0.0.</summary>
    public const string PlotlyResource = "Plotly.NET.plotly-2.28.0.min.js";

    /// <summary>KaTeX's stylesheet with its fonts inlined as data: URIs; null when KaTeX could not be had.</summary>
    public string? KatexCss { get; private init; }

    /// <summary>KaTeX's script; null when KaTeX could not be had.</summary>
    public string? KatexJs { get; private init; }

    /// <summary>highlight.js's script; null when it could not be had.</summary>
    public string? HighlightJs { get; private init; }

    /// <summary>highlight.js's "github" theme.</summary>
    public string? HighlightCss { get; private init; }

    /// <summary>What is missing and how to get it (one line), or null when everything was found.</summary>
    public string? Warning { get; private init; }

    /// <summary>
    /// The folder holding the npm tarballs: <c>$NEURALNETWORKS_WEB_ASSETS</c> if set, else
    /// <c>$XDG_CACHE_HOME/neuralnetworks/web-assets</c> (default <c>~/.cache/neuralnetworks/web-assets</c>).
    /// </summary>
    public static string CacheDirectory =>
        Environment.GetEnvironmentVariable("NEURALNETWORKS_WEB_ASSETS") is { Length: > 0 } dir
            ? dir
            : Path.Combine(
                Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } cache
                    ? cache
                    : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
                "neuralnetworks", "web-assets");

    /// <summary>Loads KaTeX and highlight.js from the cache, running <c>npm pack</c> for what is not there yet.</summary>
    public static WebAssets Load()
    {
        var missing = new List<string>();
        var katex = Package(KatexPackage, missing);
        var highlight = Package(HighlightPackage, missing);
        string? warning = null;
        if (missing.Count > 0)
        {
            warning = $"{string.Join(" and ", missing)} could not be had, so the HTML pages show "
                      + $"{(katex is null ? "raw LaTeX" : "")}{(katex is null && highlight is null ? " and " : "")}"
                      + $"{(highlight is null ? "unhighlighted code" : "")}. They come from the npm registry: install "
                      + $"npm (e.g. apt-get install npm) and run again, or put the `npm pack` tarballs of "
                      + $"{string.Join(" and ", missing)} into {CacheDirectory}.";
        }
        return new WebAssets
        {
            KatexJs = katex?.GetValueOrDefault("package/dist/katex.min.js") is { } js ? Encoding.UTF8.GetString(js) : null,
            KatexCss = katex is null ? null : InlineFonts(Encoding.UTF8.GetString(katex["package/dist/katex.min.css"]), katex),
            HighlightJs = highlight?.GetValueOrDefault("package/highlight.min.js") is { } h ? Encoding.UTF8.GetString(h) : null,
            HighlightCss = highlight?.GetValueOrDefault("package/styles/github.min.css") is { } c ? Encoding.UTF8.GetString(c) : null,
            Warning = warning,
        };
    }

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

    // The files of an npm package tarball, by path ("package/dist/katex.min.js"); null when unavailable.
    private static Dictionary<string, byte[]>? Package(string spec, List<string> missing)
    {
        var tarball = Path.Combine(CacheDirectory, TarballName(spec));
        if (!File.Exists(tarball) && !NpmPack(spec))
        {
            missing.Add(spec);
            return null;
        }
        var files = new Dictionary<string, byte[]>();
        using var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.DataStream is null) continue;
            using var copy = new MemoryStream();
            entry.DataStream.CopyTo(copy);
            files[entry.Name] = copy.ToArray();
        }
        return files;
    }

    // "@highlightjs/cdn-assets@11.11.1" -> "highlightjs-cdn-assets-11.11.1.tgz", as npm pack names it.
    private static string TarballName(string spec)
    {
        var at = spec.LastIndexOf('@');
        return $"{spec[..at].TrimStart('@').Replace('/', '-')}-{spec[(at + 1)..]}.tgz";
    }

    private static bool NpmPack(string spec)
    {
        try
        {
            Directory.CreateDirectory(CacheDirectory);
            var start = new ProcessStartInfo("npm", ["pack", spec, "--silent", "--pack-destination", CacheDirectory])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var npm = Process.Start(start)!;
            var stdout = npm.StandardOutput.ReadToEndAsync();
            var stderr = npm.StandardError.ReadToEndAsync();
            if (!npm.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                npm.Kill(entireProcessTree: true);
                return false;
            }
            Task.WaitAll(stdout, stderr);
            return npm.ExitCode == 0 && File.Exists(Path.Combine(CacheDirectory, TarballName(spec)));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // npm is not installed
        }
    }

    // KaTeX's @font-face rules list woff2, woff and ttf files; keep only woff2 (every current browser reads it),
    // inlined as a data: URI.
    private static string InlineFonts(string css, Dictionary<string, byte[]> files) =>
        FontSource().Replace(css, match =>
        {
            var font = files.GetValueOrDefault("package/dist/" + match.Groups["file"].Value);
            return font is null
                ? match.Value
                : $"src:url(data:font/woff2;base64,{Convert.ToBase64String(font)}) format(\"woff2\")";
        });

    [GeneratedRegex("""src:url\((?<file>fonts/[^)]+\.woff2)\) format\("woff2"\)(,url\([^)]*\) format\("[a-z]+"\))*""")]
    private static partial Regex FontSource();
}
