using NeuralNetworks.Notebooks.Grading;

namespace NeuralNetworks.Tests.Notebooks.Grading;

/// <summary>
/// The grader (<see cref="Grader.Run"/>) with a stand-in worker: a shell script that writes a progress file as a worker
/// would (<see cref="GradeWorker"/>), so what the grader makes of a run is tested in seconds, without a kernel.
/// </summary>
public sealed class StandInWorkerTests : IDisposable
{
    private readonly string work = Directory.CreateTempSubdirectory("nn-stand-in-worker-").FullName;

    public void Dispose() => Directory.Delete(work, recursive: true);

    private static string Sample => NotebookCli.TestData(Path.Combine("grading", "01-grading-sample.ipynb"));

    // The grader appends: the notebook ($1), --progress ($2), the progress file ($3), --timeout ($4), seconds ($5).
    private GradingRun Grade(string script)
    {
        if (OperatingSystem.IsWindows()) Assert.Skip("the stand-in worker is a POSIX shell script");
        var options = new GraderOptions(Path.Combine(work, "submissions"), Path.Combine(work, "graded"), [Sample],
            new GradingLimits(TimeSpan.FromSeconds(5), 512), 1, ["sh", "-c", script, "worker"]);
        return new Grader(options, TextWriter.Null).Run();
    }

    private void Submit(string relative, string text)
    {
        var path = Path.Combine(work, "submissions", relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    [Theory]
    [InlineData("", "before any cell ran (while the worker started)")]
    [InlineData("""{"event":"start","cell":1}\n{"event":"end","cell":1,"printed":"","results":[]}\n""", "after cell 2, the last cell that ran")]
    public void A_course_check_stopped_at_its_time_limit_with_no_cell_at_fault_says_where_with_no_empty_cell_number(string progress, string where)
    {
        // As when the grader ends a worker whose kernel is still starting, or between two cells: a time-out with no cell at fault.
        Submit(Path.Combine("ada", "01-grading-sample.ipynb"), File.ReadAllText(Sample));

        var run = Grade($$"""printf '{{progress}}{"event":"timeout"}\n' >> "$3"; exit 3""");

        Assert.Equal([$"01-grading-sample.ipynb, run here with no answers at all (the students' copy), ran past the time limit of 5 s {where}: "
                      + "give more time (--timeout)"], run.GraderProblems);
    }

    [Fact]
    public void A_students_run_stopped_at_its_time_limit_with_no_cell_at_fault_times_out_the_checks_it_did_not_reach()
    {
        // The course check runs to its end; the student's run is stopped with no cell running (the kernel still starting).
        Submit(Path.Combine("ada", "01-grading-sample.ipynb"), File.ReadAllText(Sample));

        var run = Grade("""case "$1" in */course-check/*) printf '{"event":"done"}\n' >> "$3"; exit 0;; esac; printf '{"event":"timeout"}\n' >> "$3"; exit 3""");

        Assert.Empty(run.GraderProblems);
        Assert.Equal(3, run.Rows.Count());
        Assert.All(run.Rows, row => Assert.Equal((GradeResult.TimedOut, "not run: the notebook ran past the time limit of 5 s before this check"), (row.Result, row.Message)));
    }

    // The course's notebook with `int? product = null;` (cell g1-03) answered as given.
    private static string Answered(string product) =>
        File.ReadAllText(Sample).Replace("int? product = null;   // your answer", product, StringComparison.Ordinal);

    [Fact]
    public void Of_two_copies_of_a_notebook_the_one_with_more_answers_is_graded_and_on_a_tie_the_shallower_and_the_page_says_which_and_why()
    {
        // Found 2026-12-05: a fresh copy at the top of ada's folder was graded, all "not answered", and her answers in old/ never looked at.
        Submit(Path.Combine("ada", "01-grading-sample.ipynb"), File.ReadAllText(Sample));
        Submit(Path.Combine("ada", "old", "01-grading-sample.ipynb"), Answered("int? product = 6 * 7;"));
        Submit(Path.Combine("bo", "01-grading-sample.ipynb"), Answered("int? product = 41;"));
        Submit(Path.Combine("bo", "old", "01-grading-sample.ipynb"), Answered("int? product = 42;"));

        var run = Grade("""printf '{"event":"done"}\n' >> "$3"; exit 0""");

        var (ada, bo) = (run.Students[0][0], run.Students[1][0]);
        Assert.Equal(("ada", "bo"), (ada.Student, bo.Student));
        var (adaCopy, boCopy) = (Path.Combine("ada", "old", "01-grading-sample.ipynb"), Path.Combine("bo", "01-grading-sample.ipynb"));
        Assert.Equal($"graded {adaCopy}", ada.Notes[0]);
        Assert.Contains($"{Path.Combine("ada", "01-grading-sample.ipynb")} was not graded (0 answers filled in): of two copies of a notebook, the one with more answers "
                        + $"filled in is graded, and of two with as many the shallower one: {adaCopy} (1 answer filled in)", ada.Notes);
        Assert.Equal($"graded {boCopy}", bo.Notes[0]);
        Assert.Contains($"{Path.Combine("bo", "old", "01-grading-sample.ipynb")} was not graded (1 answer filled in): of two copies of a notebook, the one with more answers "
                        + $"filled in is graded, and of two with as many the shallower one: {boCopy} (1 answer filled in)", bo.Notes);
        // What ran is the copy graded.
        Assert.Contains("int? product = 6 * 7;", File.ReadAllText(Path.Combine(work, "graded", "work", "ada", "01-grading-sample", "run-1.ipynb")));
        Assert.Contains("int? product = 41;", File.ReadAllText(Path.Combine(work, "graded", "work", "bo", "01-grading-sample", "run-1.ipynb")));
    }

    [Fact]
    public void Code_that_writes_into_the_submissions_folder_changes_no_grade_of_the_run_each_run_works_in_a_folder_of_its_own()
    {
        // The submissions are read into memory before any student's code runs, and a run's working folder is out/work/STUDENT/NOTEBOOK:
        // ada's code writing ../gina-hacked.ipynb lands in out/work/ada, and her copying a notebook over bo's file changes what is on
        // disk (the grader runs code with the teacher's rights: docs/grading.md) but not what bo is graded on.
        Submit(Path.Combine("ada", "01-grading-sample.ipynb"), Answered("int? product = 6 * 7;"));
        Submit(Path.Combine("bo", "01-grading-sample.ipynb"), Answered("int? product = 41;"));
        var bos = Path.Combine(work, "submissions", "bo", "01-grading-sample.ipynb");

        var run = Grade($$"""case "$1" in */work/ada/*) echo hacked > ../gina-hacked.ipynb; cp "$1" '{{bos}}';; esac; printf '{"event":"done"}\n' >> "$3" """);

        Assert.Equal(["ada", "bo"], run.Submissions.Select(s => s.Student));
        Assert.True(File.Exists(Path.Combine(work, "graded", "work", "ada", "gina-hacked.ipynb")));
        Assert.False(File.Exists(Path.Combine(work, "submissions", "gina-hacked.ipynb")));
        Assert.Contains("int? product = 6 * 7;", File.ReadAllText(bos));   // ada's code did replace bo's file,
        var graded = File.ReadAllText(Path.Combine(work, "graded", "work", "bo", "01-grading-sample", "run-1.ipynb"));
        Assert.Contains("int? product = 41;", graded);                     // but bo was graded on what he handed in
        Assert.DoesNotContain("6 * 7", graded);
    }
}
