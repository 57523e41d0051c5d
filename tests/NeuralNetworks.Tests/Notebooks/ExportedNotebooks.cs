namespace NeuralNetworks.Tests.Notebooks;

/// <summary>
/// The two passing test notebooks (one with maths and tables, one that draws a Plotly chart), run once by
/// <c>notebooks run</c> for every test of the collection.
/// </summary>
public sealed class ExportedNotebooks : IDisposable
{
    public ExportedNotebooks()
    {
        OutDirectory = NotebookCli.NewTempDirectory();
        Result = NotebookCli.Run(TimeSpan.FromMinutes(5),
            "notebooks", "run", NotebookCli.TestData("passes.ipynb"), NotebookCli.TestData("chart.ipynb"),
            "--out", OutDirectory);
    }

    public string OutDirectory { get; }

    public CliResult Result { get; }

    public string PathOf(string file) => Path.Combine(OutDirectory, file);

    public string Read(string file) => File.ReadAllText(PathOf(file));

    public void Dispose() => Directory.Delete(OutDirectory, recursive: true);
}

[CollectionDefinition("Notebooks")]
public sealed class NotebooksCollection : ICollectionFixture<ExportedNotebooks>;
