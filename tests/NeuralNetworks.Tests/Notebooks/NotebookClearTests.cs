using System.Text.Json.Nodes;

namespace NeuralNetworks.Tests.Notebooks;

[Collection("Notebooks")]
[Trait("Category", "Notebooks")]
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
    public void Clear_student_writes_copies_with_solution_cells_replaced_by_a_stub()
    {
        var notebook = Path.Combine(_work, "exercises.ipynb");
        var document = JsonNode.Parse(File.ReadAllText(NotebookCli.TestData("passes.ipynb")))!;
        // A second solution cell, tagged the way .NET Interactive's polyglot metadata can carry tags.
        var extra = document["cells"]![1]!.DeepClone().AsObject();
        extra["id"] = "polyglot-solution";
        extra["source"] = new JsonArray("var secret = 1;");
        extra["metadata"]!["polyglot_notebook"]!["tags"] = new JsonArray("solution");
        document["cells"]!.AsArray().Add(extra);
        File.WriteAllText(notebook, document.ToJsonString());
        var studentDirectory = Path.Combine(_work, "student");

        var run = NotebookCli.Run(TimeSpan.FromMinutes(1), "notebooks", "clear", notebook, "--student", "--out", studentDirectory);

        Assert.True(run.ExitCode == 0, run.ToString());
        var teacher = JsonNode.Parse(File.ReadAllText(notebook))!["cells"]!.AsArray();
        var student = JsonNode.Parse(File.ReadAllText(Path.Combine(studentDirectory, "exercises.ipynb")))!["cells"]!.AsArray();
        Assert.Equal(teacher.Count, student.Count);
        const string stub = "// Your code here — then run the check below.";
        for (var i = 0; i < teacher.Count; i++)
        {
            var id = (string?)teacher[i]!["id"];
            Assert.Equal(id, (string?)student[i]!["id"]);
            var expected = id is "solution" or "polyglot-solution" ? stub : Source(teacher[i]!);
            Assert.Equal(expected, Source(student[i]!));
        }
        Assert.Equal("var square = answer * answer;", Source(teacher[5]!)); // the teacher's copy keeps its solution
    }

    [Fact]
    public void Student_copies_need_an_out_folder()
    {
        var run = NotebookCli.Run(TimeSpan.FromMinutes(1), "notebooks", "clear", NotebookCli.TestData("passes.ipynb"), "--student");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("--student needs --out", run.StdErr);
    }

    private static string Source(JsonNode cell) => cell["source"] switch
    {
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        var value => (string?)value ?? "",
    };

    private static List<string?> CellIds(string path) =>
        JsonNode.Parse(File.ReadAllText(path))!["cells"]!.AsArray().Select(c => (string?)c!["id"]).ToList();
}
