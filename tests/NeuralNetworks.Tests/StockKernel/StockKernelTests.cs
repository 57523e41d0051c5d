using System.Text.Json;
using System.Text.Json.Nodes;
using NeuralNetworks.Tests.Setup;
using Xunit.Abstractions;

namespace NeuralNetworks.Tests.StockKernel;

/// <summary>
/// The shared setup cells in the stock kernel (dotnet-interactive 1.0.712001) driven by Jupyter, as on a student's
/// machine: the library builds and loads, charts draw from the page's own plotly.js (no CDN), our formatters win
/// over Plotly.NET.Interactive's, and a failing "Check yourself" cell fails the run.
/// Slow (a kernel start and a library build each); skipped where Jupyter or the kernel is missing, except under CI=true.
/// </summary>
[Trait("Category", "Notebooks")]
[Collection("Course notebooks")]
public sealed class StockKernelTests(ITestOutputHelper output, StockKernelTests.ScratchRepository scratch)
    : IClassFixture<StockKernelTests.ScratchRepository>
{
    [Fact]
    public void Setup_check_notebook_runs_in_the_stock_kernel_with_offline_charts_and_no_errors()
    {
        if (!JupyterStockKernel.IsAvailable(output)) return;

        var run = JupyterStockKernel.Run(NotebookFiles.CanonicalNotebook, scratch.OutputFolder, output);

        Assert.True(run.ExitCode == 0, run.Log);
        Assert.Empty(run.Errors);
        var built = Assert.Single(run.Streams, s => s.Source.StartsWith("// Setup 1/2", StringComparison.Ordinal)).Text;
        Assert.Matches(@"^(Library up to date\.|Built the library in \d+ s\.)\s*$", built);
        Assert.Single(run.Html, h => h.Html.Contains("window.define = undefined;", StringComparison.Ordinal));
        var charts = run.Html.Where(h => h.Html.Contains("Plotly.newPlot(", StringComparison.Ordinal) && !h.Html.Contains("nn-plotly-loader")).ToArray();
        Assert.NotEmpty(charts);
        Assert.All(charts, chart => AssertOffline(chart.Html));
        Assert.Contains(run.Html, h => h.Html.Contains("2 × 3 matrix</caption>", StringComparison.Ordinal));
        Assert.Contains(run.Streams, s => s.Text.Contains("✓ parameters of 784-16-16-10: matched (13002)", StringComparison.Ordinal));
    }

    [Fact]
    public void Setup_formatters_win_over_Plotly_NET_Interactive_and_show_library_values()
    {
        if (!JupyterStockKernel.IsAvailable(output)) return;

        var run = JupyterStockKernel.Run(scratch.Notebook("formatters",
            """Plotly.NET.CSharp.Chart.Line<double, double, string>(x: new[] { 1.0, 2, 3 }, y: new[] { 1.0, 4, 9 })""",
            """Network.Create([784, 16, 16, 10]).Forward(Vector<double>.Build.Dense(784, 0.5))""",
            """Matrix<double>.Build.Dense(3, 2, (i, j) => i - j)"""), scratch.OutputFolder, output);

        Assert.True(run.ExitCode == 0, run.Log);
        Assert.Empty(run.Errors);
        // The extension was loaded (so its formatter was registered), and still the chart is ours: no CDN, no require.js.
        Assert.Contains(run.Outputs, o => o.Output.ToJsonString().Contains("Plotly.NET.Interactive.dll", StringComparison.Ordinal));
        var line = Assert.Single(run.Html, h => h.Source.StartsWith("Plotly.NET.CSharp.Chart.Line", StringComparison.Ordinal)).Html;
        Assert.StartsWith("<div class=\"nn-chart\">", line);
        AssertOffline(line);
        var pass = Assert.Single(run.Html, h => h.Source.StartsWith("Network.Create", StringComparison.Ordinal)).Html;
        Assert.Contains("<div class=\"nn-summary\">Forward pass of 1 example through 784-16-16-10", pass);
        AssertOffline(pass);
        var matrix = Assert.Single(run.Html, h => h.Source.StartsWith("Matrix<double>", StringComparison.Ordinal)).Html;
        Assert.Contains("3 × 2 matrix</caption>", matrix);
    }

    [Fact]
    public void A_failing_check_stops_the_notebook_and_fails_the_run()
    {
        if (!JupyterStockKernel.IsAvailable(output)) return;

        var run = JupyterStockKernel.Run(scratch.Notebook("failing-check",
            """Check.Equal("one plus two", 2, 1 + 2);""",
            """Console.WriteLine("not reached");"""), scratch.OutputFolder, output);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("CheckFailedException", run.Log);
        Assert.Contains("✗ one plus two: expected 2, actual 3, difference 1", run.Log);
        Assert.DoesNotContain("not reached\n", run.Log);
    }

    [Fact]
    public void A_library_that_does_not_compile_stops_the_setup_with_the_compiler_errors()
    {
        if (!JupyterStockKernel.IsAvailable(output)) return;

        using var broken = new ScratchRepository();
        File.WriteAllText(broken.File("src/NeuralNetworks/Broken.cs"), "namespace NeuralNetworks;\n\ninternal static class Broken\n{\n    public static int Value => \"not a number\";\n}\n");
        var run = JupyterStockKernel.Run(broken.Notebook("broken-library", """Console.WriteLine("not reached");"""), broken.OutputFolder, output);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("Building the library failed", run.Log);
        Assert.Contains("Broken.cs(5,32): error CS0029", run.Log);
    }

    private static void AssertOffline(string html) => OfflineChart.AssertDrawsOffline(html);

    /// <summary>
    /// A temporary copy of the repository's layout (the library's sources, Directory.*.props, global.json, the tool
    /// manifest and a notebooks/ folder) for notebooks made up by the tests, so nothing is written into the repository.
    /// </summary>
    public sealed class ScratchRepository : IDisposable
    {
        private readonly string root = Directory.CreateTempSubdirectory("nn-stock-kernel-").FullName;

        /// <summary>Creates the copy.</summary>
        public ScratchRepository()
        {
            var source = NotebookFiles.Root;
            CopySources(Path.Combine(source, "src", "NeuralNetworks"), Path.Combine(root, "src", "NeuralNetworks"));
            foreach (var file in Directory.GetFiles(source, "Directory.*.props").Append(Path.Combine(source, "global.json")))
                System.IO.File.Copy(file, Path.Combine(root, Path.GetFileName(file)));
            Directory.CreateDirectory(Path.Combine(root, ".config"));
            System.IO.File.Copy(Path.Combine(source, ".config", "dotnet-tools.json"), Path.Combine(root, ".config", "dotnet-tools.json"));
            Directory.CreateDirectory(Path.Combine(root, "notebooks"));
            Directory.CreateDirectory(OutputFolder);
        }

        /// <summary>The full path of a file of the copy, e.g. "src/NeuralNetworks/Check.cs".</summary>
        public string File(string relativePath) => Path.Combine(root, relativePath);

        /// <summary>Where executed notebooks are written.</summary>
        public string OutputFolder => Path.Combine(root, "executed");

        /// <summary>Writes notebooks/<paramref name="name"/>.ipynb: the canonical setup cells, then one code cell per source.</summary>
        public string Notebook(string name, params string[] cells)
        {
            var canonical = JsonNode.Parse(System.IO.File.ReadAllText(NotebookFiles.CanonicalNotebook))!.AsObject();
            var setup = canonical["cells"]!.AsArray().Where(c => (string?)c!["cell_type"] == "code").Take(2).Select(c => NotebookFiles.SourceOf(JsonDocument.Parse(c!.ToJsonString()).RootElement));
            var code = setup.Concat(cells).Select((source, i) => new JsonObject
            {
                ["cell_type"] = "code",
                ["id"] = $"cell-{i}",
                ["execution_count"] = null,
                ["metadata"] = new JsonObject(),
                ["outputs"] = new JsonArray(),
                ["source"] = source,
            });
            var notebook = new JsonObject
            {
                ["cells"] = new JsonArray(code.ToArray<JsonNode?>()),
                ["metadata"] = canonical["metadata"]!.DeepClone(),
                ["nbformat"] = 4,
                ["nbformat_minor"] = 5,
            };
            var path = Path.Combine(root, "notebooks", name + ".ipynb");
            System.IO.File.WriteAllText(path, notebook.ToJsonString());
            return path;
        }

        /// <inheritdoc/>
        public void Dispose()
        {
            try { Directory.Delete(root, recursive: true); }
            catch (IOException) { /* a kernel may still hold a file; the temp folder is cleaned up by the OS */ }
        }

        private static void CopySources(string from, string to)
        {
            Directory.CreateDirectory(to);
            foreach (var file in Directory.GetFiles(from)) System.IO.File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
            foreach (var folder in Directory.GetDirectories(from).Where(d => Path.GetFileName(d) is not ("bin" or "obj")))
                CopySources(folder, Path.Combine(to, Path.GetFileName(folder)));
        }
    }
}
