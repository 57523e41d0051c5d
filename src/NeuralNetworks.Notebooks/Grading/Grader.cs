using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using NeuralNetworks.Course;

namespace NeuralNetworks.Notebooks.Grading;

/// <summary>What to grade and how.</summary>
/// <param name="SubmissionsFolder">One entry per student (<see cref="Submissions"/>); only read.</param>
/// <param name="OutFolder">Where grades.csv, grades.html, feedback/ and work/ (each run's notebook and log) go.</param>
/// <param name="CourseNotebooks">The teacher's notebooks (with solutions): the pristine copies.</param>
/// <param name="Limits">Time and memory for each run of a notebook.</param>
/// <param name="Parallel">How many notebooks run at once.</param>
/// <param name="WorkerCommand">The program and arguments that start a worker (<see cref="GradeWorker"/>); the grader
/// appends the notebook, <c>--progress FILE</c> and <c>--timeout S</c>.</param>
public sealed record GraderOptions(string SubmissionsFolder, string OutFolder, IReadOnlyList<string> CourseNotebooks,
    GradingLimits Limits, int Parallel, IReadOnlyList<string> WorkerCommand);

/// <summary>What a grading run produced.</summary>
/// <param name="Course">The course notebooks graded (those at least one submission holds), in order.</param>
/// <param name="Students">Every student's notebooks, by student, in order.</param>
/// <param name="Submissions">The submissions as read.</param>
/// <param name="Ignored">Entries of the submissions folder that are not a folder, .zip or .ipynb.</param>
/// <param name="Elapsed">How long grading took.</param>
public sealed record GradingRun(IReadOnlyList<CourseNotebook> Course, IReadOnlyList<IReadOnlyList<NotebookGrades>> Students,
    IReadOnlyList<Submission> Submissions, IReadOnlyList<string> Ignored, TimeSpan Elapsed)
{
    /// <summary>Every row, student by student, notebook by notebook, exercise by exercise.</summary>
    public IEnumerable<ExerciseGrade> Rows => Students.SelectMany(s => s).SelectMany(n => n.Grades);

    /// <summary>Problems that are the grader's, not a student's (named once each).</summary>
    public IReadOnlyList<string> GraderProblems => Students.SelectMany(s => s).Select(n => n.GraderProblem).OfType<string>().Distinct().ToList();
}

/// <summary>
/// <c>notebooks grade</c>: grades a folder of submissions. For each student and each course notebook only the student's
/// answer cells are put into a fresh student copy of the course notebook (<see cref="CourseNotebook.Assemble"/>), which
/// runs in a process of its own (<see cref="GradeWorker"/>) under a time limit and a memory limit
/// (<c>DOTNET_GCHeapHardLimit</c>); the results come from the checks (<see cref="NotebookGrading"/>). The submissions
/// folder is only read.
/// </summary>
/// <remarks>
/// Grading runs the students' code with the rights of whoever runs the grader: it is not a sandbox. Run it in a
/// container (docs/grading.md) when that matters.
/// </remarks>
public sealed partial class Grader(GraderOptions options, TextWriter log)
{
    /// <summary>How long past the time limit the grader waits before it ends a worker that did not stop itself.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    /// <summary>Grades every submission; writes grades.csv, grades.html and feedback/ into the out folder.</summary>
    /// <exception cref="InvalidDataException">No submission holds a course notebook.</exception>
    public GradingRun Run()
    {
        var clock = Stopwatch.StartNew();
        var course = options.CourseNotebooks.Select(CourseNotebook.Load).ToList();
        var names = course.Select(c => c.Name).ToList();
        var submissions = Submissions.Read(options.SubmissionsFolder, names, out var ignored);
        if (submissions.Count == 0)
            throw new InvalidDataException($"{options.SubmissionsFolder} holds no submissions: one folder, .zip or .ipynb per student");
        var graded = course.Where(c => submissions.Any(s => s.Notebooks.ContainsKey(c.Name))).ToList();
        if (graded.Count == 0)
            throw new InvalidDataException($"no submission in {options.SubmissionsFolder} holds a course notebook ({string.Join(", ", names.Take(3).Select(n => n + ".ipynb"))}, …)");

        foreach (var name in ignored) log.WriteLine($"ignored {name}: not a folder, .zip or .ipynb");
        foreach (var twice in submissions.Select(s => s.HandedInTwice).OfType<string>().Distinct()) log.WriteLine($"note: {twice}");
        log.WriteLine($"grading {submissions.Count} submission{(submissions.Count == 1 ? "" : "s")} × {graded.Count} notebook{(graded.Count == 1 ? "" : "s")} ({string.Join(", ", graded.Select(c => c.Name))}), {options.Parallel} at a time, {options.Limits.TimeoutText} and {options.Limits.MemoryMegabytes} MB per run");

        // Each course notebook once with no answers at all, as the students' copy: it must run to its end here. If it does
        // not (the MNIST data or a package not found, a cell too slow for --timeout), no student is charged for it.
        var broken = new ConcurrentDictionary<string, string>();
        Parallel.ForEach(graded, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallel) }, notebook =>
        {
            if (CourseProblem(notebook) is { } problem) broken[notebook.Name] = problem;
        });
        foreach (var notebook in graded.Where(n => broken.ContainsKey(n.Name)))
            log.WriteLine($"not graded: {broken[notebook.Name]}");

        var folders = StudentFolders(submissions);
        var work = (from s in submissions.Select((submission, i) => (submission, i))
                    from n in graded.Select((notebook, j) => (notebook, j))
                    select (Student: s.i, Notebook: n.j)).ToList();
        var results = new ConcurrentDictionary<(int, int), NotebookGrades>();
        Parallel.ForEach(work, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallel) }, item =>
        {
            var submission = submissions[item.Student];
            var notebook = graded[item.Notebook];
            var watch = Stopwatch.StartNew();
            var grades = broken.TryGetValue(notebook.Name, out var problem)
                ? NotebookGrading.NotGraded(notebook, submission.Student, problem)
                : GradeOne(submission, notebook, Path.Combine(options.OutFolder, "work", folders[submission.Student], notebook.Name));
            results[item] = grades;
            lock (log)
            {
                log.WriteLine($"[{submission.Student}] {notebook.Name}: {string.Join(" ", grades.Grades.Select(g => ExerciseGrade.Mark(g.Result)))}"
                              + $" ({grades.Grades.Count(g => g.Result == GradeResult.Passed)} of {grades.Grades.Count} passed, {watch.Elapsed.TotalSeconds:0.0} s)");
            }
        });

        var students = submissions.Select((_, i) => (IReadOnlyList<NotebookGrades>)graded.Select((_, j) => results[(i, j)]).ToList()).ToList();
        var run = new GradingRun(graded, students, submissions, ignored, clock.Elapsed);
        GradeReport.Write(options.OutFolder, run, folders);
        return run;
    }

    /// <summary>
    /// Runs the students' copy of <paramref name="course"/> with every answer unanswered, in <c>OUT/course-check/NAME</c>;
    /// returns why it cannot grade that notebook on this machine (a run that did not end, or a cell that failed), or null.
    /// </summary>
    private string? CourseProblem(CourseNotebook course)
    {
        var folder = Path.Combine(options.OutFolder, "course-check", course.Name);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        var attempt = RunWorker(course.Assemble(null).Notebook, folder, 1);
        var what = $"{course.Name}.ipynb, run here with no answers at all (the students' copy), ";
        // A run stopped between cells, or before the first (a kernel slow to start), has no cell at fault.
        var where = attempt.FaultCell is { } at ? $"in cell {at + 1}"
            : attempt.Cells.Count == 0 ? "before any cell ran (while the worker started)"
            : $"after cell {attempt.Cells.Keys.Max() + 1}, the last cell that ran";
        if (attempt.End != AttemptEnd.Finished)
            return what + (attempt.End switch
            {
                AttemptEnd.TimedOut => $"ran past the time limit of {options.Limits.TimeoutText} {where}: give more time (--timeout)",
                AttemptEnd.OutOfMemory => $"ran out of memory (limit {options.Limits.MemoryMegabytes} MB) {where}: give more memory (--memory)",
                _ => $"did not run to its end (exit code {attempt.ExitCode}{(attempt.FaultCell is { } cell ? $", in cell {cell + 1}" : "")}): {NotebookGrading.Short(attempt.Log)}",
            });
        var failed = attempt.Cells.Values.OrderBy(c => c.Cell).FirstOrDefault(c => c.Error is not null);
        return failed is null ? null : what + $"failed in cell {failed.Cell + 1}: {NotebookGrading.Short(failed.Error)}";
    }

    private NotebookGrades GradeOne(Submission submission, CourseNotebook course, string folder)
    {
        if (!submission.Notebooks.ContainsKey(course.Name))
            return NotebookGrading.Uniform(course, submission.Student, GradeResult.NotSubmitted, $"no {course.Name}.ipynb in {Path.GetFileName(submission.Source)}",
                submission.Notes);   // how the submission was read (a file not recognised, a loose notebook not named) reaches the student's page
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        // Of two copies (one in a subfolder, say), the one with more answers filled in; of two with as many, the shallower.
        var copies = submission.CopiesOf(course.Name).Select(f => (File: f, Notebook: f.TryRead(folder, out var problem), Problem: problem))
            .Select(c => (c.File, c.Notebook, c.Problem, Filled: c.Notebook is null ? -1 : course.AnswersFilledIn(c.Notebook))).ToList();
        var chosen = copies.MaxBy(c => c.Filled);   // the first of the most: copies come shallowest first
        var notes = new List<string> { $"graded {chosen.File.Origin}" };
        notes.AddRange(from c in copies
                       where c.File != chosen.File
                       select $"{c.File.Origin} was not graded ({Filled(c.Filled)}): of two copies of a notebook, the one with more answers filled in is graded, "
                              + $"and of two with as many the shallower one: {chosen.File.Origin} ({Filled(chosen.Filled)})");
        if (chosen.Notebook is not { } notebook)
            return NotebookGrading.Uniform(course, submission.Student, GradeResult.NotANotebook, chosen.Problem!, notes.Skip(1).ToList());

        notes.AddRange(submission.Notes);
        notes.AddRange(course.AnswersInAddedCells(notebook));
        var refused = new Dictionary<int, (GradeResult, string)>();
        foreach (var (answer, name, check) in course.Shadowing(notebook))
        {
            var message = $"{answer.Name} declares or assigns `{name}`, a name the check (cell {check + 1}) uses: that could change what the check "
                          + $"compares your answer with, so this answer was not run. Give your own variables, methods and classes other names";
            refused[answer.Index] = (GradeResult.Failed, message);
            notes.Add(message);
        }
        var runs = 0;
        var grades = NotebookGrading.Grade(course, submission.Student, options.Limits, leftOut =>
        {
            runs++;
            var (assembled, origins) = course.Assemble(notebook, leftOut);
            if (runs == 1) notes.AddRange(Origins(course, origins));
            return RunWorker(assembled, folder, runs);
        }, refused);
        return grades with { Notes = [.. notes, .. grades.Notes] };
    }

    private static string Filled(int answers) => answers < 0 ? "not a notebook" : $"{answers} answer{(answers == 1 ? "" : "s")} filled in";

    private static IEnumerable<string> Origins(CourseNotebook course, IReadOnlyDictionary<int, AnswerOrigin> origins) =>
        from answer in course.Answers
        let origin = origins[answer.Index]
        where origin is AnswerOrigin.ByOrder or AnswerOrigin.Missing
        select origin == AnswerOrigin.ByOrder
            ? $"{answer.Name}: taken from your answer cell at the same place (its cell id had changed)"
            : $"{answer.Name}: not found in your notebook (deleted, or its cell id changed), so it counts as not answered";

    private Attempt RunWorker(NotebookFile assembled, string folder, int run)
    {
        var notebookPath = Path.Combine(folder, $"run-{run}.ipynb");
        var progressPath = Path.Combine(folder, $"run-{run}.progress.jsonl");
        assembled.Save(notebookPath);
        var start = new ProcessStartInfo(options.WorkerCommand[0])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in options.WorkerCommand.Skip(1)) start.ArgumentList.Add(argument);
        foreach (var argument in new[] { notebookPath, "--progress", progressPath, "--timeout", ((int)Math.Ceiling(options.Limits.Timeout.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(argument);
        start.Environment.Remove(Check.ResultsVariable);
        start.Environment["DOTNET_GCHeapHardLimit"] = "0x" + ((long)options.Limits.MemoryMegabytes << 20).ToString("X", System.Globalization.CultureInfo.InvariantCulture);

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {options.WorkerCommand[0]}");
        process.StandardInput.Close();
        var stderr = new Tail(4000);
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) stderr.Add(e.Data); };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        int? exitCode;
        if (process.WaitForExit(options.Limits.Timeout + Grace))
        {
            process.WaitForExit();
            exitCode = process.ExitCode;
        }
        else
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            exitCode = null;
        }
        var text = stderr.ToString();
        File.WriteAllText(Path.Combine(folder, $"run-{run}.log"), text, new UTF8Encoding(false));
        return Attempt.Read(progressPath, exitCode, text);
    }

    // One folder name per student under work/ and feedback/: letters, digits, '.', '-', '_'; unique.
    private static Dictionary<string, string> StudentFolders(IReadOnlyList<Submission> submissions)
    {
        var folders = new Dictionary<string, string>(StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var student in submissions.Select(s => s.Student))
        {
            var slug = Unsafe().Replace(student, "_").Trim('.', '_');
            if (slug.Length == 0) slug = "student";
            var unique = slug;
            for (var i = 2; !used.Add(unique); i++) unique = $"{slug}-{i}";
            folders[student] = unique;
        }
        return folders;
    }

    [GeneratedRegex(@"[^A-Za-z0-9._-]+")]
    private static partial Regex Unsafe();

    // The last characters of a stream of lines.
    private sealed class Tail(int capacity)
    {
        private readonly StringBuilder _text = new();

        public void Add(string line)
        {
            lock (_text)
            {
                _text.Append(line).Append('\n');
                if (_text.Length > 2 * capacity) _text.Remove(0, _text.Length - capacity);
            }
        }

        public override string ToString()
        {
            lock (_text) return _text.Length > capacity ? _text.ToString(_text.Length - capacity, capacity) : _text.ToString();
        }
    }
}
