using System.CommandLine;
using NeuralNetworks.Notebooks;

namespace NeuralNetworks.Cli.Notebooks;

/// <summary>
/// <c>notebooks slides [paths] [--out DIR]</c>: runs the notebooks as <c>notebooks run</c> does (<see cref="NotebookRunner"/>,
/// into the same folder, so the home page links the decks) and names the offline slide deck it wrote for each,
/// <c>&lt;out&gt;/&lt;name&gt;.slides.html</c> (<see cref="SlideDeck"/>).
/// </summary>
public static class SlidesCommand
{
    /// <summary>Builds the <c>slides</c> command.</summary>
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths")
        {
            Description = "Notebook files or folders (default: the notebooks/ folder found upward from here).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var output = new Option<string>("--out")
        {
            Description = "Folder for the decks, beside the pages and index.html that `notebooks run` writes there.",
            DefaultValueFactory = _ => Path.Combine("artifacts", "notebooks"),
        };
        var timeout = new Option<int>("--timeout")
        {
            Description = "Time limit for one cell, in seconds.",
            DefaultValueFactory = _ => 600,
        };
        var command = new Command("slides", "Run notebooks and write each as an offline slide deck for a projector, <out>/<name>.slides.html "
                                            + "(arrow keys, space or a click move on; <name>.slides.html#N opens slide N).")
        {
            paths, output, timeout,
        };
        command.SetAction(parse =>
        {
            var seconds = parse.GetValue(timeout);
            if (seconds <= 0) throw new UsageException($"--timeout must be a positive number of seconds, not {seconds}");
            var notebooks = NotebooksCommand.FindNotebooks(parse.GetValue(paths) ?? []);
            var folder = OutputFile.CheckFolder(parse.GetValue(output), "--out");
            var log = Console.Out; // the real stdout: cells redirect Console.Out while they run
            var runner = new NotebookRunner(folder, TimeSpan.FromSeconds(seconds), log);
            var outcomes = runner.RunAsync(notebooks).GetAwaiter().GetResult();

            foreach (var o in outcomes.Where(o => !o.Skipped))
                log.WriteLine($"deck: {Path.Combine(folder, SlideDeck.FileName(o.Name))}{(o.Passed ? "" : $" (its outputs stop at cell {o.FailedCell})")}");
            foreach (var o in outcomes.Where(o => !o.Passed))
                Console.Error.WriteLine(o.Skipped
                    ? $"error: {o.Name}.ipynb was not run, so it has no deck (an earlier cell ran past its time limit)"
                    : $"error: {o.Name}.ipynb cell {o.FailedCell}: {NotebookRunner.FirstLine(o.Error)}");
            var exitCode = outcomes.All(o => o.Passed) ? Cli.Done : NotebooksCommand.NotebookFailed;
            if (!runner.AbandonedKernel) return exitCode;
            // A cell that ignored cancellation is still running on some thread: end the process now.
            log.Flush();
            Console.Error.Flush();
            Environment.Exit(exitCode);
            return exitCode;
        });
        return command;
    }
}
