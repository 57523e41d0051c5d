using NeuralNetworks.Course;
using NeuralNetworks.Notebooks.Grading;

namespace NeuralNetworks.Tests.Notebooks.Grading;

/// <summary>
/// <see cref="NotebookGrading"/> on runs made up here: each exercise's grade comes from what its check cell recorded,
/// or from why it could not record one; after an answer that hangs, ends the process or runs out of memory, the notebook
/// runs again without it.
/// </summary>
public sealed class GradingRunsTests
{
    private static readonly GradingLimits Limits = new(TimeSpan.FromSeconds(60), 1024);
    private readonly CourseNotebook course = ExerciseCellsTests.Tagged();

    private int AnswerAt(int k) => course.Answers[k].Index;

    private int CheckAt(int k) => course.Checks[k].Index;

    private static CellRun Ran(int cell, string? error = null, string? errorName = null, string printed = "", params ExerciseResult[] results) =>
        new(cell, error, errorName, printed, results);

    private static ExerciseResult Passed(string exercise) => new(exercise, ExerciseOutcome.Passed, "1 check passed");

    private static ExerciseResult Failed(string exercise, string message) => new(exercise, ExerciseOutcome.Failed, message);

    private static ExerciseResult Open(string exercise) => new(exercise, ExerciseOutcome.NotAnswered, Check.NotAnsweredYet);

    private Dictionary<int, CellRun> Cells(params CellRun[] runs)
    {
        var cells = runs.ToDictionary(r => r.Cell);
        foreach (var index in Enumerable.Range(0, course.StudentCopy.Cells.Count).Where(i => CellType(i) == "code"))
            cells.TryAdd(index, Ran(index));
        return cells;
    }

    private string CellType(int index) => NeuralNetworks.Notebooks.NotebookFile.CellType(course.StudentCopy.Cells[index]);

    // Cells before `stop` ran as given; `stop` started and did not end.
    private Dictionary<int, CellRun> Until(int stop, params CellRun[] runs) =>
        Cells(runs).Where(c => c.Key < stop).ToDictionary(c => c.Key, c => c.Value);

    private NotebookGrades Grade(params Attempt[] attempts)
    {
        var runs = 0;
        return NotebookGrading.Grade(course, "ada", Limits, _ => attempts[Math.Min(runs++, attempts.Length - 1)]);
    }

    [Fact]
    public void A_refused_answer_is_run_unanswered_and_its_exercise_gets_the_refusal()
    {
        // The run the grader makes when it refuses answer 1 (it declared a name its check uses): that cell runs as the course
        // gives it, so the check records "not answered"; the grade is the refusal, the other exercises are graded as usual.
        var leftOutSeen = new List<int>();
        var attempt = new Attempt(Cells(
            Ran(CheckAt(0), results: Open("Exercise 1 (product)")),
            Ran(CheckAt(1), results: Passed("Exercise 2 (square)")),
            Ran(CheckAt(2), results: Open("Exercise 3 (ones)"))), AttemptEnd.Finished, null, 0, "");
        var refusal = "your answer cell (cell 4: product) declares `Check`, a name the check (cell 6) uses";

        var grades = NotebookGrading.Grade(course, "ada", Limits, leftOut => { leftOutSeen.AddRange(leftOut); return attempt; },
            new Dictionary<int, (GradeResult, string)> { [AnswerAt(0)] = (GradeResult.Failed, refusal) }).Grades;

        Assert.Equal([AnswerAt(0)], leftOutSeen);
        Assert.Equal([GradeResult.Failed, GradeResult.Passed, GradeResult.NotAnswered], grades.Select(g => g.Result));
        Assert.Equal(refusal, grades[0].Message);
    }

    [Fact]
    public void Each_exercise_gets_what_its_check_cell_recorded()
    {
        var attempt = new Attempt(Cells(
            Ran(CheckAt(0), printed: "✓ 6 × 7: matched (42)\n", results: Passed("Exercise 1 (product)")),
            Ran(CheckAt(1), "✗ square(3): expected 9, actual 6", nameof(CheckFailedException), results: Failed("Exercise 2 (square)", "✗ square(3): expected 9, actual 6")),
            Ran(CheckAt(2), results: Open("Exercise 3 (ones)"))), AttemptEnd.Finished, null, 0, "");

        var grades = Grade(attempt).Grades;

        Assert.Equal([GradeResult.Passed, GradeResult.Failed, GradeResult.NotAnswered], grades.Select(g => g.Result));
        Assert.Equal(["1 check passed", "✗ square(3): expected 9, actual 6", Check.NotAnsweredYet], grades.Select(g => g.Message));
        Assert.Equal("✓ 6 × 7: matched (42)\n", grades[0].Printed);
        Assert.All(grades, g => Assert.Equal(("ada", "01-grading-sample"), (g.Student, g.Notebook)));
    }

    [Fact]
    public void A_result_recorded_under_the_exercise_name_counts_last_so_a_forged_one_before_it_does_not()
    {
        var attempt = new Attempt(Cells(
            Ran(CheckAt(0), results: [Passed("Exercise 1 (product)"), Failed("Exercise 1 (product)", "✗ 6 × 7: yours is 41, below the right value")])),
            AttemptEnd.Finished, null, 0, "");

        Assert.Equal(GradeResult.Failed, Grade(attempt).Grades[0].Result);
    }

    [Fact]
    public void An_answer_cell_that_does_not_compile_is_an_error_naming_the_cell_and_the_compiler()
    {
        var error = "(1,22): error CS0029: Cannot implicitly convert type 'string' to 'int?'";
        var attempt = new Attempt(Cells(
            Ran(AnswerAt(0), error, "CodeSubmissionCompilationErrorException", error),
            Ran(CheckAt(0), results: Open("Exercise 1 (product)"))), AttemptEnd.Finished, null, 0, "");

        var grade = Grade(attempt).Grades[0];

        Assert.Equal(GradeResult.Error, grade.Result);
        Assert.Equal($"your answer cell (cell {AnswerAt(0) + 1}: product) failed: {error}", grade.Message);
        Assert.Equal(error, grade.Printed);
    }

    [Fact]
    public void A_check_that_fails_before_recording_is_an_error_with_its_message()
    {
        var attempt = new Attempt(Cells(Ran(CheckAt(1), "(3,5): error CS0103: The name 'square' does not exist", "CodeSubmissionCompilationErrorException")),
            AttemptEnd.Finished, null, 0, "");

        var grade = Grade(attempt).Grades[1];

        Assert.Equal(GradeResult.Error, grade.Result);
        Assert.Equal($"the check (cell {CheckAt(1) + 1}) failed before recording a result: (3,5): error CS0103: The name 'square' does not exist", grade.Message);
    }

    [Fact]
    public void An_answer_that_runs_past_the_limit_is_timed_out_and_the_notebook_runs_again_without_it()
    {
        var leftOut = new List<IReadOnlySet<int>>();
        var first = new Attempt(Until(AnswerAt(1), Ran(CheckAt(0), results: Passed("Exercise 1 (product)"))), AttemptEnd.TimedOut, AnswerAt(1), GradeWorker.TimedOut, "");
        var second = new Attempt(Cells(
            Ran(CheckAt(0), results: Passed("Exercise 1 (product)")),
            Ran(CheckAt(1), results: Open("Exercise 2 (square)")),
            Ran(CheckAt(2), results: Passed("Exercise 3 (ones)"))), AttemptEnd.Finished, null, 0, "");
        var attempts = new[] { first, second };

        var graded = NotebookGrading.Grade(course, "dee", Limits, set => { leftOut.Add(set); return attempts[leftOut.Count - 1]; });

        Assert.Equal([[], [AnswerAt(1)]], leftOut.Select(s => s.ToArray()));
        Assert.Equal([GradeResult.Passed, GradeResult.TimedOut, GradeResult.Passed], graded.Grades.Select(g => g.Result));
        Assert.Equal($"your answer cell (cell {AnswerAt(1) + 1}: square) ran past the time limit of 60 s", graded.Grades[1].Message);
        Assert.Contains(graded.Notes, n => n.StartsWith("run 1 stopped: your answer cell", StringComparison.Ordinal) && n.Contains("run 2 left"));
    }

    [Fact]
    public void A_check_that_hangs_running_the_students_function_leaves_that_answer_out_of_the_next_run()
    {
        var leftOut = new List<IReadOnlySet<int>>();
        var first = new Attempt(Until(CheckAt(1)), AttemptEnd.TimedOut, null, null, "");
        first = first with { FaultCell = CheckAt(1) };
        var second = new Attempt(Cells(Ran(CheckAt(1), results: Open("Exercise 2 (square)"))), AttemptEnd.Finished, null, 0, "");
        var attempts = new[] { first, second };

        var graded = NotebookGrading.Grade(course, "dee", Limits, set => { leftOut.Add(set); return attempts[leftOut.Count - 1]; });

        Assert.Equal([AnswerAt(1)], leftOut[1]);
        Assert.Equal(GradeResult.TimedOut, graded.Grades[1].Result);
        Assert.Equal($"the check (cell {CheckAt(1) + 1}), running your code, ran past the time limit of 60 s", graded.Grades[1].Message);
    }

    [Fact]
    public void An_answer_that_ends_the_process_is_an_error_and_the_rest_are_graded()
    {
        var first = new Attempt(Until(AnswerAt(0)), AttemptEnd.ProcessEnded, AnswerAt(0), 0, "");
        var second = new Attempt(Cells(Ran(CheckAt(1), results: Passed("Exercise 2 (square)"))), AttemptEnd.Finished, null, 0, "");

        var grades = Grade(first, second).Grades;

        Assert.Equal(GradeResult.Error, grades[0].Result);
        Assert.Equal($"your answer cell (cell {AnswerAt(0) + 1}: product) ended the notebook's process (exit code 0: Environment.Exit, or a crash)", grades[0].Message);
        Assert.Equal(GradeResult.Passed, grades[1].Result);
    }

    [Fact]
    public void A_stack_overflow_is_named_as_one()
    {
        var first = new Attempt(Until(AnswerAt(2)), AttemptEnd.ProcessEnded, AnswerAt(2), 134, "Stack overflow.\n   at Submission#5.f(Int32)");

        var grades = Grade(first, new Attempt(Cells(), AttemptEnd.Finished, null, 0, "")).Grades;

        Assert.Contains("a stack overflow", grades[2].Message);
    }

    [Fact]
    public void An_answer_that_runs_out_of_memory_is_an_error_naming_the_limit()
    {
        var first = new Attempt(Until(AnswerAt(0)), AttemptEnd.OutOfMemory, AnswerAt(0), GradeWorker.OutOfMemory, "");

        var grades = Grade(first, new Attempt(Cells(), AttemptEnd.Finished, null, 0, "")).Grades;

        Assert.Equal(GradeResult.Error, grades[0].Result);
        Assert.Equal($"your answer cell (cell {AnswerAt(0) + 1}: product) ran out of memory (limit 1024 MB)", grades[0].Message);
    }

    [Fact]
    public void The_notebook_runs_at_most_the_limits_number_of_times()
    {
        var runs = 0;
        var limits = Limits with { MaxRuns = 2 };

        var graded = NotebookGrading.Grade(course, "dee", limits, set =>
        {
            runs++;
            // Every answer not yet left out hangs.
            var stop = course.Answers.First(a => !set.Contains(a.Index)).Index;
            return new Attempt(Until(stop), AttemptEnd.TimedOut, stop, null, "");
        });

        Assert.Equal(2, runs);
        Assert.Equal([GradeResult.TimedOut, GradeResult.TimedOut, GradeResult.TimedOut], graded.Grades.Select(g => g.Result));
        Assert.StartsWith("not run: the notebook stopped before this check: your answer cell", graded.Grades[2].Message);
    }

    [Fact]
    public void A_course_cell_past_the_limit_stops_the_checks_after_it_and_says_the_limit_may_be_too_small()
    {
        var courseCell = Enumerable.Range(0, course.StudentCopy.Cells.Count)
            .First(i => i > CheckAt(1) && CellType(i) == "code" && course.Answers.All(a => a.Index != i) && course.Checks.All(c => c.Index != i));
        // The course cell calls Check.YoursOr(square, …): with square answered, it is the student's code that hangs.
        var runs = 0;
        var graded = NotebookGrading.Grade(course, "dee", Limits, set =>
        {
            runs++;
            return set.Count == 0
                ? new Attempt(Until(courseCell, Ran(CheckAt(0), results: Passed("Exercise 1 (product)")), Ran(CheckAt(1), results: Passed("Exercise 2 (square)"))), AttemptEnd.TimedOut, courseCell, null, "")
                : new Attempt(Cells(Ran(CheckAt(2), results: Passed("Exercise 3 (ones)"))), AttemptEnd.Finished, null, 0, "");
        });

        Assert.Equal(2, runs);
        Assert.Equal([GradeResult.Passed, GradeResult.Passed, GradeResult.Passed], graded.Grades.Select(g => g.Result));
    }

    private int CourseCellRunningNoAnswer() =>
        Enumerable.Range(0, course.StudentCopy.Cells.Count).Single(i => CellType(i) == "code" && i != course.SetupCell
            && course.Answers.All(a => a.Index != i) && course.Checks.All(c => c.Index != i)
            && course.Answers.SelectMany(a => a.Variables).All(v => !CourseNotebook.MentionsIdentifier(NeuralNetworks.Notebooks.NotebookFile.Source(course.StudentCopy.Cells[i]), v)));

    [Fact]
    public void A_course_cell_that_runs_none_of_the_students_code_past_the_limit_twice_leaves_the_checks_after_it_not_graded()
    {
        // Not the student's doing: the course check ran to its end, but on a busy machine this student's run did not.
        var slow = CourseCellRunningNoAnswer();
        var leftOut = new List<int>();
        var runs = 0;
        var graded = NotebookGrading.Grade(course, "eve", Limits, set =>
        {
            runs++;
            leftOut.AddRange(set);
            return new Attempt(Until(slow, Ran(CheckAt(0), results: Passed("Exercise 1 (product)")), Ran(CheckAt(1), results: Failed("Exercise 2 (square)", "✗ square(3)"))),
                AttemptEnd.TimedOut, slow, null, "");
        });

        Assert.Equal(2, runs);
        Assert.Empty(leftOut);   // nothing of the student's was left out: the run was repeated as it was
        Assert.Equal([GradeResult.Passed, GradeResult.Failed, GradeResult.Error], graded.Grades.Select(g => g.Result));
        Assert.StartsWith($"not graded: cell {slow + 1} of 01-grading-sample.ipynb, a course cell that runs none of the student's code, ran past the time limit of 60 s twice", graded.Grades[2].Message);
        Assert.Contains("--timeout", graded.GraderProblem);
        Assert.Contains(graded.Notes, n => n.StartsWith($"run 1 stopped in cell {slow + 1}, a course cell that runs none of your code", StringComparison.Ordinal));
    }

    [Fact]
    public void A_course_cell_past_the_limit_once_is_run_again_and_then_graded_as_usual()
    {
        var slow = CourseCellRunningNoAnswer();
        var runs = 0;
        var graded = NotebookGrading.Grade(course, "fay", Limits, _ => ++runs == 1
            ? new Attempt(Until(slow, Ran(CheckAt(0), results: Passed("Exercise 1 (product)")), Ran(CheckAt(1), results: Open("Exercise 2 (square)"))), AttemptEnd.TimedOut, slow, null, "")
            : new Attempt(Cells(Ran(CheckAt(0), results: Passed("Exercise 1 (product)")), Ran(CheckAt(1), results: Open("Exercise 2 (square)")),
                Ran(CheckAt(2), results: Passed("Exercise 3 (ones)"))), AttemptEnd.Finished, null, 0, ""));

        Assert.Equal(2, runs);
        Assert.Equal([GradeResult.Passed, GradeResult.NotAnswered, GradeResult.Passed], graded.Grades.Select(g => g.Result));
        Assert.Null(graded.GraderProblem);
    }

    [Fact]
    public void A_course_cell_that_ends_the_process_is_not_run_again_and_charges_the_checks_after_it()
    {
        // Out of memory or a crash in a course cell may come from what the student's earlier cells left behind: as before,
        // the checks after it say the notebook stopped, and the notes say where.
        var stop = CourseCellRunningNoAnswer();
        var runs = 0;
        var graded = NotebookGrading.Grade(course, "gus", Limits, _ =>
        {
            runs++;
            return new Attempt(Until(stop, Ran(CheckAt(0), results: Passed("Exercise 1 (product)")), Ran(CheckAt(1), results: Passed("Exercise 2 (square)"))),
                AttemptEnd.OutOfMemory, stop, null, "");
        });

        Assert.Equal(1, runs);
        Assert.Equal(GradeResult.Error, graded.Grades[2].Result);
        Assert.StartsWith("not run: the notebook stopped before this check", graded.Grades[2].Message);
        Assert.Null(graded.GraderProblem);
    }

    [Fact]
    public void A_setup_cell_that_fails_is_the_graders_problem_not_the_students()
    {
        var attempt = new Attempt(Cells(Ran(course.SetupCell!.Value, "error NU1101: Unable to find package NeuralNetworks")), AttemptEnd.Finished, null, 0, "");

        var graded = Grade(attempt);

        Assert.NotNull(graded.GraderProblem);
        Assert.Contains("NU1101", graded.GraderProblem);
        Assert.All(graded.Grades, g => Assert.Equal(GradeResult.Error, g.Result));
        Assert.All(graded.Grades, g => Assert.Contains("not the answer's", g.Message));
    }

    [Fact]
    public void A_worker_that_never_started_a_cell_is_the_graders_problem()
    {
        var graded = Grade(new Attempt(new Dictionary<int, CellRun>(), AttemptEnd.NeverStarted, null, 134, "Unhandled exception. System.IO.FileNotFoundException"));

        Assert.Contains("did not start", graded.GraderProblem);
    }
}
