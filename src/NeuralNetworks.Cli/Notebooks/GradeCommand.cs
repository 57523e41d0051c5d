using System.CommandLine;
using NeuralNetworks.Notebooks.Grading;

namespace NeuralNetworks.Cli.Notebooks;

/// <summary>
/// <c>notebooks grade SUBMISSIONS --out DIR</c>: grades a folder of students' notebooks with the course's own checks
/// (<see cref="Grader"/>) and writes grades.csv, grades.html and a feedback page per student. The same command, with the
/// hidden option <c>--worker</c>, is the child process that runs one notebook (<see cref="GradeWorker"/>).
/// </summary>
public static class GradeCommand
{
    /// <summary>Default time for one run of one notebook, in seconds.</summary>
    public const int DefaultTimeout = 600;

    /// <summary>Default memory for one run (the worker's GC heap), in MB.</summary>
    public const int DefaultMemory = 4096;

    /// <summary>Builds the <c>grade</c> command.</summary>
    public static Command Create()
    {
        var submissions = new Argument<string?>("submissions")
        {
            Description = "The folder of submissions: one folder, .zip or .ipynb per student, as students return the handout. Only read.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var output = new Option<string?>("--out") { Description = "Required: the folder for grades.csv, grades.html, feedback/ and work/ (each run's notebook and log)." };
        var course = new Option<string[]>("--course")
        {
            Description = "The teacher's notebooks (files or folders) to grade against (default: the notebooks/ folder found upward from here).",
            AllowMultipleArgumentsPerToken = true,
        };
        var timeout = new Option<int>("--timeout")
        {
            Description = "Time limit for one run of one notebook, in seconds (an answer past it is 'timed out'; the notebook runs again without it, at most 3 runs).",
            DefaultValueFactory = _ => DefaultTimeout,
        };
        var memory = new Option<int>("--memory")
        {
            Description = "Limit of the .NET heap of one run, in MB (DOTNET_GCHeapHardLimit; an answer past it is an 'error'). Memory allocated outside the .NET heap (native buffers) is not limited: grade in a container for that.",
            DefaultValueFactory = _ => DefaultMemory,
        };
        var parallel = new Option<int>("--parallel")
        {
            Description = "Notebooks graded at once (default: half the processors, at least 1).",
            DefaultValueFactory = _ => Math.Max(1, Environment.ProcessorCount / 2),
        };
        var worker = new Option<string?>("--worker") { Hidden = true, Description = "Run one assembled notebook (the grader's child process)." };
        var progress = new Option<string?>("--progress") { Hidden = true, Description = "The worker's progress file." };
        var command = new Command("grade", "Grade a folder of students' notebooks with the course's checks: grades.csv, grades.html and a feedback page per student. Runs the students' code with your rights: see docs/grading.md.")
        {
            submissions, output, course, timeout, memory, parallel, worker, progress,
        };
        command.SetAction(parse =>
        {
            var seconds = NotebooksCommand.CellSeconds(parse.GetValue(timeout));
            if (parse.GetValue(worker) is { } notebook)
                return RunWorker(notebook, parse.GetValue(progress) ?? throw new UsageException("--worker needs --progress"), seconds);

            var megabytes = parse.GetValue(memory);
            if (megabytes < 256) throw new UsageException($"--memory must be at least 256 MB (a kernel needs about 500), not {megabytes}");
            var workers = parse.GetValue(parallel);
            if (workers <= 0) throw new UsageException($"--parallel must be at least 1, not {workers}");
            var folder = parse.GetValue(submissions) ?? throw new UsageException("give the folder of submissions: notebooks grade SUBMISSIONS --out DIR");
            if (!Directory.Exists(folder)) throw new UsageException($"no such folder: {folder}");
            var outFolder = parse.GetValue(output) ?? throw new UsageException("--out is required: the folder for grades.csv, grades.html and feedback/");
            var submissionsFull = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
            var outFull = Path.TrimEndingDirectorySeparator(Path.GetFullPath(outFolder));
            if (Inside(outFull, submissionsFull) || Inside(submissionsFull, outFull))
                throw new UsageException($"--out {outFolder} and the submissions folder {folder} must not contain one another: the submissions are only read");
            // The course notebooks are read before --out is made: a refusal leaves no empty folder behind.
            var notebooks = NotebooksCommand.FindNotebooks(parse.GetValue(course) ?? []);
            var created = !Directory.Exists(outFull);
            outFull = OutputFile.CheckFolder(outFolder, "--out");
            if (Directory.EnumerateFileSystemEntries(outFull).Any())
            {
                // An earlier grading is graded again (its work/ of students no longer there goes); a folder of other files is
                // not written into (a teacher's audit, 2026-12-06: grades.csv and feedback/ would replace files of those names).
                if (!File.Exists(Path.Combine(outFull, "grades.csv")) && !Directory.Exists(Path.Combine(outFull, "work")))
                    throw new UsageException($"--out {outFolder} is not empty and is not an earlier grading (it has no grades.csv): grading writes " +
                                             "grades.csv, grades.html, feedback/ and work/ there. Give a new or empty folder, or an earlier grading's to grade again.");
                if (Directory.Exists(Path.Combine(outFull, "work"))) Directory.Delete(Path.Combine(outFull, "work"), recursive: true);
                Console.Out.WriteLine($"grading again in {outFolder}: its grades.csv, grades.html and feedback/ will be replaced");
            }

            var log = new PrintableWriter(Console.Out);   // students' names and messages: shown, not obeyed
            var options = new GraderOptions(submissionsFull, outFull, notebooks,
                new GradingLimits(TimeSpan.FromSeconds(seconds), megabytes), workers, WorkerCommand());
            GradingRun run;
            try
            {
                run = new Grader(options, log).Run();
            }
            catch (InvalidDataException e)
            {
                // Refused before anything was graded (no submissions, none holding a course notebook): the folder made for it goes.
                if (created && !Directory.EnumerateFileSystemEntries(outFull).Any()) Directory.Delete(outFull);
                throw new UsageException(e.Message);
            }
            var rows = run.Rows.ToList();
            log.WriteLine($"{rows.Count(r => r.Result == GradeResult.Passed)} of {rows.Count} exercises passed over {run.Students.Count} students in {run.Elapsed.TotalSeconds:0} s; "
                          + $"wrote {Path.Combine(outFull, "grades.csv")}, grades.html and feedback/");
            foreach (var problem in run.GraderProblems)
                Console.Error.WriteLine($"error: not the students' doing: {problem}; run `notebooks doctor`, then grade again");
            return run.GraderProblems.Count == 0 ? Cli.Done : Cli.RunFailed;
        });
        return command;
    }

    private static int RunWorker(string notebook, string progress, int seconds)
    {
        var code = GradeWorker.RunAsync(notebook, progress, TimeSpan.FromSeconds(seconds)).GetAwaiter().GetResult();
        // A cell that ran past its time may still be running on another thread: end the process at once.
        Console.Out.Flush();
        Console.Error.Flush();
        Environment.Exit(code);
        return code;
    }

    // This program again, as the worker: its own executable, or `dotnet exec NeuralNetworks.Cli.dll`, then `notebooks grade --worker`.
    private static IReadOnlyList<string> WorkerCommand() => [.. Cli.SelfCommand(), "notebooks", "grade", "--worker"];

    private static bool Inside(string path, string folder) =>
        path.Equals(folder, StringComparison.Ordinal) || path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
