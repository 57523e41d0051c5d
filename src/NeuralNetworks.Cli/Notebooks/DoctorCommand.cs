using System.CommandLine;
using NeuralNetworks.Notebooks.Doctor;

namespace NeuralNetworks.Cli.Notebooks;

/// <summary>
/// <c>notebooks doctor [--fix]</c>: checks, line by line, what opening the notebooks needs on this machine
/// (<see cref="CourseDoctor"/>: the same checks a handout runs as <c>dotnet run --file doctor.cs</c>).
/// </summary>
public static class DoctorCommand
{
    /// <summary>How the README runs the doctor's repairs from the repository.</summary>
    public const string FixCommand = "dotnet run --project src/NeuralNetworks.Cli -c Release -- notebooks doctor --fix";

    /// <summary>Builds the <c>doctor</c> command.</summary>
    public static Command Create()
    {
        var fix = new Option<bool>("--fix")
        {
            Description = "Make the safe repairs (restore the kernel tool, create Jupyter's kernels folder, register the C# kernel for localhost only, build the package), then check again.",
        };
        var folder = new Option<string?>("--folder")
        {
            Description = "The repository or handout to check (default: the one holding the current folder).",
        };
        var command = new Command("doctor", "Check what opening the notebooks needs on this machine: ✓, or ✗ with the command that mends it; exit code 0 only when every line is ✓.")
        {
            fix, folder,
        };
        command.SetAction(parse =>
        {
            var start = parse.GetValue(folder);
            if (start is not null && !Directory.Exists(start)) throw new UsageException($"--folder {start}: no such folder");
            // Run from elsewhere, a command line built inside the repository still knows it. One installed elsewhere does not:
            // then the teacher is told about the folder they are in, not the one the command line was installed in.
            var here = Directory.GetCurrentDirectory();
            start ??= new[] { here, AppContext.BaseDirectory }.FirstOrDefault(CourseDoctor.FindsCourse)
                      ?? throw new UsageException($"{here} is not in the course: run the doctor in the repository (the folder holding NeuralNetworks.slnx) "
                                                  + "or in a handout's folder (it holds install-package.proj), or name one with --folder PATH");
            var code = CourseDoctor.Run(new DoctorOptions(Path.GetFullPath(start), parse.GetValue(fix), FixCommand), Console.Out);
            return code == 2 ? Cli.UsageError : code;
        });
        return command;
    }
}
