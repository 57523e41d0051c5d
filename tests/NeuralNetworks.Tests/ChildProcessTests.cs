using System.Diagnostics;

namespace NeuralNetworks.Tests;

/// <summary><see cref="ChildProcess"/>, the one way the tests run other programs, with /bin/sh as the program.</summary>
public class ChildProcessTests
{
    private static ProcessStartInfo Shell(string script)
    {
        const string sh = "/bin/sh";
        if (!File.Exists(sh)) Requires.Missing("these tests run /bin/sh, which this machine does not have");
        return new ProcessStartInfo(sh, ["-c", script]);
    }

    [Fact]
    public void Collects_both_outputs_and_the_exit_code()
    {
        var run = ChildProcess.Run(Shell("echo out; echo err >&2; exit 3"), TimeSpan.FromMinutes(1));
        Assert.Equal((3, "out\n", "err\n", false), (run.ExitCode, run.Stdout, run.Stderr, run.TimedOut));
    }

    [Fact]
    public void A_program_that_fills_both_pipes_does_not_stall()
    {
        // A megabyte to each output: far more than a pipe holds, so reading one only after the other would hang.
        var run = ChildProcess.Run(Shell("head -c 1000000 /dev/zero | tr '\\0' a; head -c 1000000 /dev/zero | tr '\\0' b >&2"), TimeSpan.FromMinutes(1));
        Assert.False(run.TimedOut);
        Assert.Equal((1_000_000, 1_000_000), (run.Stdout.Count(c => c == 'a'), run.Stderr.Count(c => c == 'b')));
    }

    [Fact]
    public void At_its_time_limit_the_program_and_what_it_started_are_stopped()
    {
        // The shell starts a sleep of its own and waits for it; both must be gone after the limit, not only the shell.
        var run = ChildProcess.Run(Shell("sleep 60 & echo $!; wait"), TimeSpan.FromSeconds(2));
        Assert.True(run.TimedOut);
        Assert.Equal(-1, run.ExitCode);
        Assert.InRange(run.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30));
        int sleeper = int.Parse(run.Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(IsRunning(sleeper), $"the shell's child {sleeper} is still running");
    }

    /// <summary>
    /// Process <paramref name="pid"/> exists and is not a zombie (killed, its parent gone, and not yet reaped by init:
    /// it runs nothing any more). Linux's /proc, where the tests run; elsewhere, whether the process is there at all.
    /// </summary>
    private static bool IsRunning(int pid)
    {
        string stat = $"/proc/{pid}/stat";
        if (Directory.Exists("/proc"))
        {
            try
            {
                string text = File.ReadAllText(stat);
                return text[(text.LastIndexOf(')') + 2)..][0] != 'Z';   // the state follows "(name) "
            }
            catch (IOException)
            {
                return false;   // gone meanwhile
            }
        }
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;   // no such process
        }
    }
}
