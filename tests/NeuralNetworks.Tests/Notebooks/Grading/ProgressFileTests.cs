using NeuralNetworks.Notebooks.Grading;

namespace NeuralNetworks.Tests.Notebooks.Grading;

/// <summary>How the grader reads back a worker's progress file (<see cref="Attempt.Read"/>).</summary>
public sealed class ProgressFileTests : IDisposable
{
    private readonly string file = Path.Combine(Path.GetTempPath(), $"nn-progress-{Guid.NewGuid():N}.jsonl");

    public void Dispose() => File.Delete(file);

    private Attempt Read(int? exitCode, params string[] lines)
    {
        File.WriteAllLines(file, lines);
        return Attempt.Read(file, exitCode, "log");
    }

    private const string Result = """{"exercise":"Exercise 1 (k1)","outcome":"Failed","message":"✗ k1: expected 567, actual 140"}""";

    [Fact]
    public void A_finished_run_has_every_cell_with_its_error_printed_text_and_results()
    {
        var attempt = Read(0,
            """{"event":"start","cell":1}""",
            """{"event":"end","cell":1,"error":null,"errorName":null,"printed":"hi\n","results":[]}""",
            """{"event":"start","cell":4}""",
            $$"""{"event":"end","cell":4,"error":"✗ k1: expected 567","errorName":"CheckFailedException","printed":"✗ k1\n","results":[{{Result}}]}""",
            """{"event":"done"}""");

        Assert.Equal(AttemptEnd.Finished, attempt.End);
        Assert.Null(attempt.FaultCell);
        Assert.Equal([1, 4], attempt.Cells.Keys.Order());
        Assert.Equal("hi\n", attempt.Cells[1].Printed);
        Assert.Equal("CheckFailedException", attempt.Cells[4].ErrorName);
        var result = Assert.Single(attempt.Cells[4].Results);
        Assert.Equal(("Exercise 1 (k1)", NeuralNetworks.Course.ExerciseOutcome.Failed), (result.Exercise, result.Outcome));
    }

    [Fact]
    public void A_run_the_grader_ended_timed_out_in_the_cell_that_had_started()
    {
        var attempt = Read(null, """{"event":"start","cell":1}""", """{"event":"end","cell":1,"printed":"","results":[]}""", """{"event":"start","cell":3}""");

        Assert.Equal((AttemptEnd.TimedOut, (int?)3), (attempt.End, attempt.FaultCell));
    }

    [Fact]
    public void A_worker_that_stopped_a_cell_itself_says_which()
    {
        Assert.Equal((AttemptEnd.TimedOut, (int?)5), (Read(3, """{"event":"start","cell":5}""", """{"event":"timeout","cell":5}""") is var t ? (t.End, t.FaultCell) : default));
        Assert.Equal((AttemptEnd.OutOfMemory, (int?)5), (Read(4, """{"event":"start","cell":5}""", """{"event":"outOfMemory","cell":5}""") is var m ? (m.End, m.FaultCell) : default));
    }

    [Fact]
    public void A_process_that_exited_in_a_cell_ended_there_and_a_torn_last_line_is_skipped()
    {
        var attempt = Read(0, """{"event":"start","cell":1}""", """{"event":"end","cell":1,"printed":"","results":[]}""", """{"event":"start","cell":7}""", """{"event":"end","ce""");

        Assert.Equal((AttemptEnd.ProcessEnded, (int?)7, (int?)0), (attempt.End, attempt.FaultCell, attempt.ExitCode));
        Assert.Equal("log", attempt.Log);
    }

    [Fact]
    public void A_worker_that_wrote_nothing_never_started()
    {
        Assert.Equal(AttemptEnd.NeverStarted, Read(1).End);
        Assert.Equal(AttemptEnd.NeverStarted, Attempt.Read(file + ".missing", 1, "").End);
    }
}
