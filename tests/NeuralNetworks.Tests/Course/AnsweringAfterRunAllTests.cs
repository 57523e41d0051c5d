using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NeuralNetworks.Course;
using NeuralNetworks.Notebooks;
using NeuralNetworks.Notebooks.Grading;
using NeuralNetworks.Tests.Notebooks;
using NeuralNetworks.Tests.StockKernel;

namespace NeuralNetworks.Tests.Course;

/// <summary>
/// The way notebook 00 tells a student to work: Run All first (every exercise "not answered yet"), then go back, answer
/// an exercise and run its check again. Each notebook of the students' copy is run in the project's runner on the
/// handout's "student's machine", and after its last cell, exercise by exercise: each likely wrong answer of
/// Course/WrongAnswers (<see cref="WrongAnswerFile"/>) followed by the check, which must say ✗, and the answer cell as
/// the student got it again; then the worked solution followed by the check, which must say ✓. So every check a student
/// sees is shown to fail for the student, and a check that needs something a later cell changed or removed (a folder
/// the notebook deletes at its end, a network trained further) fails here, where it would blame a right answer.
/// </summary>
[Collection("Course notebooks")]
[Trait("Category", Category.Notebooks)]
[Trait("Category", Category.Slow)]
public sealed partial class AnsweringAfterRunAllTests(ITestOutputHelper output, CourseHandout handout) : IClassFixture<CourseHandout>
{
    public static TheoryData<string> Notebooks() => CourseNotebookTests.Notebooks();

    /// <summary>A check run again after Run All, and what it must say: ✓ for the solution, ✗ for a wrong answer.</summary>
    /// <param name="CheckId">The id of the check cell run again.</param>
    /// <param name="Exercise">The exercise it checks.</param>
    /// <param name="Wrong">The wrong answer given before it; null for the solution.</param>
    /// <param name="Typed">Whether the answer is a value the student types (<c>double? x = null;</c>, a tuple, a count): its ✗ must
    /// not print the right value (<see cref="Check"/>'s remarks).</param>
    private sealed record Expected(string CheckId, string Exercise, WrongAnswer? Wrong, bool Typed = false);

    /// <summary>An answer cell that declares a value the student types: a nullable number, yes or no, or tuple of them.</summary>
    [GeneratedRegex(@"^\s*(double|int|long|bool|\([^=]*\))\?\s+\w+\s*=\s*null\s*;", RegexOptions.Multiline)]
    private static partial Regex TypedAnswerCell();

    /// <summary>How a ✗ prints the right value: "expected 0.5", "expected -0.125, actual …".</summary>
    [GeneratedRegex(@"expected -?\d[^,;]*")]
    private static partial Regex ExpectedValue();

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Every_exercise_answered_after_Run_All_fails_each_likely_wrong_answer_and_passes_the_solution(string name)
    {
        handout.AssertReady();
        var stem = Path.GetFileNameWithoutExtension(name);
        var teacher = NotebookFile.Load(Path.Combine(handout.Folder, name));
        var course = CourseNotebook.FromTeacherCopy(stem, teacher);
        var solutions = Solutions(teacher);
        var wrong = WrongAnswerFile.For(stem).Match(course);

        var notebook = course.StudentCopy.Clone();
        var cells = notebook.Root["cells"]!.AsArray();
        var expected = new List<Expected>();
        cells.Add(NewCell("after-run-all", "Check.ThrowOnFailure = false; // every ✗ below is printed, and the run goes on"));
        foreach (var check in course.Checks)
        {
            var exercise = check.Exercises[0];
            var checkCell = course.StudentCopy.Cells[check.Index];
            var answerCells = course.Answers.Where(a => check.Answers.Contains(a.Index)).ToList();
            foreach (var (cell, answer) in wrong.Where(w => answerCells.Contains(w.Cell)))
            {
                var n = expected.Count;
                cells.Add(NewCell($"wrong-{n}", answer.Source));
                cells.Add(Copy(checkCell, $"check-{n}"));
                expected.Add(new Expected($"check-{n}", exercise, answer, answerCells.Any(a => TypedAnswerCell().IsMatch(a.Source))));
                foreach (var reset in answerCells) cells.Add(NewCell($"reset-{n}-{reset.Index}", reset.Source));
            }
            Assert.True(solutions.TryGetValue(check.Id, out var solution), $"{name}: the check of {exercise} (cell {check.Index + 1}) has no solution cell before it");
            var s = expected.Count;
            cells.Add(Copy(solution!, $"solution-{s}"));
            cells.Add(Copy(checkCell, $"check-{s}"));
            expected.Add(new Expected($"check-{s}", exercise, null));
        }
        Assert.Equal(solutions.Count, course.Checks.Count);

        var work = NotebookCli.NewTempDirectory();
        try
        {
            var path = Path.Combine(work, name);
            notebook.Save(path);
            var run = NotebookCli.Run(TimeSpan.FromMinutes(20), handout.Environment.ToDictionary(e => e.Key, e => (string?)e.Value),
                "notebooks", "run", path, "--out", Path.Combine(work, "site"));
            output.WriteLine(run.StdOut.Split('\n').LastOrDefault(l => l.Contains($"[{stem}]")) ?? "");
            Assert.True(run.ExitCode == 0, run.ToString());

            var executed = NotebookFile.Load(Path.Combine(work, "site", name)).Cells.ToDictionary(c => (string?)c["id"] ?? "");
            var problems = new List<string>();
            foreach (var e in expected)
            {
                var printed = string.Concat(executed["again-" + e.CheckId]["outputs"]!.AsArray().Select(o => Execution.PrintedText(o!.AsObject()))).Trim();
                var failed = printed.Split('\n').Any(l => l.StartsWith('✗'));
                if (e.Wrong is { } w)
                {
                    output.WriteLine($"{e.Exercise}, wrong ({w.Slip}): {printed.Split('\n').FirstOrDefault(l => l.StartsWith('✗')) ?? printed}");
                    if (!failed || printed.Contains(Check.NotAnsweredYet))
                        problems.Add($"{e.Exercise}: the likely wrong answer of {stem}.wrong line {w.Line} ({w.Slip}) was not failed: {printed}");
                    else if (w.Names is { } names && !printed.Contains($"this looks like {names}", StringComparison.Ordinal))
                        problems.Add($"{e.Exercise}: the likely wrong answer of {stem}.wrong line {w.Line} was failed without naming \"{names}\": {printed}");
                    else if (w.Says is { } says && !printed.Contains(says, StringComparison.Ordinal))
                        problems.Add($"{e.Exercise}: the likely wrong answer of {stem}.wrong line {w.Line} was failed without saying \"{says}\": {printed}");
                    else if (e.Typed && ExpectedValue().Match(printed) is { Success: true } shown)
                        problems.Add($"{e.Exercise}: the likely wrong answer of {stem}.wrong line {w.Line} is a typed answer, and its ✗ printed the right value (\"{shown.Value}\"), which could be copied: {printed}");
                }
                else
                {
                    output.WriteLine($"{e.Exercise}, solution: {printed.Split('\n')[0]}");
                    if (failed || !printed.Contains('✓') || printed.Contains(Check.NotAnsweredYet))
                        problems.Add($"{e.Exercise}: the solution, answered after Run All, did not pass: {printed}");
                }
            }
            Assert.True(problems.Count == 0, $"{name}:\n" + string.Join("\n", problems));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Each solution cell of the teacher's copy, by the id of the check cell right after it.</summary>
    private static Dictionary<string, JsonObject> Solutions(NotebookFile teacher)
    {
        var cells = teacher.Cells;
        var solutions = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < cells.Count; i++)
            if (NotebookFile.IsSolution(cells[i]))
            {
                Assert.True(CourseNotebook.HasTag(cells[i + 1], CourseNotebook.CheckTag), $"the solution cell {i + 1} is not followed by its check");
                solutions.Add((string?)cells[i + 1]["id"] ?? "", cells[i]);
            }
        return solutions;
    }

    /// <summary>A code cell of the test's own, with no tags (so no edition removes it).</summary>
    private static JsonObject NewCell(string id, string source) => new()
    {
        ["cell_type"] = "code",
        ["execution_count"] = null,
        ["id"] = $"again-{id}",
        ["metadata"] = new JsonObject(),
        ["outputs"] = new JsonArray(),
        ["source"] = NotebookFile.Lines(source),
    };

    /// <summary>A copy of <paramref name="cell"/> with no tags and an id of its own.</summary>
    private static JsonObject Copy(JsonObject cell, string id) => NewCell(id, NotebookFile.Source(cell));
}
