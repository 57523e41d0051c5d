using System.Diagnostics;
using System.Text;

namespace NeuralNetworks.Notebooks;

/// <summary>What happened to one notebook.</summary>
/// <param name="Name">File name without extension, e.g. "01-neurons".</param>
/// <param name="Title">The notebook's H1, or its name.</param>
/// <param name="FailedCell">1-based number of the failed cell (counting every cell, as a reader does), or null.</param>
/// <param name="Error">The failed cell's error message, or null.</param>
/// <param name="Skipped">True when the notebook was not run because an earlier one left a runaway cell.</param>
public sealed record NotebookOutcome(string Name, string Title, int? FailedCell, string? Error, bool Skipped)
{
    /// <summary>True when every cell ran without error.</summary>
    public bool Passed => FailedCell is null && !Skipped;

    /// <summary>How long the notebook took to run, kernel start included.</summary>
    public TimeSpan Elapsed { get; init; }
}

/// <summary>
/// Runs notebooks cell by cell in an in-process kernel (working directory = the notebook's folder) and writes
/// for each one <c>&lt;out&gt;/&lt;name&gt;.ipynb</c> (with outputs, nbformat 4.5) and <c>&lt;out&gt;/&lt;name&gt;.html</c>,
/// plus <c>&lt;out&gt;/index.html</c>.
/// A failing cell stops its notebook (outputs up to and including that cell are written) and the others still
/// run. A cell past the time limit is cancelled; when its code does not stop, its kernel is abandoned, the
/// remaining notebooks are skipped (a runaway thread holds the process) and <see cref="AbandonedKernel"/> is set
/// so the caller can end the process at once.
/// </summary>
public sealed class NotebookRunner(string outDirectory, TimeSpan cellTimeout, TextWriter log)
{
    /// <summary>True when a timed-out cell's code is still running somewhere in this process.</summary>
    public bool AbandonedKernel { get; private set; }

    /// <summary>Runs <paramref name="notebooks"/> in order; returns one outcome per notebook.</summary>
    public async Task<IReadOnlyList<NotebookOutcome>> RunAsync(IReadOnlyList<string> notebooks)
    {
        Directory.CreateDirectory(outDirectory);
        var assets = WebAssets.Load();
        var exporter = new HtmlExporter(assets);

        var outcomes = new List<NotebookOutcome>();
        foreach (var path in notebooks)
        {
            var name = Path.GetFileNameWithoutExtension(path);
            if (AbandonedKernel)
            {
                log.WriteLine($"[{name}] skipped: an earlier cell is still running after its time limit");
                outcomes.Add(new NotebookOutcome(name, name, null, null, Skipped: true));
                continue;
            }
            outcomes.Add(await RunOneAsync(path, name, exporter));
        }
        if (exporter.PlotlyMissing)
            log.WriteLine($"warning: charts need plotly.js, read from Plotly.NET.dll 6.0.0 ({WebAssets.PlotlyResource}), which was not found; charts stay blank.");

        // Not while a runaway cell still holds a thread: the caller ends the process at once.
        var trained = AbandonedKernel ? null : CourseHomePage.WritePlayground(outDirectory, log);
        File.WriteAllText(Path.Combine(outDirectory, "index.html"), CourseHomePage.Html(notebooks, outcomes, trained, assets), new UTF8Encoding(false));
        return outcomes;
    }

    private async Task<NotebookOutcome> RunOneAsync(string path, string name, HtmlExporter exporter)
    {
        var notebook = NotebookFile.Load(path);
        notebook.ClearOutputs();
        var title = notebook.Title() ?? name;
        var cells = notebook.Cells;
        log.WriteLine($"[{name}] {cells.Count} cells");

        int? failedCell = null;
        string? error = null;
        var previousDirectory = Directory.GetCurrentDirectory();
        var kernel = new NotebookKernel();
        var total = Stopwatch.StartNew();
        try
        {
            Directory.SetCurrentDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            for (var i = 0; i < cells.Count && failedCell is null; i++)
            {
                var cell = cells[i];
                var code = NotebookFile.Source(cell);
                if (NotebookFile.CellType(cell) != "code" || string.IsNullOrWhiteSpace(code)) continue;

                var watch = Stopwatch.StartNew();
                var result = await kernel.RunCellAsync(code, NotebookFile.KernelName(cell), cellTimeout);
                cell["outputs"] = result.Outputs;
                cell["execution_count"] = kernel.ExecutionCount;
                var mark = result.Error is null ? "✓" : "✗";
                log.WriteLine($"[{name}] cell {i + 1}/{cells.Count} {mark} {watch.Elapsed.TotalSeconds:0.0}s");
                if (result.Error is null) continue;

                failedCell = i + 1;
                error = result.Error;
                AbandonedKernel |= result.TimedOut;
            }
        }
        finally
        {
            Directory.SetCurrentDirectory(previousDirectory);
            if (!AbandonedKernel) kernel.Dispose();
        }

        notebook.Save(Path.Combine(outDirectory, name + ".ipynb"));
        File.WriteAllText(Path.Combine(outDirectory, name + ".html"), exporter.Export(notebook, title), new UTF8Encoding(false));
        SlideDeck.Write(outDirectory, name, notebook, title);
        log.WriteLine(failedCell is null
            ? $"[{name}] passed in {total.Elapsed.TotalSeconds:0.0}s"
            : $"[{name}] FAILED at cell {failedCell}: {FirstLine(error)}");
        return new NotebookOutcome(name, title, failedCell, error, Skipped: false) { Elapsed = total.Elapsed };
    }

    /// <summary>The first non-empty line of a message (error messages can run to many lines).</summary>
    public static string FirstLine(string? message) =>
        message?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
}
