using System.Diagnostics;

namespace NeuralNetworks.Tests;

/// <summary>What a program the tests ran printed and returned.</summary>
/// <param name="ExitCode">Its exit code; −1 when it was stopped at its time limit.</param>
/// <param name="Stdout">Everything it wrote to standard output.</param>
/// <param name="Stderr">Everything it wrote to standard error.</param>
/// <param name="Elapsed">From its start to its end.</param>
/// <param name="TimedOut">It was still running at its time limit, and was stopped with every process it started.</param>
internal sealed record ChildResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed, bool TimedOut);

/// <summary>
/// The one way the tests run another program (the CLI, Chromium, jupyter, python): both outputs collected while it runs
/// (a full pipe would stall it), and at its time limit it is stopped with everything it started, so that no test leaves
/// a process behind.
/// </summary>
internal static class ChildProcess
{
    /// <summary>Runs <paramref name="start"/> (its outputs redirected here) for at most <paramref name="timeout"/>.</summary>
    public static ChildResult Run(ProcessStartInfo start, TimeSpan timeout)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        bool exited = process.WaitForExit(timeout);
        if (!exited) process.Kill(entireProcessTree: true);
        process.WaitForExit();   // and the ends of both outputs
        return new ChildResult(exited ? process.ExitCode : -1, stdout.Result, stderr.Result, watch.Elapsed, !exited);
    }
}
