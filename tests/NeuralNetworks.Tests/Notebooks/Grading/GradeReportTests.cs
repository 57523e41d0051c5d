using NeuralNetworks.Notebooks.Grading;

namespace NeuralNetworks.Tests.Notebooks.Grading;

/// <summary>What <see cref="GradeReport"/> writes: the CSV a spreadsheet opens safely, and pages that need nothing from the network.</summary>
public sealed class GradeReportTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("nn-grade-report-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static GradingRun Run()
    {
        var course = ExerciseCellsTests.Tagged();
        NotebookGrades Of(string student, params (GradeResult Result, string Message)[] grades) =>
            new(student, course.Name, course.Exercises.Zip(grades, (e, g) => new ExerciseGrade(student, course.Name, e, g.Result, g.Message, "printed by the check")).ToList(), ["a note"]);
        return new GradingRun([course],
            [
                [Of("ada", (GradeResult.Passed, "1 check passed"), (GradeResult.Passed, "2 checks passed"), (GradeResult.Passed, "1 check passed"))],
                [Of("=HYPERLINK(\"x\")", (GradeResult.Failed, "✗ 6 × 7: expected 42, actual 41, \"off by one\""), (GradeResult.TimedOut, "ran past\nthe limit"), (GradeResult.NotAnswered, "not answered yet"))],
            ], [], [], TimeSpan.FromSeconds(90));
    }

    [Fact]
    public void The_csv_has_a_row_per_exercise_that_reads_back_the_same_and_no_formula()
    {
        var run = Run();

        var text = GradeReport.Csv(run.Rows);
        var rows = GradeReport.ParseCsv(text);

        Assert.Equal(GradeReport.CsvHeader, string.Join(",", rows[0]));
        Assert.Equal(7, rows.Count);
        Assert.Equal(["ada", "01-grading-sample", "Exercise 1 (product)", "passed", "1 check passed"], rows[1]);
        Assert.Equal(["'=HYPERLINK(\"x\")", "01-grading-sample", "Exercise 1 (product)", "failed", "✗ 6 × 7: expected 42, actual 41, \"off by one\""], rows[4]);
        Assert.Equal("ran past\nthe limit", rows[5][4]);
        Assert.Equal("timed out", rows[5][3]);
    }

    [Fact]
    public void The_pages_show_every_mark_with_its_message_and_fetch_nothing()
    {
        var run = Run();
        var folders = new Dictionary<string, string> { ["ada"] = "ada", ["=HYPERLINK(\"x\")"] = "HYPERLINK_x" };

        GradeReport.Write(folder, run, folders);

        var grid = File.ReadAllText(Path.Combine(folder, "grades.html"));
        Assert.Contains("href=\"feedback/ada.html\"", grid);
        Assert.Contains("expected 42, actual 41, &quot;off by one&quot;\">✗</td>", grid);
        Assert.Contains("<td class=\"failed\" title=\"failed: ✗ 6 ", grid);
        Assert.Contains("<td class=\"count\">3 / 3</td>", grid);
        Assert.Contains("<td class=\"count\">0 / 3</td>", grid);
        Assert.Contains("=HYPERLINK(&quot;x&quot;)", grid);
        var feedback = File.ReadAllText(Path.Combine(folder, "feedback", "HYPERLINK_x.html"));
        Assert.Contains("<pre>printed by the check</pre>", feedback);
        Assert.Contains("<li>a note</li>", feedback);
        foreach (var page in new[] { grid, feedback, File.ReadAllText(Path.Combine(folder, "feedback", "ada.html")) })
        {
            Assert.DoesNotContain("<script", page);
            Assert.DoesNotContain("http://", page);
            Assert.DoesNotContain("https://", page);
            Assert.DoesNotContain("src=", page);
        }
        Assert.Equal([0xEF, 0xBB, 0xBF], File.ReadAllBytes(Path.Combine(folder, "grades.csv"))[..3]);
    }
}
