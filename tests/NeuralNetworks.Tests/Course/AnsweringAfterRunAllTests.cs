using System.Text.Json.Nodes;
using NeuralNetworks.Course;
using NeuralNetworks.Notebooks;
using NeuralNetworks.Tests.Notebooks;
using NeuralNetworks.Tests.StockKernel;

namespace NeuralNetworks.Tests.Course;

/// <summary>
/// The way notebook 00 tells a student to work: Run All first (every exercise "not answered yet"), then go back, answer
/// an exercise and run its check again. Each notebook of the students' copy is run with, after its last cell, every
/// exercise's worked solution followed by its check once more, in the project's runner on the handout's "student's
/// machine"; each of those checks must say ✓. A check that needs something a later cell changed or removed (a folder
/// the notebook deletes at its end, a network trained further) fails here, where it would blame a right answer.
/// </summary>
[Collection("Course notebooks")]
[Trait("Category", Category.Notebooks)]
[Trait("Category", Category.Slow)]
public sealed class AnsweringAfterRunAllTests(ITestOutputHelper output, CourseHandout handout) : IClassFixture<CourseHandout>
{
    public static TheoryData<string> Notebooks() => CourseNotebookTests.Notebooks();

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Every_exercise_answered_after_Run_All_passes_its_check(string name)
    {
        handout.AssertReady();
        var stem = Path.GetFileNameWithoutExtension(name);
        var notebook = NotebookFile.Load(Path.Combine(handout.Folder, name));
        var cells = notebook.Root["cells"]!.AsArray();
        var original = cells.Select(c => c!.AsObject()).ToList();
        var again = new List<(string Exercise, JsonObject Solution, JsonObject Check)>();
        for (int i = 0; i + 1 < original.Count; i++)
            if (NotebookFile.IsSolution(original[i]))
            {
                var check = original[i + 1];
                Assert.True(IsCheck(check), $"{name}: the solution cell {i + 1} is not followed by its check");
                again.Add((CheckLabel(check), Copy(original[i], "again-solution"), Copy(check, "again-check")));
            }
        Assert.NotEmpty(again);
        notebook.RemoveSolutions();
        foreach (var (_, solution, check) in again)
        {
            cells.Add(solution);
            cells.Add(check);
        }
        var work = NotebookCli.NewTempDirectory();
        try
        {
            var path = Path.Combine(work, name);
            notebook.Save(path);
            var run = NotebookCli.Run(TimeSpan.FromMinutes(20), handout.Environment.ToDictionary(e => e.Key, e => (string?)e.Value),
                "notebooks", "run", path, "--out", Path.Combine(work, "site"));
            output.WriteLine(run.StdOut.Split('\n').LastOrDefault(l => l.Contains($"[{stem}]")) ?? "");
            Assert.True(run.ExitCode == 0, run.ToString());

            var executed = NotebookFile.Load(Path.Combine(work, "site", name)).Cells;
            var checks = executed.Skip(executed.Count - 2 * again.Count).Where((_, i) => i % 2 == 1).ToList();
            for (int e = 0; e < again.Count; e++)
            {
                var printed = string.Concat(checks[e]["outputs"]!.AsArray().Select(o => Execution.PrintedText(o!.AsObject())));
                output.WriteLine($"{again[e].Exercise}: {printed.Trim().Split('\n')[0]}");
                Assert.True(printed.Contains('✓') && !printed.Contains('✗') && !printed.Contains(Check.NotAnsweredYet),
                    $"{name}, {again[e].Exercise}, answered after Run All: {printed.Trim()}");
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static bool IsCheck(JsonObject cell) =>
        cell["metadata"]?["tags"] is JsonArray tags && tags.Any(t => (string?)t == "check");

    private static string CheckLabel(JsonObject check)
    {
        var source = NotebookFile.Source(check);
        int quote = source.IndexOf('"');
        return quote < 0 ? source.Split('\n')[0] : source[(quote + 1)..source.IndexOf('"', quote + 1)];
    }

    /// <summary>A copy of <paramref name="cell"/> with no tags (so no edition removes it) and an id of its own.</summary>
    private static JsonObject Copy(JsonObject cell, string suffix)
    {
        var copy = cell.DeepClone().AsObject();
        copy["metadata"] = new JsonObject();
        copy["id"] = $"{(string?)cell["id"]}-{suffix}";
        copy["outputs"] = new JsonArray();
        copy["execution_count"] = null;
        return copy;
    }
}
