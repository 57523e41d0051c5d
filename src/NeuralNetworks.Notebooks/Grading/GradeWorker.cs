using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using NeuralNetworks.Course;

namespace NeuralNetworks.Notebooks.Grading;

/// <summary>
/// Runs one assembled notebook (<see cref="CourseNotebook.Assemble"/>) in this process, in a kernel of its own, and
/// writes what each cell did as JSON lines to a progress file — the grader's child process. It runs on after a cell
/// that fails; an answer cell that fails is followed by the course's unanswered cell, so the variables it declares
/// exist for the cells after it. While a check cell runs, <see cref="Check.ResultsVariable"/> names a file of its own, so
/// a result counts only when the check cell itself recorded it (an answer cell that calls <c>Check.Answer</c> records
/// nothing that counts).
/// </summary>
/// <remarks>
/// Lines written: <c>{"event":"start","cell":i}</c> before cell i (0-based) runs; <c>{"event":"end","cell":i,"error":…,
/// "errorName":…,"printed":…,"results":[…]}</c> after it; <c>{"event":"timeout","cell":i}</c> when it ran past the time
/// limit and <c>{"event":"outOfMemory","cell":i}</c> when it ran out of memory (both end the run: the kernel cannot be
/// trusted after either); <c>{"event":"done"}</c> at the end.
/// </remarks>
public static class GradeWorker
{
    /// <summary>Exit code when every cell ran (whatever their results).</summary>
    public const int Finished = 0;

    /// <summary>Exit code when a cell ran past the time limit (the process must end at once: the cell may still run).</summary>
    public const int TimedOut = 3;

    /// <summary>Exit code when a cell ran out of memory.</summary>
    public const int OutOfMemory = 4;

    /// <summary>Most characters of a cell's printed output kept for the feedback page.</summary>
    public const int MaxPrinted = 8000;

    /// <summary>Runs <paramref name="notebookPath"/>; returns <see cref="Finished"/>, <see cref="TimedOut"/> or <see cref="OutOfMemory"/>.</summary>
    /// <param name="notebookPath">The assembled notebook; its folder is the kernel's working directory.</param>
    /// <param name="progressPath">The JSON-lines file to append to.</param>
    /// <param name="limit">Time for the whole notebook, kernel start included.</param>
    public static async Task<int> RunAsync(string notebookPath, string progressPath, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        var notebook = NotebookFile.Load(notebookPath);
        var folder = Path.GetDirectoryName(Path.GetFullPath(notebookPath))!;
        Directory.SetCurrentDirectory(folder);
        Environment.SetEnvironmentVariable(Check.ResultsVariable, null);
        using var progress = new StreamWriter(new FileStream(progressPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false)) { AutoFlush = true };
        var kernel = new NotebookKernel();
        var cells = notebook.Cells;
        for (var i = 0; i < cells.Count; i++)
        {
            var cell = cells[i];
            var code = NotebookFile.Source(cell);
            if (NotebookFile.CellType(cell) != "code" || string.IsNullOrWhiteSpace(code)) continue;
            var role = (string?)cell["metadata"]?[CourseNotebook.GradingKey]?["role"];
            Write(progress, new JsonObject { ["event"] = "start", ["cell"] = i });

            var resultsFile = role == "check" ? Path.Combine(folder, $"results-cell-{i + 1}-{Guid.NewGuid():N}.jsonl") : null;
            Environment.SetEnvironmentVariable(Check.ResultsVariable, resultsFile);
            CellResult result;
            try
            {
                result = await kernel.RunCellAsync(code, NotebookFile.KernelName(cell), Remaining(limit, clock));
            }
            finally
            {
                Environment.SetEnvironmentVariable(Check.ResultsVariable, null);
            }
            if (result.TimedOut)
            {
                Write(progress, new JsonObject { ["event"] = "timeout", ["cell"] = i });
                return TimedOut;
            }

            var errorName = result.Outputs.OfType<JsonObject>().LastOrDefault(o => (string?)o["output_type"] == "error")?["ename"]?.GetValue<string>();
            Write(progress, new JsonObject
            {
                ["event"] = "end",
                ["cell"] = i,
                ["error"] = result.Error,
                ["errorName"] = errorName,
                ["printed"] = Printed(result.Outputs),
                ["results"] = new JsonArray(ReadResults(resultsFile).Select(r => (JsonNode?)JsonNode.Parse(r.ToJson())).ToArray()),
            });
            if (errorName == nameof(OutOfMemoryException))
            {
                Write(progress, new JsonObject { ["event"] = "outOfMemory", ["cell"] = i });
                return OutOfMemory;
            }

            // A failed answer: run the course's unanswered cell, so its variables exist (as null) for the cells after it.
            if (role == "answer" && result.Error is not null
                && (string?)cell["metadata"]?[CourseNotebook.GradingKey]?["unanswered"] is { } unanswered)
            {
                var reset = await kernel.RunCellAsync(unanswered, NotebookFile.KernelName(cell), Remaining(limit, clock));
                if (reset.TimedOut)
                {
                    Write(progress, new JsonObject { ["event"] = "timeout", ["cell"] = i });
                    return TimedOut;
                }
            }
        }
        Write(progress, new JsonObject { ["event"] = "done" });
        // No kernel.Dispose(): the process ends right after this, and disposing took seconds.
        return Finished;
    }

    private static TimeSpan Remaining(TimeSpan limit, Stopwatch clock) =>
        limit - clock.Elapsed is var left && left > TimeSpan.FromMilliseconds(100) ? left : TimeSpan.FromMilliseconds(100);

    private static void Write(StreamWriter progress, JsonObject line) => progress.WriteLine(line.ToJsonString());

    // The results a check cell recorded; the file is deleted once read (the progress file keeps them).
    private static IReadOnlyList<ExerciseResult> ReadResults(string? file)
    {
        if (file is null || !File.Exists(file)) return [];
        var results = new List<ExerciseResult>();
        foreach (var line in File.ReadAllLines(file).Where(l => l.Length > 0))
        {
            try { results.Add(ExerciseResult.FromJson(line)); }
            catch (System.Text.Json.JsonException) { /* not a result Check.Answer wrote: ignored */ }
        }
        File.Delete(file);
        return results;
    }

    private static string? PlainText(JsonObject output) =>
        output["data"] is JsonObject data && data["text/plain"] is { } plain ? NotebookFile.MultilineText(plain) : null;

    private static string Printed(JsonArray outputs)
    {
        var text = new StringBuilder();
        foreach (var output in outputs.OfType<JsonObject>())
        {
            switch ((string?)output["output_type"])
            {
                case "stream":
                    text.Append(NotebookFile.MultilineText(output["text"]));
                    break;
                case "error":
                    text.Append((string?)output["ename"]).Append(": ").Append((string?)output["evalue"]).Append('\n');
                    break;
                case "display_data" or "execute_result" when PlainText(output) is { } plain:
                    text.Append(plain).Append('\n');
                    break;
            }
            if (text.Length > MaxPrinted) break;
        }
        return text.Length > MaxPrinted ? text.ToString(0, MaxPrinted) + "\n…" : text.ToString();
    }
}
