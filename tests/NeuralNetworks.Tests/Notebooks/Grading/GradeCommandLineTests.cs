using NeuralNetworks.Tests.Cli;

namespace NeuralNetworks.Tests.Notebooks.Grading;

/// <summary>Bad command lines for <c>notebooks grade</c> and <c>notebooks doctor</c>: exit code 2 and one line naming the problem, before any kernel starts.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class GradeCommandLineTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("nn-grade-command-lines-").FullName;

    public void Dispose()
    {
        Directory.Delete(folder, recursive: true);
        if (Directory.Exists(folder + "-out")) Directory.Delete(folder + "-out", recursive: true);
    }

    private (int ExitCode, string Output, string Error) Run(string commandLine) =>
        CommandLine.Run(NeuralNetworks.Cli.Cli.CreateRoot(), commandLine.Replace("{folder}", folder).Split(' ', StringSplitOptions.RemoveEmptyEntries));

    [Theory]
    [InlineData("notebooks grade --out {folder}/out", "give the folder of submissions")]
    [InlineData("notebooks grade /no/such/submissions --out {folder}/out", "no such folder: /no/such/submissions")]
    [InlineData("notebooks grade {folder}", "--out is required")]
    [InlineData("notebooks grade {folder} --out {folder}/graded", "must not contain one another")]
    [InlineData("notebooks grade {folder} --out {folder}-out --timeout 0", "--timeout must be a positive number of seconds, not 0")]
    [InlineData("notebooks grade {folder} --out {folder}-out --memory 100", "--memory must be at least 256 MB")]
    [InlineData("notebooks grade {folder} --out {folder}-out --parallel 0", "--parallel must be at least 1, not 0")]
    [InlineData("notebooks grade {folder} --out {folder}-out --course /no/such.ipynb", "no such notebook or folder: /no/such.ipynb")]
    [InlineData("notebooks grade {folder} --out {folder}-out --timout 5", "unknown option '--timout' for 'notebooks grade'; did you mean '--timeout'?")]
    [InlineData("notebooks doctor --folder /no/such/folder", "--folder /no/such/folder: no such folder")]
    public void A_bad_command_line_gets_exit_code_2_and_one_line_naming_the_problem(string commandLine, string message)
    {
        var (exitCode, output, error) = Run(commandLine);

        Assert.True(exitCode == 2, $"exit {exitCode}\n{output}\n{error}");
        Assert.Contains(message, error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void A_folder_without_submissions_or_without_course_notebooks_is_a_usage_error()
    {
        File.WriteAllText(Path.Combine(folder, "readme.txt"), "no notebooks here");
        var outFolder = Path.Combine(Path.GetTempPath(), $"nn-grade-out-{Guid.NewGuid():N}");
        try
        {
            var empty = Run($"notebooks grade {{folder}} --out {outFolder}");
            Directory.CreateDirectory(Path.Combine(folder, "ada"));
            File.WriteAllText(Path.Combine(folder, "ada", "my-own.ipynb"), "{\"cells\": []}");
            var unknown = Run($"notebooks grade {{folder}} --out {outFolder}");

            Assert.Equal(2, empty.ExitCode);
            Assert.Contains("holds no submissions", empty.Error);
            Assert.Equal(2, unknown.ExitCode);
            Assert.Contains("no submission in", unknown.Error);
            Assert.Contains("holds a course notebook (00-setup-check.ipynb", unknown.Error);
            Assert.False(Directory.Exists(outFolder));   // the folder made for the grades goes when nothing was graded
        }
        finally
        {
            if (Directory.Exists(outFolder)) Directory.Delete(outFolder, recursive: true);
        }
    }

    [Fact]
    public void The_doctor_outside_the_course_says_so()
    {
        var (exitCode, output, _) = Run("notebooks doctor --folder {folder}");

        Assert.Equal(2, exitCode);
        Assert.Contains($"{folder} is not in the course", output);
    }
}
