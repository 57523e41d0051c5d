using System.Text.Json;
using System.Text.Json.Nodes;
using NeuralNetworks.Course;

namespace NeuralNetworks.Notebooks.Grading;

/// <summary>What one cell did in a worker's run.</summary>
/// <param name="Cell">0-based index in the assembled notebook.</param>
/// <param name="Error">The cell's error message; null when it ran without one.</param>
/// <param name="ErrorName">The exception's type name, e.g. "CheckFailedException", when there was an error.</param>
/// <param name="Printed">What it printed (stdout, stderr, the error), cut at <see cref="GradeWorker.MaxPrinted"/> characters.</param>
/// <param name="Results">The exercise results a check cell recorded (empty for other cells).</param>
public sealed record CellRun(int Cell, string? Error, string? ErrorName, string Printed, IReadOnlyList<ExerciseResult> Results);

/// <summary>How a worker's run ended.</summary>
public enum AttemptEnd
{
    /// <summary>Every cell ran.</summary>
    Finished,

    /// <summary>A cell ran past the time limit (the worker stopped, or the grader ended it).</summary>
    TimedOut,

    /// <summary>A cell ran out of memory.</summary>
    OutOfMemory,

    /// <summary>The process ended while a cell ran: <c>Environment.Exit</c>, a stack overflow, a crash.</summary>
    ProcessEnded,

    /// <summary>No cell ran: the worker could not start (the grader's problem, not the student's).</summary>
    NeverStarted,
}

/// <summary>One run of an assembled notebook in a worker process, read back from its progress file.</summary>
/// <param name="Cells">The cells that ran to their end, by index.</param>
/// <param name="End">How the run ended.</param>
/// <param name="FaultCell">The cell that was running when the run ended early, if any.</param>
/// <param name="ExitCode">The worker's exit code (null when the grader ended it).</param>
/// <param name="Log">The end of what the worker wrote to stderr (a crash's message).</param>
public sealed record Attempt(IReadOnlyDictionary<int, CellRun> Cells, AttemptEnd End, int? FaultCell, int? ExitCode, string Log)
{
    /// <summary>Reads a worker's progress file (<see cref="GradeWorker"/>).</summary>
    /// <param name="progressPath">The file; missing means nothing ran.</param>
    /// <param name="exitCode">The worker's exit code, or null when the grader ended it at the time limit.</param>
    /// <param name="log">The end of the worker's stderr.</param>
    public static Attempt Read(string progressPath, int? exitCode, string log)
    {
        var cells = new Dictionary<int, CellRun>();
        int? started = null;
        var anyStarted = false;
        AttemptEnd? end = null;
        int? fault = null;
        foreach (var line in File.Exists(progressPath) ? File.ReadAllLines(progressPath) : [])
        {
            JsonObject? record;
            try { record = JsonNode.Parse(line) as JsonObject; }
            catch (JsonException) { continue; }   // a torn last line
            if (record is null) continue;
            var cell = (int?)record["cell"];
            switch ((string?)record["event"])
            {
                case "start":
                    started = cell;
                    anyStarted = true;
                    break;
                case "end" when cell is { } i:
                    cells[i] = new CellRun(i, (string?)record["error"], (string?)record["errorName"], (string?)record["printed"] ?? "",
                        (record["results"] as JsonArray ?? []).Select(r => ExerciseResult.FromJson(r!.ToJsonString())).ToList());
                    started = null;
                    break;
                case "timeout":
                    (end, fault) = (AttemptEnd.TimedOut, cell);
                    break;
                case "outOfMemory":
                    (end, fault) = (AttemptEnd.OutOfMemory, cell);
                    break;
                case "done":
                    end ??= AttemptEnd.Finished;
                    break;
            }
        }
        if (end is null)
        {
            fault = started;
            end = exitCode is null ? AttemptEnd.TimedOut
                : anyStarted ? AttemptEnd.ProcessEnded
                : AttemptEnd.NeverStarted;
        }
        return new Attempt(cells, end.Value, fault, exitCode, log);
    }
}
