using System.CommandLine;

using NeuralNetworks.Notebooks;

namespace NeuralNetworks.Cli.Notebooks;

/// <summary>
/// <c>notebooks run</c> executes notebooks and exports them (ipynb with outputs, HTML, index);
/// <c>notebooks slides</c> does the same and names the slide decks; <c>notebooks clear</c> strips outputs in place;
/// <c>notebooks handout</c> writes the student handout.
/// </summary>
public static class NotebooksCommand
{
    /// <summary>Exit code when a notebook failed.</summary>
    public const int NotebookFailed = 1;

    /// <summary>Builds the <c>notebooks</c> command with its <c>run</c>, <c>clear</c> and <c>handout</c> subcommands.</summary>
    public static Command Create()
    {
        var command = new Command("notebooks", "Run, export and clear the teaching notebooks, and write the student handout.");
        command.Subcommands.Add(RunCommand("run", "Execute notebooks in order and write <out>/<name>.ipynb, <out>/<name>.html, "
            + "and <out>/index.html (the students' edition unless --solutions).", decks: false));
        command.Subcommands.Add(ClearCommand());
        command.Subcommands.Add(HandoutCommand());
        command.Subcommands.Add(GradeCommand.Create());
        command.Subcommands.Add(DoctorCommand.Create());
        command.Subcommands.Add(RunCommand("slides", "Run notebooks as `run` does and also write each one's offline slide deck for a projector, "
            + "<out>/<name>.slides.html, linked from index.html (arrow keys, space or a click move on; <name>.slides.html#N opens slide N).", decks: true));
        return command;
    }

    /// <summary>The longest time limit a cell may be given: a day (a timer cannot wait much past 49 days).</summary>
    public const int MaxCellSeconds = 86_400;

    /// <summary><paramref name="seconds"/>, the value of --timeout, once checked: from 1 to <see cref="MaxCellSeconds"/>.</summary>
    internal static int CellSeconds(int seconds) => seconds switch
    {
        <= 0 => throw new UsageException($"--timeout must be a positive number of seconds, not {seconds}"),
        > MaxCellSeconds => throw new UsageException($"--timeout must be at most {MaxCellSeconds:N0} seconds (a day), not {seconds:N0}"),
        _ => seconds,
    };

    private static Argument<string[]> PathsArgument() => new("paths")
    {
        Description = "Notebook files or folders (default: the notebooks/ folder found upward from here).",
        Arity = ArgumentArity.ZeroOrMore,
    };

    // `run` and `slides` are one command: `slides` also writes each notebook's deck (kept out of `run`'s folder, which a
    // test bounds at 25 MB: a deck repeats its page's outputs) and lists them.
    private static Command RunCommand(string name, string description, bool decks)
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
        var solutions = new Option<bool>("--solutions")
        {
            Description = "The teacher's edition: keep the cells tagged 'solution' (folded and labelled on the pages). Without it the notebooks run as the students' handout does, without them, and no page shows a solution.",
        };
        var singleFile = new Option<bool>("--single-file")
        {
            Description = "Make each page self-contained (its own copy of plotly.js, KaTeX and highlight.js, one file to send on its own) instead of sharing one copy in <out>/assets.",
        };
        var command = new Command(name, description)
        {
            paths, output, timeout, solutions, singleFile,
        };
        command.SetAction(parse =>
        {
            var seconds = CellSeconds(parse.GetValue(timeout));
            var notebooks = FindNotebooks(parse.GetValue(paths) ?? [], parse.CommandResult.Command);
            // Checked before --out is made, so that a refusal leaves no empty folder behind.
            if (!string.IsNullOrWhiteSpace(parse.GetValue(output))) NotebookRunner.CheckOutDirectory(notebooks, Path.GetFullPath(parse.GetValue(output)!));
            var outFolder = OutputFile.CheckFolder(parse.GetValue(output), "--out");
            // The cells run in a process of their own, which this one watches (all of the command line is checked first).
            if (!WatchedRun.IsWatched) return WatchedRun.Run(parse);
            var log = new PrintableWriter(Console.Out); // the real stdout (cells redirect Console.Out while they run); cells' text shown, not obeyed
            var edition = parse.GetValue(solutions) ? PageEdition.Teacher : PageEdition.Student;
            var runner = new NotebookRunner(outFolder, TimeSpan.FromSeconds(seconds), log, edition, parse.GetValue(singleFile), decks);
            var outcomes = runner.RunAsync(notebooks).GetAwaiter().GetResult();

            if (decks)
            {
                foreach (var o in outcomes.Where(o => !o.Skipped))
                    log.WriteLine($"deck: {Path.Combine(parse.GetValue(output)!, SlideDeck.FileName(o.Name))}{(o.Passed ? "" : $" (its outputs stop at cell {o.FailedCell})")}");
            }
            var failed = outcomes.Where(o => !o.Passed).ToList();
            log.WriteLine($"{outcomes.Count - failed.Count} of {outcomes.Count} notebooks passed; {(edition == PageEdition.Teacher ? "teacher's" : "students'")} edition in {parse.GetValue(output)}");
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
        var command = new Command("clear", "Strip outputs and execution counts in place, so committed notebooks stay small "
            + "(each is written to a temporary file beside it that replaces it only when complete).")
        {
            paths,
        };
        command.SetAction(parse =>
        {
            var notebooks = NotebookPaths(parse.GetValue(paths) ?? [], parse.CommandResult.Command);
            // All are read before any is written (strictly: a byte that is not UTF-8 is refused, not written back as
            // U+FFFD): one that cannot be read stops the command with no notebook changed.
            var loaded = new List<NotebookFile>();
            foreach (var path in notebooks)
            {
                try
                {
                    loaded.Add(NotebookFile.Load(path));
                }
                catch (InvalidDataException e)
                {
                    throw new NotANotebookException($"{e.Message}; {(notebooks.Count == 1 ? "it was left as it was" : "no notebook was cleared")}", e);
                }
            }
            for (int i = 0; i < notebooks.Count; i++)
            {
                var notebook = loaded[i];
                notebook.ClearOutputs();
                try
                {
                    OutputFile.Replace(notebooks[i], notebook.Save);
                }
                catch (IOException e) when (notebooks.Count > 1)
                {
                    // The notebooks before this one stay cleared: say which those are.
                    throw new IOException($"{e.Message} (cleared before it: {(i == 0 ? "none" : string.Join(", ", notebooks.Take(i)))}; "
                                          + $"not cleared: {string.Join(", ", notebooks.Skip(i))})", e);
                }
                Console.WriteLine($"cleared {notebooks[i]}");
            }
            return 0;
        });
        return command;
    }

    private static Command HandoutCommand()
    {
        var paths = PathsArgument();
        var output = new Option<string>("--out")
        {
            Description = "Folder for the handout (notebooks, the library package, README, licences).",
            Required = true,
        };
        var solutions = new Option<bool>("--solutions")
        {
            Description = "Keep the worked solutions (cells tagged \"solution\"); by default they are deleted.",
        };
        var command = new Command("handout", "Write the student handout: a folder to zip and give to a class, which runs anywhere with only the .NET SDK.")
        {
            paths, output, solutions,
        };
        command.SetAction(parse =>
        {
            var notebooks = FindNotebooks(parse.GetValue(paths) ?? [], parse.CommandResult.Command);
            var root = FindUpward("NeuralNetworks.slnx", AppContext.BaseDirectory) ?? FindUpward("NeuralNetworks.slnx", Directory.GetCurrentDirectory())
                       ?? throw new UsageException("the handout is made from the repository (it takes LICENSE and artifacts/package from it): run this command inside it");
            var outDirectory = Path.GetFullPath(parse.GetValue(output)!);
            Handout.Result result;
            try
            {
                result = Handout.Write(notebooks, outDirectory, Path.GetDirectoryName(root)!, parse.GetValue(solutions));
            }
            catch (Exception e) when (e is InvalidDataException or FileNotFoundException)
            {
                throw new UsageException(e.Message);
            }
            Console.WriteLine($"wrote {result.Notebooks.Count} notebook{(result.Notebooks.Count == 1 ? "" : "s")}, the {Handout.PackageId} {result.PackageVersion} package and {result.Dependencies} it uses to {outDirectory}"
                              + (parse.GetValue(solutions) ? " (solutions kept)" : $" ({result.SolutionsRemoved} solution cells removed)"));
            if (result.Dependencies == 0)
                Console.Error.WriteLine("warning: none of the packages the course library uses was found (src/NeuralNetworks/obj/project.assets.json "
                                        + "is written by a build: run `dotnet build NeuralNetworks.slnx -c Release` first); without them a student's "
                                        + "`dotnet restore install-package.proj` fetches them from nuget.org, so it needs the internet.");
            return 0;
        });
        return command;
    }

    /// <summary>
    /// The notebooks named by <paramref name="paths"/>: files as given, folders as their *.ipynb sorted by name;
    /// no paths means the notebooks/ folder found upward from the current directory. A path that does not
    /// exist is a usage error; a file that is not a notebook gives the <see cref="InvalidDataException"/> of
    /// <see cref="NotebookFile.Load(string)"/> (bad data).
    /// </summary>
    public static IReadOnlyList<string> FindNotebooks(IReadOnlyList<string> paths, Command? command = null)
    {
        var notebooks = NotebookPaths(paths, command);
        foreach (var notebook in notebooks)
        {
            NotebookFile file;
            try
            {
                file = NotebookFile.Load(notebook); // a file that is not a notebook stops the command now (bad data, exit 1), not halfway
            }
            catch (InvalidDataException e)
            {
                throw new NotANotebookException(e.Message, e);
            }
            // Its cells would run as C# and fail one by one with compile errors: say what the notebook is instead.
            if (file.ForeignLanguage is { } language)
                throw new ForeignNotebookException($"{notebook} is a {language} notebook (so its metadata says): these commands run "
                                                   + ".NET Interactive notebooks, in C#");
        }
        return notebooks;
    }

    /// <summary>The full paths of the files <see cref="FindNotebooks"/> names, without reading them.</summary>
    /// <remarks>The paths argument takes any word, so an option the command does not have arrives here as a path: it is
    /// named as an unknown option, with the command's closest option when one is close.</remarks>
    private static IReadOnlyList<string> NotebookPaths(IReadOnlyList<string> paths, Command? command)
    {
        if (paths.Count == 0)
        {
            var folder = FindUpward("notebooks", Directory.GetCurrentDirectory())
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
            else if (path.StartsWith('-'))
                throw new UsageException($"unknown option '{path}'" + CloseOption(path, command));
            else
                throw new UsageException($"no such notebook or folder: {path}");
        }
        if (notebooks.Count == 0) throw new UsageException($"no .ipynb files in {string.Join(", ", paths)}");
        return notebooks.Select(Path.GetFullPath).Distinct().ToList();
    }

    private static string CloseOption(string typed, Command? command)
    {
        var options = command?.Options.SelectMany(o => o.Aliases.Prepend(o.Name)).Where(o => o.StartsWith("--", StringComparison.Ordinal)).ToList() ?? [];
        string suggestion = NeuralNetworks.Cli.Cli.Suggest(typed, options, "options");
        return suggestion.StartsWith("; did you mean", StringComparison.Ordinal) ? suggestion : "; notebooks and folders are given as paths";
    }

    private static string? FindUpward(string name, string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, name);
            if (Directory.Exists(candidate) || File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
