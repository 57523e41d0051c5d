using System.Text.Json.Nodes;
using NeuralNetworks.Course;
using NeuralNetworks.Tests.Setup;

namespace NeuralNetworks.Tests.StockKernel;

/// <summary>
/// The one-line setup in the stock kernel (dotnet-interactive 1.0.712001) driven by Jupyter, as on a student's
/// machine, from a folder outside the repository: the package's extension script runs, charts draw from the page's
/// own plotly.js (no CDN), library values show as tables and charts, and a failing "Check yourself" cell fails the run.
/// The package comes from the NuGet package folder, where building the library put it.
/// Slow (a kernel start each); skipped where Jupyter or the kernel is missing, except under CI=true.
/// </summary>
[Trait("Category", Category.Notebooks)]
[Collection("Course notebooks")]
public sealed class StockKernelTests(ITestOutputHelper output, StockKernelTests.ScratchFolder scratch)
    : IClassFixture<StockKernelTests.ScratchFolder>
{
    [Fact]
    public void Setup_check_notebook_runs_outside_the_repository_with_offline_charts_and_no_errors()
    {
        JupyterStockKernel.Require();
        var copy = scratch.File(Path.GetFileName(NotebookFiles.CanonicalNotebook));
        File.Copy(NotebookFiles.CanonicalNotebook, copy);

        var run = JupyterStockKernel.Run(copy, scratch.OutputFolder, output, scratch.Environment);

        Assert.True(run.ExitCode == 0, run.Log);
        Assert.Empty(run.Errors);
        var setup = run.Outputs.Where(o => o.Source.Contains("#r \"nuget: NeuralNetworks,", StringComparison.Ordinal)).Select(o => o.Output.ToJsonString()).ToArray();
        Assert.Contains(setup, o => o.Contains("Loading extension script from", StringComparison.Ordinal) && o.Contains("extension.dib", StringComparison.Ordinal));
        Assert.Single(run.Html, h => h.Html.Contains("window.define = undefined;", StringComparison.Ordinal));
        var charts = run.Html.Where(h => h.Html.Contains("Plotly.newPlot(", StringComparison.Ordinal) && !h.Html.Contains("nn-plotly-loader")).ToArray();
        Assert.NotEmpty(charts);
        Assert.All(charts, chart => AssertOffline(chart.Html));
        Assert.Contains(run.Html, h => h.Html.Contains("2 × 3 matrix</caption>", StringComparison.Ordinal));
        Assert.Contains(run.Streams, s => s.Text.Contains("✓", StringComparison.Ordinal));
    }

    [Fact]
    public void The_setup_line_brings_the_usings_and_formatters_so_library_values_show()
    {
        JupyterStockKernel.Require();

        var run = JupyterStockKernel.Run(scratch.Notebook("formatters",
            """Charts.ActivationFunctions()""",
            """Network.Create([784, 16, 16, 10]).Forward(Vector<double>.Build.Dense(784, 0.5))""",
            """Matrix<double>.Build.Dense(3, 2, (i, j) => i - j)""",
            """Mnist.LoadTest().Count"""), scratch.OutputFolder, output, scratch.Environment);

        Assert.True(run.ExitCode == 0, run.Log);
        Assert.Empty(run.Errors);
        var chart = Assert.Single(run.Html, h => h.Source.StartsWith("Charts.ActivationFunctions", StringComparison.Ordinal)).Html;
        Assert.StartsWith("<div class=\"nn-chart\">", chart);
        AssertOffline(chart);
        var pass = Assert.Single(run.Html, h => h.Source.StartsWith("Network.Create", StringComparison.Ordinal)).Html;
        Assert.Contains("<div class=\"nn-summary\">Forward pass of 1 example through 784-16-16-10", pass);
        AssertOffline(pass);
        var matrix = Assert.Single(run.Html, h => h.Source.StartsWith("Matrix<double>", StringComparison.Ordinal)).Html;
        Assert.Contains("3 × 2 matrix</caption>", matrix);
        // The scratch folder is outside the repository: the digits came from the package's data/mnist.
        var count = Assert.Single(run.Outputs, o => o.Source.StartsWith("Mnist.LoadTest", StringComparison.Ordinal)).Output.ToJsonString();
        Assert.Contains("10000", count);
    }

    [Fact]
    public void A_failing_check_stops_the_notebook_and_fails_the_run()
    {
        JupyterStockKernel.Require();

        var run = JupyterStockKernel.Run(scratch.Notebook("failing-check",
            """Check.Equal("one plus two", 2, 1 + 2);""",
            """Console.WriteLine("not reached");"""), scratch.OutputFolder, output, scratch.Environment);

        Assert.NotEqual(0, run.ExitCode);
        // The error the kernel reports is one line saying Run All stops here (the exception's ToString), with no type name
        // and no stack trace; the ✗ line itself was printed just before it.
        Assert.DoesNotContain("   at NeuralNetworks.", run.Log);
        Assert.Contains(CheckFailedException.StoppedHere, run.Log);
        Assert.DoesNotContain("not reached\n", run.Log);

        // What the student sees in the cell: the ✗ line once (an audit found it twice: printed, then again as the error).
        var shown = JupyterStockKernel.Run(scratch.Notebook("failing-check-shown", """Check.Equal("one plus two", 2, 1 + 2);"""),
            scratch.OutputFolder, output, scratch.Environment, allowErrors: true);
        var cell = shown.Outputs.Where(o => o.Source.Contains("one plus two", StringComparison.Ordinal)).Select(o => o.Output).ToList();
        var text = string.Concat(cell.Select(o => (string?)o["output_type"] == "error"
            ? string.Join("\n", o["traceback"]!.AsArray().Select(l => (string?)l))
            : Execution.PrintedText(o)));
        output.WriteLine(string.Join("\n", cell.Select(o => o.ToJsonString())));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(text, "✗ one plus two: expected 2, actual 3, difference 1"));
        Assert.Contains(CheckFailedException.StoppedHere, text);
    }

    private static void AssertOffline(string html) => OfflineChart.AssertDrawsOffline(html);

    /// <summary>A temporary folder outside the repository for notebooks made up by the tests.</summary>
    public sealed class ScratchFolder : IDisposable
    {
        private readonly string root = Directory.CreateTempSubdirectory("nn-stock-kernel-").FullName;

        /// <summary>Creates the folder.</summary>
        public ScratchFolder() => Directory.CreateDirectory(OutputFolder);

        /// <summary>Jupyter's settings for notebooks outside the repository (<see cref="JupyterStockKernel.OutsideTheRepository"/>).</summary>
        public Dictionary<string, string> Environment => environment ??= JupyterStockKernel.OutsideTheRepository(Path.Combine(root, "machine"));

        private Dictionary<string, string>? environment;

        /// <summary>The full path of a file in the folder.</summary>
        public string File(string name) => Path.Combine(root, name);

        /// <summary>Where executed notebooks are written.</summary>
        public string OutputFolder => Path.Combine(root, "executed");

        /// <summary>Writes <paramref name="name"/>.ipynb: the canonical setup cell, then one code cell per source.</summary>
        public string Notebook(string name, params string[] cells)
        {
            var canonical = JsonNode.Parse(System.IO.File.ReadAllText(NotebookFiles.CanonicalNotebook))!.AsObject();
            var code = cells.Prepend(NotebookFiles.SetupCell(NotebookFiles.CanonicalNotebook)).Select((source, i) => new JsonObject
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
            var path = File(name + ".ipynb");
            System.IO.File.WriteAllText(path, notebook.ToJsonString());
            return path;
        }

        /// <inheritdoc/>
        public void Dispose()
        {
            try { Directory.Delete(root, recursive: true); }
            catch (IOException) { /* a kernel may still hold a file; the temp folder is cleaned up by the OS */ }
        }
    }
}
