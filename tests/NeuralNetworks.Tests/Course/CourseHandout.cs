using NeuralNetworks.Tests.Notebooks;
using NeuralNetworks.Tests.StockKernel;

namespace NeuralNetworks.Tests.Course;

/// <summary>
/// The course as a class gets it: <c>notebooks handout</c> written to a folder outside the repository, on a
/// "student's machine" — a fresh HOME and an empty NuGet package folder — made ready with the handout README's one
/// step, <c>dotnet restore install-package.proj</c>. The course notebooks are tested from here, once per host.
/// Written with the worked solutions kept (the teacher's copy), so that every "Check yourself" and exercise check can
/// pass; <see cref="StudentHandout"/> is the class's copy, without them.
/// </summary>
public class CourseHandout : IDisposable
{
    public CourseHandout() : this(solutions: true) { }

    protected CourseHandout(bool solutions)
    {
        Solutions = solutions;
        Root = NotebookCli.NewTempDirectory();
        Folder = Path.Combine(Root, "handout");
        Environment = JupyterStockKernel.IsolatedEnvironment(Path.Combine(Root, "machine"));
        Written = solutions
            ? NotebookCli.Run(TimeSpan.FromMinutes(2), "notebooks", "handout", "--out", Folder, "--solutions")
            : NotebookCli.Run(TimeSpan.FromMinutes(2), "notebooks", "handout", "--out", Folder);
        if (Written.ExitCode == 0)
            Installed = JupyterStockKernel.Exec(Folder, TimeSpan.FromMinutes(5), Environment, "dotnet", "restore", "install-package.proj");
    }

    /// <summary>True for the teacher's copy (solution cells kept).</summary>
    public bool Solutions { get; }

    /// <summary>The folder the whole course's pages are written to by <see cref="RunSite"/>.</summary>
    public string SiteFolder => Path.Combine(Root, "site");

    private CliResult? _site;

    /// <summary>
    /// Runs every notebook of the handout once on the student's machine, pages and playground into <see cref="SiteFolder"/>:
    /// for the teacher's copy as a teacher would before class, <c>notebooks slides --solutions</c> (the teacher's edition,
    /// a slide deck beside each page); for the students' copy <c>notebooks run</c> (the students' edition). Later calls
    /// return the first run's result.
    /// </summary>
    public CliResult RunSite()
    {
        AssertReady();
        lock (this)
        {
            _site ??= NotebookCli.Run(TimeSpan.FromMinutes(45), Environment.ToDictionary(e => e.Key, e => (string?)e.Value),
                Solutions
                    ? ["notebooks", "slides", Folder, "--out", SiteFolder, "--solutions"]
                    : ["notebooks", "run", Folder, "--out", SiteFolder]);
            return _site;
        }
    }

    /// <summary>The temporary folder holding the handout and the student's machine.</summary>
    public string Root { get; }

    /// <summary>The handout.</summary>
    public string Folder { get; }

    /// <summary>HOME, NUGET_PACKAGES and the Jupyter kernel spec of the student's machine.</summary>
    public Dictionary<string, string> Environment { get; }

    /// <summary>What <c>notebooks handout</c> printed.</summary>
    public CliResult Written { get; }

    /// <summary>What the README's install step printed.</summary>
    public (int ExitCode, string Stdout, string Stderr) Installed { get; } = (-1, "", "the handout was not written");

    /// <summary>Fails the test unless the handout was written and installed.</summary>
    public void AssertReady()
    {
        Assert.True(Written.ExitCode == 0, Written.ToString());
        Assert.True(Installed.ExitCode == 0, $"dotnet restore install-package.proj: exit {Installed.ExitCode}\n{Installed.Stdout}\n{Installed.Stderr}");
    }

    public void Dispose()
    {
        GC.SuppressFinalize(this);
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { /* a kernel may still hold a file; the temp folder is cleaned up by the OS */ }
    }
}

/// <summary>The handout exactly as a class gets it: the solution cells removed, every exercise unanswered.</summary>
public sealed class StudentHandout() : CourseHandout(solutions: false);
