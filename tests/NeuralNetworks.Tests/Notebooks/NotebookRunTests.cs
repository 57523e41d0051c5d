using System.Text.Json.Nodes;

namespace NeuralNetworks.Tests.Notebooks;

[Collection("Notebooks")]
[Trait("Category", Category.Notebooks)]
public sealed class NotebookRunTests(ExportedNotebooks exported)
{
    private static JsonObject Cell(JsonNode notebook, int number) => notebook["cells"]![number - 1]!.AsObject();

    private static JsonArray Outputs(JsonNode notebook, int number) => Cell(notebook, number)["outputs"]!.AsArray();

    [Fact]
    public void Passing_notebooks_exit_0_and_report_progress_per_cell()
    {
        Assert.True(exported.Result.ExitCode == 0, exported.Result.ToString());
        Assert.Contains("[passes] cell 2/7 ✓", exported.Result.StdOut);
        Assert.Contains("[chart] cell 3/3 ✓", exported.Result.StdOut);
        Assert.Contains("2 of 2 notebooks passed", exported.Result.StdOut);
    }

    [Fact]
    public void Outputs_become_stream_display_and_execute_result_outputs()
    {
        var notebook = JsonNode.Parse(exported.Read("passes.ipynb"))!;

        var printed = Assert.Single(Outputs(notebook, 2));
        Assert.Equal("stream", (string?)printed!["output_type"]);
        Assert.Equal("stdout", (string?)printed["name"]);
        Assert.Equal("hello from cell 2\n", string.Concat(printed["text"]!.AsArray().Select(l => (string?)l)));

        var result = Assert.Single(Outputs(notebook, 3));
        Assert.Equal("execute_result", (string?)result!["output_type"]);
        Assert.Equal(2, (int?)result["execution_count"]);
        Assert.Equal(2, (int?)Cell(notebook, 3)["execution_count"]);
        Assert.Contains("42", result["data"]!["text/html"]!.ToJsonString());

        var shown = Outputs(notebook, 4);
        Assert.Equal(["display_data", "stream"], shown.Select(o => (string?)o!["output_type"]));
        Assert.Equal("<b>bold output</b>", (string?)shown[0]!["data"]!["text/html"]![0]);
        Assert.Equal("stderr", (string?)shown[1]!["name"]);
    }

    [Fact]
    public void A_throwing_second_code_cell_fails_the_run_naming_that_cell()
    {
        var outDirectory = NotebookCli.NewTempDirectory();
        try
        {
            var run = NotebookCli.Run(TimeSpan.FromMinutes(2),
                "notebooks", "run", NotebookCli.TestData("fails-in-cell-3.ipynb"), "--out", outDirectory);

            // Cell 3 counts the markdown heading, as a reader counts cells; it is the second code cell.
            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Contains("fails-in-cell-3.ipynb cell 3: System.InvalidOperationException: boom from the second code cell", run.StdErr);

            var notebook = JsonNode.Parse(File.ReadAllText(Path.Combine(outDirectory, "fails-in-cell-3.ipynb")))!;
            Assert.Equal("cell 2 ran\n", (string?)Assert.Single(Outputs(notebook, 2))!["text"]![0]);
            var error = Assert.Single(Outputs(notebook, 3))!;
            Assert.Equal("error", (string?)error["output_type"]);
            Assert.Equal("InvalidOperationException", (string?)error["ename"]);
            Assert.Equal("boom from the second code cell", (string?)error["evalue"]);
            Assert.NotEmpty(error["traceback"]!.AsArray());
            Assert.Empty(Outputs(notebook, 4));
            Assert.Null((int?)Cell(notebook, 4)["execution_count"]);
            var page = File.ReadAllText(Path.Combine(outDirectory, "fails-in-cell-3.html"));
            Assert.Matches("<pre class=\"output error\">[^<]*boom from the second code cell", page); // shown in red
        }
        finally
        {
            Directory.Delete(outDirectory, recursive: true);
        }
    }

    [Fact]
    public void A_cells_error_reaches_the_terminal_with_its_control_characters_shown_not_obeyed()
    {
        // A hostile user's audit: an exception message holding escape sequences cleared the terminal and recoloured it.
        var outDirectory = NotebookCli.NewTempDirectory();
        var notebookPath = Path.Combine(outDirectory, "escapes.ipynb");
        File.WriteAllText(notebookPath, new JsonObject
        {
            ["cells"] = new JsonArray(new JsonObject
            {
                ["cell_type"] = "code", ["execution_count"] = null, ["id"] = "esc-1", ["metadata"] = new JsonObject(), ["outputs"] = new JsonArray(),
                ["source"] = "Console.WriteLine(\"printed \\u001b[31mred\");\nthrow new Exception(\"boom \\u001b[2J\\u001b[31mcleared\");",
            }),
            ["metadata"] = new JsonObject(), ["nbformat"] = 4, ["nbformat_minor"] = 5,
        }.ToJsonString());
        try
        {
            var run = NotebookCli.Run(TimeSpan.FromMinutes(2), "notebooks", "run", notebookPath, "--out", Path.Combine(outDirectory, "pages"));

            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Contains("boom \\x1B[2J\\x1B[31mcleared", run.StdErr);
            Assert.DoesNotContain('\u001b', run.StdErr);
            Assert.DoesNotContain('\u001b', run.StdOut);
        }
        finally
        {
            Directory.Delete(outDirectory, recursive: true);
        }
    }

    [Theory]
    [InlineData("overflows-the-stack", "a stack overflow: does a function call itself without end?")]
    [InlineData("exits", "the process ended with exit code 0 (Environment.Exit in a cell?)")]
    public void A_cell_that_ends_the_process_fails_the_run_in_one_line_naming_where(string name, string why)
    {
        // The cells run in a process that the command watches: the runtime's report of a stack overflow (exit 134 and
        // the .NET stack, a hostile user's audit, 2026-12-06) and a silent Environment.Exit(0) become one line and exit 1.
        var outDirectory = NotebookCli.NewTempDirectory();
        try
        {
            var run = NotebookCli.Run(TimeSpan.FromMinutes(2), "notebooks", "run", NotebookCli.TestData($"{name}.ipynb"), "--out", outDirectory);

            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Equal($"error: {name}.ipynb, in the first code cell after cell 2: {why} Nothing after it ran; the pages of the notebooks " +
                         "before it are in --out.", run.StdErr.Trim());
            Assert.Contains($"[{name}] cell 2/4 ✓", run.StdOut);
            Assert.DoesNotContain("never", run.StdOut);
        }
        finally
        {
            Directory.Delete(outDirectory, recursive: true);
        }
    }

    [Fact]
    public void A_cell_past_the_time_limit_is_stopped_and_fails_the_run_naming_that_cell()
    {
        var outDirectory = NotebookCli.NewTempDirectory();
        try
        {
            var run = NotebookCli.Run(TimeSpan.FromSeconds(60),
                "notebooks", "run", NotebookCli.TestData("runs-forever.ipynb"), "--timeout", "3", "--out", outDirectory);

            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.True(run.Elapsed < TimeSpan.FromSeconds(30), run.ToString());
            Assert.Contains("runs-forever.ipynb cell 2: Cell ran past its time limit of 3 s", run.StdErr);
            var notebook = JsonNode.Parse(File.ReadAllText(Path.Combine(outDirectory, "runs-forever.ipynb")))!;
            Assert.Equal("error", (string?)Assert.Single(Outputs(notebook, 2))!["output_type"]);
            Assert.Empty(Outputs(notebook, 3));
        }
        finally
        {
            Directory.Delete(outDirectory, recursive: true);
        }
    }

    [Fact]
    public void A_path_that_does_not_exist_is_a_usage_error_naming_it()
    {
        var missing = Path.Combine(NotebookCli.TestData(), "no-such-notebook.ipynb");

        var run = NotebookCli.Run(TimeSpan.FromSeconds(60), "notebooks", "run", missing);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains($"no such notebook or folder: {missing}", run.StdErr);
    }
}
