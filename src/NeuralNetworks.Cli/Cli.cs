using NeuralNetworks.Model;
using System.CommandLine;
using System.CommandLine.Parsing;
using NeuralNetworks.Training;

namespace NeuralNetworks.Cli;

/// <summary>
/// The one error boundary of every command: a command line that cannot be understood, bad data, a run that
/// fails, and any exception a command lets out become one line on stderr and an exit code; no stack trace
/// reaches the user.
/// </summary>
public static class Cli
{
    /// <summary>Exit code of a command that did what it was asked.</summary>
    public const int Done = 0;

    /// <summary>Exit code of a run that failed: bad data, divergence, a file that could not be written, a notebook that failed.</summary>
    public const int RunFailed = 1;

    /// <summary>Exit code for a command line that could not be understood or asks for something impossible.</summary>
    public const int UsageError = 2;

    /// <summary>Exit code when the user pressed Ctrl+C, as shells report SIGINT.</summary>
    public const int Cancelled = 130;

    /// <summary>The exit codes, as --help and the README state them.</summary>
    public const string ExitCodes =
        "Exit codes: 0 done; 1 the run failed (bad data, training diverged, a file could not be written); " +
        "2 the command line is wrong; 130 cancelled with Ctrl+C.";

    /// <summary>The root command with every command: the same for the program and the tests.</summary>
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("Train, measure and explore the 3Blue1Brown digit network; run and export the notebooks.\n" +
                                   "Numbers take a decimal point (0.5), whatever the language settings.\n" + ExitCodes);
        root.Subcommands.Add(TrainCommand.Create());
#if NATIVE_TOOL
        root.Subcommands.Add(NativeTool.NotebooksCommand());
#else
        root.Subcommands.Add(Notebooks.NotebooksCommand.Create());
#endif
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(SweepCommand.Create());
        return root;
    }

    /// <summary>
    /// Runs <paramref name="run"/> with a token the first Ctrl+C cancels (a command stops its work then and returns
    /// <see cref="Cancelled"/>); a second Ctrl+C, while the first is being handled, ends the process as usual.
    /// </summary>
    public static int UntilCtrlC(Func<CancellationToken, int> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (cancellation.IsCancellationRequested) return;
            e.Cancel = true;
            cancellation.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return run(cancellation.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>Parses and runs <paramref name="args"/>: a parse error prints one line to stderr and returns 2;
    /// whatever the command throws is turned into one line and an exit code by <see cref="Report"/>.</summary>
    public static int Run(RootCommand root, string[] args)
    {
        try
        {
            var result = root.Parse(args);
            if (result.Errors.Count > 0)
            {
                Console.Error.WriteLine($"error: {ParseProblem(result)} (see --help)");
                return UsageError;
            }
            // Our handler below turns exceptions into one line; the default one would print a stack trace.
            return result.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            return Report(e, Console.Error);
        }
    }

    /// <summary>Writes one line for <paramref name="e"/> to <paramref name="error"/> and returns the exit code it stands for.</summary>
    public static int Report(Exception e, TextWriter error)
    {
        while (e is AggregateException { InnerExceptions.Count: 1 } aggregate) e = aggregate.InnerExceptions[0];
        while (e is System.Reflection.TargetInvocationException { InnerException: { } inner }) e = inner;
        (int code, string line) = e switch
        {
            UsageException => (UsageError, $"{e.Message} (see --help)"),   // as a parse error says it
            ChildProcessException child => (child.ExitCode, child.Message),
            // A missing data file or folder: the command line (--data) points at the wrong place.
            FileNotFoundException or DirectoryNotFoundException => (UsageError, e.Message.Replace(
                "pass the folder, e.g. Mnist.Load(\"/path/to/data/mnist\")", "give the folder with --data DIR", StringComparison.Ordinal)),
            NotANotebookException => (RunFailed, $"could not read the notebook: {e.Message}"),
            ForeignNotebookException => (RunFailed, e.Message),
            InvalidDataException => (RunFailed, $"could not read the data: {e.Message}"),
            TrainingDivergedException => (RunFailed, $"{e.Message} Nothing was saved."),
            OperationCanceledException => (Cancelled, "cancelled; nothing was saved."),
            UnauthorizedAccessException or IOException => (RunFailed, e.Message),
            // The library refused a value the command passed on: an option the command line gave.
            ArgumentException a => (UsageError, ErrorText.WithoutParameterName(a)),
            OutOfMemoryException => (RunFailed, "ran out of memory; try a smaller network or data set."),
            _ => (RunFailed, $"unexpected {e.GetType().Name}: {e.Message} (a bug: please report it with the command line)"),
        };
        error.WriteLine($"error: {OneLine(line)}");
        return code;
    }

    /// <summary>This tool as a child process (bench's train runs, the watched notebook run, grading's workers): its own executable, or <c>dotnet exec</c> of its assembly when hosted by dotnet.</summary>
    internal static string[] SelfCommand() => SelfCommand(Environment.ProcessPath);

    /// <summary><see cref="SelfCommand()"/> for a process started as <paramref name="processPath"/>.</summary>
    public static string[] SelfCommand(string? processPath)
    {
        var self = processPath ?? "dotnet";
        // The file name whole: without its extension "NeuralNetworks.Cli" is "NeuralNetworks" (".Cli" reads as one).
        if (Path.GetFileName(self) is "NeuralNetworks.Cli" or "NeuralNetworks.Cli.exe") return [self];
        var dotnet = Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        return [dotnet, "exec", typeof(Cli).Assembly.Location];
    }

    /// <summary>The first problem of a failed parse, in words that name the bad token and suggest a valid one.</summary>
    internal static string ParseProblem(ParseResult result)
    {
        var command = result.CommandResult.Command;
        if (result.UnmatchedTokens.Count > 0)
        {
            string token = result.UnmatchedTokens[0];
            string where = command is RootCommand ? "" : $" for '{CommandPath(result)}'";
            if (token.StartsWith('-'))
            {
                var options = command.Options.Concat(Ancestors(result).SelectMany(c => c.Options.Where(o => o.Recursive)))
                    .SelectMany(o => o.Aliases.Prepend(o.Name)).Distinct().ToList();
                return $"unknown option '{token}'{where}" + Suggest(token, options, "options");
            }
            var subcommands = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
            if (subcommands.Count > 0) return $"unknown command '{token}'{where}" + Suggest(token, subcommands, "commands");
            return $"unexpected argument '{token}'{where}; options start with --";
        }
        // A command that only groups others (it has subcommands and no action of its own) was given without one.
        if (command.Subcommands.Count > 0 && command.Action is null && result.Errors.Any(e => e.SymbolResult is CommandResult r && r.Command == command))
            return $"no command given{(command is RootCommand ? "" : $" after '{CommandPath(result)}'")}; choose one of: {string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}";
        return result.Errors[0].Message.TrimEnd('.');
    }

    private static IEnumerable<Command> Ancestors(ParseResult result)
    {
        for (var r = result.CommandResult.Parent as CommandResult; r is not null; r = r.Parent as CommandResult)
            yield return r.Command;
    }

    private static string CommandPath(ParseResult result) =>
        string.Join(" ", Ancestors(result).Reverse().Skip(1).Append(result.CommandResult.Command).Select(c => c.Name));

    /// <summary>"; did you mean '--epochs'?" for the closest valid word, else the list of valid ones.</summary>
    internal static string Suggest(string typed, IReadOnlyList<string> valid, string kind)
    {
        var best = valid.Select(v => (Word: v, Distance: EditDistance(typed.ToLowerInvariant(), v.ToLowerInvariant())))
            .OrderBy(x => x.Distance).FirstOrDefault();
        if (best.Word is not null && best.Distance <= Math.Max(2, best.Word.Length / 3))
            return $"; did you mean '{best.Word}'?";
        return valid.Count == 0 ? "" : $"; the {kind} are {string.Join(", ", valid)}";
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours each cost 1.</summary>
    internal static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }

    /// <summary>Joins the lines of a message into one.</summary>
    internal static string OneLine(string message) =>
        string.Join(" ", message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

}
