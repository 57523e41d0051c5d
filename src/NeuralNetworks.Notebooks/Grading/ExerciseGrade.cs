namespace NeuralNetworks.Notebooks.Grading;

/// <summary>What the grader concluded for one exercise of one student.</summary>
public enum GradeResult
{
    /// <summary>✓: answered, and every check passed.</summary>
    Passed,

    /// <summary>✗: answered, and a check failed (or the answer's code threw inside the check).</summary>
    Failed,

    /// <summary>◌: the answer is still null.</summary>
    NotAnswered,

    /// <summary>The check could not record a result: the answer cell or the check cell did not compile or threw, or the process ended.</summary>
    Error,

    /// <summary>The answer (or the check running it) ran past the time limit, or the notebook stopped before the check.</summary>
    TimedOut,

    /// <summary>The submission has no such notebook.</summary>
    NotSubmitted,

    /// <summary>The submitted file is not a notebook (not JSON, no cells).</summary>
    NotANotebook,
}

/// <summary>One row of grades.csv.</summary>
/// <param name="Student">The student.</param>
/// <param name="Notebook">The course notebook, e.g. "01-neurons".</param>
/// <param name="Exercise">The exercise, as its check names it, e.g. "Exercise 1 (k1)".</param>
/// <param name="Result">What the grader concluded.</param>
/// <param name="Message">Why: the check's ✓ or first ✗ line, the error and its cell, the time limit.</param>
/// <param name="Printed">What the check cell printed (for the feedback page; not in the CSV).</param>
public sealed record ExerciseGrade(string Student, string Notebook, string Exercise, GradeResult Result, string Message, string Printed = "")
{
    /// <summary>The result as grades.csv writes it: "passed", "failed", "not answered", "error", "timed out", "not submitted", "not a notebook".</summary>
    public string ResultText => Text(Result);

    /// <summary>The words for <paramref name="result"/> in grades.csv.</summary>
    public static string Text(GradeResult result) => result switch
    {
        GradeResult.Passed => "passed",
        GradeResult.Failed => "failed",
        GradeResult.NotAnswered => "not answered",
        GradeResult.Error => "error",
        GradeResult.TimedOut => "timed out",
        GradeResult.NotSubmitted => "not submitted",
        _ => "not a notebook",
    };

    /// <summary>The one-character mark for <paramref name="result"/> on the pages: ✓ ✗ ◌ ! ◷ – ?.</summary>
    public static string Mark(GradeResult result) => result switch
    {
        GradeResult.Passed => "✓",
        GradeResult.Failed => "✗",
        GradeResult.NotAnswered => "◌",
        GradeResult.Error => "!",
        GradeResult.TimedOut => "◷",
        GradeResult.NotSubmitted => "–",
        _ => "?",
    };
}

/// <summary>One student's notebook, graded.</summary>
/// <param name="Student">The student.</param>
/// <param name="Notebook">The course notebook's name.</param>
/// <param name="Grades">One row per exercise, in the notebook's order.</param>
/// <param name="Notes">What else happened (a course cell that failed with this answer, how many runs it took).</param>
/// <param name="GraderProblem">Set when the notebook could not be graded for a reason that is not the student's (the course's setup cell failed, the worker did not start).</param>
public sealed record NotebookGrades(string Student, string Notebook, IReadOnlyList<ExerciseGrade> Grades, IReadOnlyList<string> Notes, string? GraderProblem = null);
