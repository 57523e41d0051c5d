using System.Diagnostics;

namespace NeuralNetworks.Tests.Notebooks;

/// <summary>What one run of the CLI printed and returned.</summary>
public sealed record CliResult(int ExitCode, string StdOut, string StdErr, TimeSpan Elapsed)
{
    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:0.0}s\n--- stdout\n{StdOut}\n--- stderr\n{StdErr}";
}

/// <summary>
/// Runs the real CLI (NeuralNetworks.Cli.dll, copied next to the tests) in its own process: the runner changes
/// the working directory and, after a time-out, ends its process — neither may happen to the test host.
/// </summary>
public static class NotebookCli
{
    public static string TestData(string name = "") => Path.Combine(AppContext.BaseDirectory, "Notebooks", "TestData", name);

    public static string NewTempDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "nn-notebooks-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static CliResult Run(TimeSpan limit, params string[] args) => Run(limit, null, args);

    /// <summary>Runs the CLI with <paramref name="environment"/> changed (a null value removes the variable).</summary>
    public static CliResult Run(TimeSpan limit, IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        if (args is ["notebooks", "run" or "grade" or "slides" or "doctor", ..])
            Requires.Trait(Category.Notebooks, $"starts a notebook kernel (notebooks {args[1]})");
        return Run(limit, environment, AppContext.BaseDirectory, AppContext.BaseDirectory, args);
    }

    /// <summary>
    /// Runs a copy of the CLI made in <paramref name="copy"/> (a folder outside the repository, as a teacher who installed
    /// the command line elsewhere has it), in <paramref name="workingDirectory"/>. The caller makes sure it starts no kernel.
    /// </summary>
    public static CliResult RunCopy(string copy, string workingDirectory, TimeSpan limit, params string[] args)
    {
        foreach (var file in Directory.GetFiles(AppContext.BaseDirectory, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(AppContext.BaseDirectory, file));
            if (File.Exists(target)) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return Run(limit, null, copy, workingDirectory, args);
    }

    private static CliResult Run(TimeSpan limit, IReadOnlyDictionary<string, string?>? environment, string cliFolder, string workingDirectory, string[] args)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet")
        {
            WorkingDirectory = workingDirectory,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) start.Environment.Remove(key);
            else start.Environment[key] = value;
        }
        start.ArgumentList.Add(Path.Combine(cliFolder, "NeuralNetworks.Cli.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);

        var run = ChildProcess.Run(start, limit);
        Assert.False(run.TimedOut, $"the CLI did not finish within {limit.TotalSeconds} s: {string.Join(' ', args)}");
        return new CliResult(run.ExitCode, run.Stdout, run.Stderr, run.Elapsed);
    }
}
