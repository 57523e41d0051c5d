using System.CommandLine;

namespace NeuralNetworks.Cli.Notebooks;

/// <summary>
/// <c>notebooks run</c> executes notebooks and exports them (ipynb with outputs, HTML, index);
/// <c>notebooks clear</c> strips outputs in place and can write the student version.
/// </summary>
public static class NotebooksCommand
{
    /// <summary>Exit code when a notebook failed.</summary>
    public const int NotebookFailed = 1;

    /// <summary>Builds the <c>notebooks</c> command with its <c>run</c> and <c>clear</c> subcommands.</summary>
    public static Command Create()
    {
        var command = new Command("notebooks", "Run, export and clear the teaching notebooks.");
        command.Subcommands.Add(RunCommand());
        command.Subcommands.Add(ClearCommand());
        return command;
    }

    private static Argument<string[]> PathsArgument() => new("paths")
    {
        Description = "Notebook files or folders (default: the notebooks/ folder found upward from here).",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private static Command RunCommand()
    {
        var paths = PathsArgument();
        var output = new Option<string>("--out")
        {
            Description = "Folder for the executed .ipynb, the .html pages and index.html.",
            DefaultValueFactory = _ => Path.Combine("artifacts", "notebooks"),
        };
        var timeout = new Option<int>("--timeout")
        {
            Description = "Time limit for one cell, in seconds.",
            DefaultValueFactory = _ => 600,
        };
        var command = new Command("run", "Execute notebooks in order and write <out>/<name>.ipynb, <out>/<name>.html and <out>/index.html.")
        {
            paths, output, timeout,
        };
        command.SetAction(parse =>
        {
            var seconds = parse.GetValue(timeout);
            if (seconds <= 0) throw new UsageException($"--timeout must be a positive number of seconds, not {seconds}");
            var notebooks = FindNotebooks(parse.GetValue(paths) ?? []);
            var log = Console.Out; // the real stdout: cells redirect Console.Out while they run
            var runner = new NotebookRunner(OutputFile.CheckFolder(parse.GetValue(output), "--out"), TimeSpan.FromSeconds(seconds), log);
            var outcomes = runner.RunAsync(notebooks).GetAwaiter().GetResult();

            var failed = outcomes.Where(o => !o.Passed).ToList();
            log.WriteLine($"{outcomes.Count - failed.Count} of {outcomes.Count} notebooks passed; output in {parse.GetValue(output)}");
            foreach (var o in failed)
            {
                Console.Error.WriteLine(o.Skipped
                    ? $"error: {o.Name}.ipynb was not run (an earlier cell ran past its time limit)"
                    : $"error: {o.Name}.ipynb cell {o.FailedCell}: {NotebookRunner.FirstLine(o.Error)}");
            }
            var exitCode = failed.Count == 0 ? 0 : NotebookFailed;
            if (runner.AbandonedKernel)
            {
                // A cell that ignored cancellation is still spinning on some thread: end the process now.
                log.Flush();
                Console.Error.Flush();
                Environment.Exit(exitCode);
            }
            return exitCode;
        });
        return command;
    }

    private static Command ClearCommand()
    {
        var paths = PathsArgument();
        var student = new Option<bool>("--student")
        {
            Description = "Also write exercise copies (cells tagged \"solution\" replaced by a stub) into --out.",
        };
        var output = new Option<string?>("--out") { Description = "Folder for the student copies (with --student)." };
        var command = new Command("clear", "Strip outputs and execution counts in place, so committed notebooks stay small.")
        {
            paths, student, output,
        };
        command.SetAction(parse =>
        {
            var studentDirectory = parse.GetValue(output);
            var forStudents = parse.GetValue(student);
            if (forStudents && string.IsNullOrEmpty(studentDirectory))
                throw new UsageException("--student needs --out DIR for the student copies");
            if (!forStudents && studentDirectory is not null)
                throw new UsageException("--out is only used with --student (clear works in place)");

            foreach (var path in FindNotebooks(parse.GetValue(paths) ?? []))
            {
                var notebook = NotebookFile.Load(path);
                notebook.ClearOutputs();
                notebook.Save(path);
                Console.WriteLine($"cleared {path}");
                if (!forStudents) continue;

                Directory.CreateDirectory(studentDirectory!);
                var copy = notebook.Clone();
                var replaced = copy.ReplaceSolutions();
                var target = Path.Combine(studentDirectory!, Path.GetFileName(path));
                copy.Save(target);
                Console.WriteLine($"  student copy {target} ({replaced} solution cell{(replaced == 1 ? "" : "s")} replaced)");
            }
            return 0;
        });
        return command;
    }

    /// <summary>
    /// The notebooks named by <paramref name="paths"/>: files as given, folders as their *.ipynb sorted by name;
    /// no paths means the notebooks/ folder found upward from the current directory. A path that does not
    /// exist is a usage error.
    /// </summary>
    public static IReadOnlyList<string> FindNotebooks(IReadOnlyList<string> paths)
    {
        if (paths.Count == 0)
        {
            var folder = FindUpward("notebooks")
                         ?? throw new UsageException($"no notebooks/ folder in {Directory.GetCurrentDirectory()} or above; pass notebook paths");
            paths = [folder];
        }
        var notebooks = new List<string>();
        foreach (var path in paths)
        {
            if (File.Exists(path))
                notebooks.Add(path);
            else if (Directory.Exists(path))
                notebooks.AddRange(Directory.GetFiles(path, "*.ipynb").Order(StringComparer.Ordinal));
            else
                throw new UsageException($"no such notebook or folder: {path}");
        }
        if (notebooks.Count == 0) throw new UsageException($"no .ipynb files in {string.Join(", ", paths)}");
        foreach (var notebook in notebooks)
        {
            try
            {
                NotebookFile.Load(notebook); // a file that is not a notebook is a usage error now, not halfway
            }
            catch (InvalidDataException e)
            {
                throw new UsageException(e.Message);
            }
        }
        return notebooks.Select(Path.GetFullPath).Distinct().ToList();
    }

    private static string? FindUpward(string name)
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, name);
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }
}
