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
/// plus <c>&lt;out&gt;/index.html</c>. The pages share one copy of their scripts and styles in <c>&lt;out&gt;/assets</c>
/// unless <paramref name="singleFile"/> asks for self-contained pages. With <paramref name="decks"/> it also writes each
/// notebook's slide deck, <c>&lt;out&gt;/&lt;name&gt;.slides.html</c> (<see cref="SlideDeck"/>), and the home page links them. The <see cref="PageEdition.Student"/> edition runs
/// each notebook without its solution cells (as the class's handout does); the teacher's keeps them, folded on the page.
/// A failing cell stops its notebook (outputs up to and including that cell are written) and the others still
/// run. A cell past the time limit is cancelled; when its code does not stop, its kernel is abandoned, the
/// remaining notebooks are skipped (a runaway thread holds the process) and <see cref="AbandonedKernel"/> is set
/// so the caller can end the process at once.
/// </summary>
public sealed class NotebookRunner(string outDirectory, TimeSpan cellTimeout, TextWriter log,
    PageEdition edition = PageEdition.Student, bool singleFile = false, bool decks = false)
{
    /// <summary>True when a timed-out cell's code is still running somewhere in this process.</summary>
    public bool AbandonedKernel { get; private set; }

    /// <summary>Throws <see cref="ArgumentException"/> when a notebook of <paramref name="notebooks"/> is in
    /// <paramref name="outDirectory"/>, where its executed copy would replace it.</summary>
    public static void CheckOutDirectory(IReadOnlyList<string> notebooks, string outDirectory)
    {
        Sources.NotWrittenOver(notebooks, path => Path.Combine(outDirectory, Path.GetFileNameWithoutExtension(path) + ".ipynb"),
            "its executed copy (the students' edition has no solution cells)");
        // A folder of other files would lose those named as the pages' (index.html, a notebook of the same name, assets/):
        // a hostile user's audit (2026-12-06) had their own index.html and notes replaced.
        if (Directory.Exists(outDirectory) && Directory.EnumerateFileSystemEntries(outDirectory).Any() && !HoldsEarlierPages(outDirectory))
            throw new ArgumentException($"{outDirectory} is not empty and is not an earlier run's pages (it has no {PagesMarker}): the run writes " +
                                        "index.html, assets/ and a page and an executed copy of each notebook there, over any files of those names. " +
                                        "Give a new or empty folder, or an earlier run's to write it again.");
        // Two notebooks of one name (from two folders) would write one page over the other.
        var twice = notebooks.GroupBy(n => Path.GetFileNameWithoutExtension(n), StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
            throw new ArgumentException($"two notebooks are named {twice.Key}.ipynb ({string.Join(" and ", twice)}): their pages would be one file; run them one at a time");
    }

    /// <summary>The file that marks a folder of pages this runner wrote (written first, so an interrupted run's folder is one too).</summary>
    public const string PagesMarker = ".notebook-pages";

    private static bool HoldsEarlierPages(string folder) =>
        File.Exists(Path.Combine(folder, PagesMarker))
        || (File.Exists(Path.Combine(folder, "index.html")) && File.ReadAllText(Path.Combine(folder, "index.html")).Contains(CourseHomePage.Title, StringComparison.Ordinal));

    /// <summary>Runs <paramref name="notebooks"/> in order; returns one outcome per notebook.</summary>
    /// <exception cref="ArgumentException">A notebook is in the output folder: its executed copy would replace it.</exception>
    public async Task<IReadOnlyList<NotebookOutcome>> RunAsync(IReadOnlyList<string> notebooks)
    {
        CheckOutDirectory(notebooks, outDirectory);
        Directory.CreateDirectory(outDirectory);
        File.WriteAllText(Path.Combine(outDirectory, PagesMarker), "Pages written by `notebooks run` or `notebooks slides`: a later run may write over this folder.\n");
        var assets = WebAssets.Load(inline: singleFile);
        if (!singleFile) assets.WriteFolder(outDirectory, decks);   // without plotly.js when it cannot be found: a page that needs it warns below
        var exporter = new HtmlExporter(assets, edition);
        var deck = new SlideDeck(assets);

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
            outcomes.Add(await RunOneAsync(path, name, exporter, deck));
        }
        if (exporter.PlotlyMissing || deck.PlotlyMissing)
            log.WriteLine($"warning: charts need plotly.js, read from Plotly.NET.dll 6.0.0 ({WebAssets.PlotlyResource}), which was not found; charts stay blank.");

        // Not while a runaway cell still holds a thread: the caller ends the process at once.
        var trained = AbandonedKernel ? null : CourseHomePage.WritePlayground(outDirectory, log, assets);
        File.WriteAllText(Path.Combine(outDirectory, "index.html"), CourseHomePage.Html(notebooks, outcomes, trained, assets, edition, decks), new UTF8Encoding(false));
        return outcomes;
    }

    private async Task<NotebookOutcome> RunOneAsync(string path, string name, HtmlExporter exporter, SlideDeck deck)
    {
        var notebook = NotebookFile.Load(path);
        notebook.ClearOutputs();
        var solutionsRemoved = edition == PageEdition.Student ? notebook.RemoveSolutions() : 0;
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

        notebook.MapOutputText(WithoutMachinePaths(Path.GetDirectoryName(Path.GetFullPath(path))!));
        File.WriteAllText(Path.Combine(outDirectory, name + ".html"), exporter.Export(notebook, title, solutionsRemoved), new UTF8Encoding(false));
        if (decks) deck.Write(outDirectory, name, notebook, title);
        // The executed notebook keeps its outputs but not the 3.6 MB copy of plotly.js the setup cell shows: the pages
        // draw the charts offline; a notebook host that opens this file loads plotly.js as it does for any Plotly output.
        notebook.MapOutputText(OutputRenderer.WithoutInlinedPlotly);
        notebook.Save(Path.Combine(outDirectory, name + ".ipynb"));
        log.WriteLine(failedCell is null
            ? $"[{name}] passed in {total.Elapsed.TotalSeconds:0.0}s"
            : $"[{name}] FAILED at cell {failedCell}: {FirstLine(error)}");
        return new NotebookOutcome(name, title, failedCell, error, Skipped: false) { Elapsed = total.Elapsed };
    }

    /// <summary>
    /// Pages are handed out: what a cell printed keeps no path of the machine that ran it. The NuGet package folder is
    /// shown as <c>~/.nuget/packages</c> (e.g. the kernel's "Loading extension script from …"), the notebook's folder as
    /// <c>.</c>, the home folder as <c>~</c> and the temporary folder as <c>$TMPDIR/</c>.
    /// </summary>
    public static Func<string, string> WithoutMachinePaths(string notebookFolder)
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p : Path.Combine(home, ".nuget", "packages");
        var paths = new (string Path, string Shown)[]
            {
                (Path.TrimEndingDirectorySeparator(Path.GetFullPath(packages)), "~/.nuget/packages"),
                (Path.TrimEndingDirectorySeparator(notebookFolder), "."),
                (Path.TrimEndingDirectorySeparator(Path.GetTempPath()) + Path.DirectorySeparatorChar, "$TMPDIR/"),
                (Path.TrimEndingDirectorySeparator(home) + Path.DirectorySeparatorChar, "~/"),
            }
            .Where(p => p.Path.Length > 1)
            .OrderByDescending(p => p.Path.Length)
            .ToArray();
        return text =>
        {
            foreach (var (machinePath, shown) in paths)
                if (text.Contains(machinePath, StringComparison.Ordinal)) text = text.Replace(machinePath, shown, StringComparison.Ordinal);
            return text;
        };
    }

    /// <summary>The first non-empty line of a message (error messages can run to many lines).</summary>
    public static string FirstLine(string? message) =>
        message?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
}
