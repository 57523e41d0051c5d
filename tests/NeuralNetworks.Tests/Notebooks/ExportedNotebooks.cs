namespace NeuralNetworks.Tests.Notebooks;

/// <summary>
/// The passing test notebooks run by <c>notebooks run</c> for every test of the collection: the two passing ones (one
/// with maths, tables and a solution cell, one that draws a Plotly chart) as self-contained pages of the teacher's
/// edition (<c>--single-file --solutions</c>, in <see cref="OutDirectory"/>); and a one-exercise notebook with the chart
/// notebook as a folder of pages sharing their assets, once in the students' edition (<see cref="StudentFolder"/>) and
/// once in the teacher's (<see cref="TeacherFolder"/>).
/// </summary>
public sealed class ExportedNotebooks : IDisposable
{
    public ExportedNotebooks()
    {
        OutDirectory = NotebookCli.NewTempDirectory();
        Result = NotebookCli.Run(TimeSpan.FromMinutes(5),
            "notebooks", "run", NotebookCli.TestData("passes.ipynb"), NotebookCli.TestData("chart.ipynb"),
            "--out", OutDirectory, "--single-file", "--solutions");
        StudentFolder = NotebookCli.NewTempDirectory();
        StudentResult = NotebookCli.Run(TimeSpan.FromMinutes(5),
            "notebooks", "run", NotebookCli.TestData("exercise.ipynb"), NotebookCli.TestData("chart.ipynb"), "--out", StudentFolder);
        TeacherFolder = NotebookCli.NewTempDirectory();
        TeacherResult = NotebookCli.Run(TimeSpan.FromMinutes(5),
            "notebooks", "run", NotebookCli.TestData("exercise.ipynb"), NotebookCli.TestData("chart.ipynb"), "--out", TeacherFolder, "--solutions");
    }

    /// <summary>Self-contained pages (<c>--single-file --solutions</c>) of passes.ipynb and chart.ipynb.</summary>
    public string OutDirectory { get; }

    public CliResult Result { get; }

    /// <summary>exercise.ipynb and chart.ipynb, students' edition, pages sharing <c>assets/</c>.</summary>
    public string StudentFolder { get; }

    public CliResult StudentResult { get; }

    /// <summary>exercise.ipynb and chart.ipynb, teacher's edition (<c>--solutions</c>), pages sharing <c>assets/</c>.</summary>
    public string TeacherFolder { get; }

    public CliResult TeacherResult { get; }

    public string PathOf(string file) => Path.Combine(OutDirectory, file);

    public string Read(string file) => File.ReadAllText(PathOf(file));

    public void Dispose()
    {
        foreach (var folder in new[] { OutDirectory, StudentFolder, TeacherFolder })
            Directory.Delete(folder, recursive: true);
    }
}

[CollectionDefinition("Notebooks")]
public sealed class NotebooksCollection : ICollectionFixture<ExportedNotebooks>;
