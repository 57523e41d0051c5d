using System.Text.Json.Nodes;

namespace NeuralNetworks.Tests.Notebooks;

[Collection("Notebooks")]
[Trait("Category", Category.Notebooks)]
public sealed class NotebookClearTests(ExportedNotebooks exported) : IDisposable
{
    private readonly string _work = NotebookCli.NewTempDirectory();

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public void Clear_removes_outputs_and_execution_counts_and_gives_back_the_committed_bytes()
    {
        var executed = Path.Combine(_work, "passes.ipynb");
        File.Copy(exported.PathOf("passes.ipynb"), executed);
        var idsBefore = CellIds(executed);

        var run = NotebookCli.Run(TimeSpan.FromMinutes(1), "notebooks", "clear", executed);

        Assert.True(run.ExitCode == 0, run.ToString());
        var cleared = JsonNode.Parse(File.ReadAllText(executed))!;
        foreach (var cell in cleared["cells"]!.AsArray().Where(c => (string?)c!["cell_type"] == "code"))
        {
            Assert.Empty(cell!["outputs"]!.AsArray());
            Assert.Null((int?)cell["execution_count"]);
        }
        Assert.Equal(idsBefore, CellIds(executed));
        // The test notebook was written as Jupyter writes (sorted keys, one-space indent, final newline).
        Assert.Equal(File.ReadAllText(NotebookCli.TestData("passes.ipynb")), File.ReadAllText(executed));
    }

    [Fact]
    public void Clear_has_no_student_option_any_more()
    {
        var run = NotebookCli.Run(TimeSpan.FromMinutes(1), "notebooks", "clear", NotebookCli.TestData("passes.ipynb"), "--student");

        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains("--student", run.StdErr);
    }

    private static string Source(JsonNode cell) => cell["source"] switch
    {
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        var value => (string?)value ?? "",
    };

    private static List<string?> CellIds(string path) =>
        JsonNode.Parse(File.ReadAllText(path))!["cells"]!.AsArray().Select(c => (string?)c!["id"]).ToList();
}
