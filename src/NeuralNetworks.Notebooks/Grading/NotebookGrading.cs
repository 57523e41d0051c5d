using NeuralNetworks.Course;

namespace NeuralNetworks.Notebooks.Grading;

/// <summary>The limits a notebook runs under, for the messages that name them.</summary>
/// <param name="Timeout">Time for one run of one notebook.</param>
/// <param name="MemoryMegabytes">The worker's GC heap limit, in MB.</param>
/// <param name="MaxRuns">Most runs of one notebook: after an answer that hangs, ends the process or runs out of memory,
/// the notebook runs again with that answer left out, so the exercises after it are graded too.</param>
public sealed record GradingLimits(TimeSpan Timeout, int MemoryMegabytes, int MaxRuns = 3)
{
    /// <summary>"60 s".</summary>
    public string TimeoutText => $"{Timeout.TotalSeconds:0.#} s";
}

/// <summary>
/// Turns the runs of one student's notebook into one grade per exercise. Each exercise's result is the one its check
/// cell recorded (<see cref="Check.Answer{T}(string, T, Action{T})"/>'s JSON line), or, where the check could not
/// record one, why: the answer cell failed (error, with its message), the answer or the check ran past the time limit,
/// ran out of memory or ended the process. After such a fault the notebook runs again with the answers at fault left
/// unanswered (up to <see cref="GradingLimits.MaxRuns"/> runs), so one endless loop costs one exercise, not the rest.
/// </summary>
public static class NotebookGrading
{
    /// <summary>Grades <paramref name="course"/> for <paramref name="student"/>.</summary>
    /// <param name="course">The course notebook.</param>
    /// <param name="student">The student, for the rows.</param>
    /// <param name="limits">The limits, for the messages and the number of runs.</param>
    /// <param name="run">Runs the notebook with the given answer cells left unanswered; returns what happened.</param>
    /// <param name="refused">Answer cells not to run, each with the grade and message of the exercises its checks read
    /// (an answer that declares a name its check uses: <see cref="CourseNotebook.Shadowing"/>).</param>
    public static NotebookGrades Grade(CourseNotebook course, string student, GradingLimits limits, Func<IReadOnlySet<int>, Attempt> run,
        IReadOnlyDictionary<int, (GradeResult Result, string Message)>? refused = null)
    {
        var leftOut = new Dictionary<int, (GradeResult Result, string Message)>(refused ?? new Dictionary<int, (GradeResult, string)>());
        var final = new Dictionary<int, IReadOnlyList<ExerciseGrade>>();
        var notes = new List<string>();
        Attempt? last = null;
        var answers = course.Answers.ToDictionary(a => a.Index);
        // A course cell that runs none of the student's code and ran past the limit: run once more as it was; if it does
        // again, the checks after it are not graded (the limit is the grader's), instead of charging the student.
        var courseCellRetried = false;
        string? courseCellTooSlow = null;
        for (var runs = 1; runs <= limits.MaxRuns + (courseCellRetried ? 1 : 0); runs++)
        {
            var attempt = run(new HashSet<int>(leftOut.Keys));
            last = attempt;

            if (course.SetupCell is { } setup && attempt.Cells.TryGetValue(setup, out var setupRun) && setupRun.Error is not null)
                return GraderProblem(course, student, $"the course's setup cell (cell {setup + 1}) failed: {Short(setupRun.Error)}");
            if (course.SetupCell is { } setupCell && attempt.FaultCell == setupCell)
                return GraderProblem(course, student, attempt.End == AttemptEnd.TimedOut
                    ? $"the course's setup cell (cell {setupCell + 1}) did not finish within the time limit of {limits.TimeoutText}: give more time (--timeout)"
                    : $"the course's setup cell (cell {setupCell + 1}) ended the process (exit code {attempt.ExitCode}): {Short(attempt.Log)}");
            if (attempt.End == AttemptEnd.NeverStarted)
                return GraderProblem(course, student, $"the notebook did not start (exit code {attempt.ExitCode}): {Short(attempt.Log)}");

            foreach (var check in course.Checks)
            {
                if (final.ContainsKey(check.Index)) continue;
                if (!attempt.Cells.TryGetValue(check.Index, out var checkRun)) break;   // not reached in this run
                final[check.Index] = FromCheck(course, student, check, checkRun, attempt, answers, leftOut);
            }
            foreach (var failed in attempt.Cells.Values.Where(c => c.Error is not null && !answers.ContainsKey(c.Cell)
                                                                   && course.Checks.All(k => k.Index != c.Cell)))
            {
                var note = $"cell {failed.Cell + 1} (a course cell) failed: {Short(failed.Error)}";
                if (!notes.Contains(note)) notes.Add(note);
            }
            if (attempt.End == AttemptEnd.Finished || attempt.FaultCell is not { } fault) break;

            var culprits = Culprits(course, fault).Where(a => !leftOut.ContainsKey(a)).ToList();
            var cause = Fault(course, attempt, fault, answers, limits);
            if (culprits.Count == 0)
            {
                // A course cell that does not run the student's code: the limit is too small for this notebook here.
                if (attempt.End == AttemptEnd.TimedOut && !courseCellRetried)
                {
                    courseCellRetried = true;
                    notes.Add($"run {runs} stopped in cell {fault + 1}, a course cell that runs none of your code: {cause.Message}; run {runs + 1} ran the notebook again as it was");
                    continue;
                }
                if (attempt.End == AttemptEnd.TimedOut)
                    courseCellTooSlow = $"cell {fault + 1} of {course.Name}.ipynb, a course cell that runs none of the student's code, ran past the time limit of {limits.TimeoutText} twice: give more time (--timeout)";
                else
                    notes.Add($"cell {fault + 1} (a course cell that runs none of your code) stopped the run: {cause.Message}");
                break;
            }
            foreach (var a in culprits) leftOut[a] = cause;
            if (runs < limits.MaxRuns)
                notes.Add($"run {runs} stopped: {cause.Message}; run {runs + 1} left {string.Join(" and ", culprits.Select(a => answers[a].Name))} unanswered, to grade the rest");
        }

        // Checks no run reached: the last run stopped before them.
        foreach (var check in course.Checks.Where(c => !final.ContainsKey(c.Index)))
        {
            var (result, message) = courseCellTooSlow is not null
                ? (GradeResult.Error, $"not graded: {courseCellTooSlow} (the grader's problem, not the answer's)")
                : last is { FaultCell: { } stop } && last.End != AttemptEnd.Finished
                ? Unreached(course, last, stop, answers, limits, check)
                : last is { End: AttemptEnd.TimedOut }   // stopped between cells, or before the first: no cell at fault
                    ? (GradeResult.TimedOut, $"not run: the notebook ran past the time limit of {limits.TimeoutText} before this check")
                : last is not null && last.End != AttemptEnd.Finished
                    ? (GradeResult.Error, $"not run: the notebook's process ended before this check (exit code {last.ExitCode}{Crash(last.Log)})")
                    : (GradeResult.Error, $"the check (cell {check.Index + 1}) did not run");
            final[check.Index] = check.Exercises.Select(e => new ExerciseGrade(student, course.Name, e, result, message)).ToList();
        }
        return new NotebookGrades(student, course.Name, course.Checks.SelectMany(c => final[c.Index]).ToList(), notes, courseCellTooSlow);
    }

    /// <summary>The grade of every exercise for a notebook that could not be graded at all: <paramref name="result"/> with <paramref name="message"/>.</summary>
    public static NotebookGrades Uniform(CourseNotebook course, string student, GradeResult result, string message, IReadOnlyList<string>? notes = null) =>
        new(student, course.Name, course.Exercises.Select(e => new ExerciseGrade(student, course.Name, e, result, message)).ToList(), notes ?? []);

    /// <summary>Every exercise of <paramref name="course"/> "not graded", for a <paramref name="problem"/> that is the grader's, not the student's.</summary>
    public static NotebookGrades NotGraded(CourseNotebook course, string student, string problem) => GraderProblem(course, student, problem);

    private static NotebookGrades GraderProblem(CourseNotebook course, string student, string problem) =>
        Uniform(course, student, GradeResult.Error, $"not graded: {problem} (the grader's problem, not the answer's: run `notebooks doctor`)") with { GraderProblem = problem };

    private static IReadOnlyList<ExerciseGrade> FromCheck(CourseNotebook course, string student, CheckCell check, CellRun checkRun, Attempt attempt,
        IReadOnlyDictionary<int, AnswerCell> answers, IReadOnlyDictionary<int, (GradeResult Result, string Message)> leftOut)
    {
        var grades = new List<ExerciseGrade>();
        var printed = checkRun.Printed;
        foreach (var (exercise, position) in check.Exercises.Select((e, i) => (e, i)))
        {
            // An answer left out after a fault, or an answer cell that failed, decides before the check's "not answered".
            var fault = check.Answers.Where(leftOut.ContainsKey).Select(a => leftOut[a]).FirstOrDefault();
            var failedAnswer = check.Answers.Select(a => attempt.Cells.GetValueOrDefault(a)).FirstOrDefault(r => r?.Error is not null);
            // The last result of that name the check cell recorded (a name that is not a literal: by position).
            var recorded = checkRun.Results.LastOrDefault(r => r.Exercise == exercise)
                           ?? (check.Exercises.Count == 1 ? checkRun.Results.LastOrDefault() : checkRun.Results.ElementAtOrDefault(position));
            // What the page shows under the message: what the failing cell printed (nothing after a fault: the check then
            // ran on the unanswered cell).
            (GradeResult Result, string Message, string Printed) grade = fault.Message is not null ? (fault.Result, fault.Message, "")
                : failedAnswer is not null ? (GradeResult.Error, $"{answers[failedAnswer.Cell].Name} failed: {Short(failedAnswer.Error)}", failedAnswer.Printed)
                : recorded is not null ? (Outcome(recorded.Outcome), recorded.Message, printed)
                : checkRun.Error is not null ? (GradeResult.Error, $"the check (cell {check.Index + 1}) failed before recording a result: {Short(checkRun.Error)}", printed)
                : (GradeResult.Error, $"the check (cell {check.Index + 1}) ran but recorded no result", printed);
            grades.Add(new ExerciseGrade(student, course.Name, exercise, grade.Result, grade.Message, grade.Printed));
        }
        return grades;
    }

    private static GradeResult Outcome(ExerciseOutcome outcome) => outcome switch
    {
        ExerciseOutcome.Passed => GradeResult.Passed,
        ExerciseOutcome.Failed => GradeResult.Failed,
        _ => GradeResult.NotAnswered,
    };

    // The answers to leave out after a run stopped in cell `fault`: that answer cell; the answers a check cell reads; or
    // the answers whose variables a course cell names (it ran the student's function).
    private static IReadOnlyList<int> Culprits(CourseNotebook course, int fault)
    {
        if (course.Answers.Any(a => a.Index == fault)) return [fault];
        if (course.Checks.FirstOrDefault(c => c.Index == fault) is { } check) return check.Answers;
        var source = NotebookFile.Source(course.StudentCopy.Cells[fault]);
        return course.Answers.Where(a => a.Index < fault && a.Variables.Any(v => CourseNotebook.MentionsIdentifier(source, v)))
            .Select(a => a.Index).ToList();
    }

    // What a fault in `cell` means for the exercise whose answer (or check) it was.
    private static (GradeResult Result, string Message) Fault(CourseNotebook course, Attempt attempt, int cell, IReadOnlyDictionary<int, AnswerCell> answers, GradingLimits limits)
    {
        var what = answers.TryGetValue(cell, out var answer) ? answer.Name
            : course.Checks.Any(c => c.Index == cell) ? $"the check (cell {cell + 1}), running your code,"
            : $"cell {cell + 1} (a course cell)";
        return attempt.End switch
        {
            AttemptEnd.TimedOut => (GradeResult.TimedOut, $"{what} ran past the time limit of {limits.TimeoutText}"),
            AttemptEnd.OutOfMemory => (GradeResult.Error, $"{what} ran out of memory (limit {limits.MemoryMegabytes} MB)"),
            _ => (GradeResult.Error, $"{what} ended the notebook's process (exit code {attempt.ExitCode}{Crash(attempt.Log)})"),
        };
    }

    private static (GradeResult, string) Unreached(CourseNotebook course, Attempt last, int stop, IReadOnlyDictionary<int, AnswerCell> answers, GradingLimits limits, CheckCell check)
    {
        var (result, cause) = Fault(course, last, stop, answers, limits);
        return (result, stop == check.Index || check.Answers.Contains(stop) ? cause : $"not run: the notebook stopped before this check: {cause}");
    }

    private static string Crash(string log) =>
        log.Contains("Stack overflow", StringComparison.OrdinalIgnoreCase) ? ": a stack overflow — endless recursion?"
        : log.Contains("OutOfMemory", StringComparison.Ordinal) ? ": out of memory"
        : ": Environment.Exit, or a crash";

    /// <summary>The first non-empty line of a message (a compiler's first diagnostic, an exception's type and message), with "…" when more follows.</summary>
    public static string Short(string? message)
    {
        var lines = (message ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        var text = lines.Count == 0 ? "" : lines[0] + (lines.Count > 1 ? " …" : "");
        return text.Length > 600 ? text[..600] + " …" : text;
    }
}
