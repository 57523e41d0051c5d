using System.CommandLine;
using System.Diagnostics;
using System.Text;

namespace NeuralNetworks.Cli.Notebooks;

/// <summary>
/// `notebooks run` and `slides` run their cells in one process of their own, watched by this one: a cell that overflows
/// the stack (a function that calls itself without end) or calls <c>Environment.Exit</c> ends that process, which no code
/// in it can report, so this parent does — one line naming the notebook and the last cell that ran, instead of the
/// runtime's 78 lines of .NET stack or a silent exit code (found by a hostile user's audit, 2026-12-06). A run that ends
/// as runs end passes its output and exit code through unchanged.
/// </summary>
internal static class WatchedRun
{
    /// <summary>Set in the watched process: it runs the notebooks itself.</summary>
    public const string Variable = "NEURALNETWORKS_WATCHED_RUN";

    /// <summary>Whether this process is the watched one (or a run that must not start another process).</summary>
    public static bool IsWatched => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 };

    /// <summary>Runs this command line again in a watched child process and reports how it ended.</summary>
    public static int Run(ParseResult parse) => Cli.UntilCtrlC(cancel => Run(parse, cancel));

    private static int Run(ParseResult parse, CancellationToken cancel)
    {
        var self = Cli.SelfCommand();
        var info = new ProcessStartInfo(self[0])
        {
            WorkingDirectory = Environment.CurrentDirectory, RedirectStandardOutput = true, RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8, StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in self.Skip(1).Concat(parse.Tokens.Select(t => t.Value))) info.ArgumentList.Add(a);
        info.Environment[Variable] = "1";
        using var process = Process.Start(info)!;
        // Ctrl+C reaches both processes from a terminal; a signal sent to this one alone must stop the run too.
        using var stop = cancel.Register(() =>
        {
            try { process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { }   // it has ended already
        });
        var error = process.StandardError.ReadToEndAsync();
        string? last = null, notebook = null, summary = null;
        while (process.StandardOutput.ReadLine() is { } line)
        {
            Console.Out.WriteLine(line);   // live: the run's progress, as it comes
            if (line.StartsWith('[') && line.IndexOf(']') is > 1 and var end)
            {
                var name = line[1..end];
                if (name != notebook) (notebook, last) = (name, null);
                if (line[(end + 1)..].TrimStart() is var rest && rest.StartsWith("cell ", StringComparison.Ordinal)) last = rest.Split(' ')[1].Split('/')[0];
            }
            if (line.Contains(" notebooks passed; ", StringComparison.Ordinal)) summary = line;
        }
        process.WaitForExit();
        var stderr = error.Result;
        int code = process.ExitCode;
        if (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine("error: cancelled; the pages of the notebooks that had finished are in --out.");
            return Cli.Cancelled;
        }
        // Ended as a run ends: its summary printed (every exit code), or stopped by the command line (2) or Ctrl+C (130).
        if (summary is not null || code is Cli.UsageError or Cli.Cancelled)
        {
            Console.Error.Write(stderr);
            return code;
        }
        string where = notebook is null ? "before any notebook ran" : $"{notebook}.ipynb, in the first code cell after {(last is null ? "its start" : $"cell {last}")}";
        string why = stderr.Contains("Stack overflow", StringComparison.Ordinal)
            ? "a stack overflow: does a function call itself without end?"
            : $"the process ended with exit code {code} (Environment.Exit in a cell?)";
        Console.Error.WriteLine($"error: {where}: {why} Nothing after it ran; the pages of the notebooks before it are in --out.");
        return NotebooksCommand.NotebookFailed;
    }
}
