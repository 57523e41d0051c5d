namespace NeuralNetworks.Tests.Notebooks;

/// <summary>
/// "Only the .NET SDK": <c>notebooks run</c> on a machine without npm, node or Python — PATH holds nothing but
/// dotnet — and with a fresh HOME still writes pages with typeset maths and highlighted code, because KaTeX and
/// highlight.js are embedded in the notebook host.
/// </summary>
[Trait("Category", Category.Notebooks)]
public sealed class OnlyTheSdkTests : IDisposable
{
    private readonly string _work = NotebookCli.NewTempDirectory();

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public void Notebooks_run_writes_typeset_pages_with_only_dotnet_on_the_path_and_a_fresh_home()
    {
        var bin = Directory.CreateDirectory(Path.Combine(_work, "bin")).FullName;
        var dotnet = Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "/usr/bin/dotnet";
        File.CreateSymbolicLink(Path.Combine(bin, "dotnet"), dotnet);
        var home = Directory.CreateDirectory(Path.Combine(_work, "home")).FullName;
        var output = Path.Combine(_work, "out");

        var run = NotebookCli.Run(TimeSpan.FromMinutes(5),
            new Dictionary<string, string?> { ["PATH"] = bin, ["HOME"] = home, ["XDG_CACHE_HOME"] = null, ["NEURALNETWORKS_WEB_ASSETS"] = null },
            "notebooks", "run", NotebookCli.TestData("passes.ipynb"), "--out", output, "--solutions", "--single-file");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain("warning", run.StdOut + run.StdErr, StringComparison.OrdinalIgnoreCase);
        var page = File.ReadAllText(Path.Combine(output, "passes.html"));
        Assert.Contains("katex.render(", page);
        Assert.Contains("font-family:KaTeX_Main", page);
        Assert.Contains("url(data:font/woff2;base64,", page);
        Assert.Contains("hljs.highlightAll();", page);
        Assert.Contains("Highlight.js v11.11.1", page);
        Assert.Contains("""<span class="math">\(a = \sigma(w \cdot x + b)\)</span>""", page);
        Assert.False(Directory.Exists(Path.Combine(home, ".cache", "neuralnetworks")), "nothing is fetched into a cache any more");
    }
}
