using System.Text.Json.Nodes;
using NeuralNetworks.Tests.Setup;
using NeuralNetworks.Data;
using NeuralNetworks.Course;
using NeuralNetworks.Notebooks;
using NeuralNetworks.Notebooks.Grading;

namespace NeuralNetworks.Tests.Notebooks;

/// <summary>
/// <c>notebooks handout</c>: what the folder a teacher zips for a class holds. That the handout runs on a student's
/// machine is tested by CourseNotebookTests, which runs every course notebook from one.
/// </summary>
[Trait("Category", Category.Notebooks)]
public sealed class HandoutTests : IDisposable
{
    private readonly string _work = NotebookCli.NewTempDirectory();

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private static bool IsSolution(JsonNode cell) =>
        cell["metadata"]?["tags"] is JsonArray tags && tags.Any(t => (string?)t == "solution");

    private static JsonArray CellsOf(string path) => JsonNode.Parse(File.ReadAllText(path))!["cells"]!.AsArray();

    [Fact]
    public void The_handout_holds_the_notebooks_without_solutions_the_package_a_readme_and_the_licences()
    {
        var handout = Path.Combine(_work, "class");

        var run = NotebookCli.Run(TimeSpan.FromMinutes(2), "notebooks", "handout", "--out", handout);

        Assert.True(run.ExitCode == 0, run.ToString());
        var removed = 0;
        foreach (var teacher in NotebookFiles.All)
        {
            var student = Path.Combine(handout, Path.GetFileName(teacher));
            Assert.True(File.Exists(student), $"{student} is missing");
            var teacherCells = CellsOf(teacher);
            var studentCells = CellsOf(student);
            Assert.DoesNotContain(studentCells, c => IsSolution(c!));
            var kept = teacherCells.Where(c => !IsSolution(c!)).Select(c => (string?)c!["id"]).ToArray();
            Assert.Equal(kept, studentCells.Select(c => (string?)c!["id"]).ToArray());
            Assert.All(studentCells.Where(c => (string?)c!["cell_type"] == "code"), c => Assert.Empty(c!["outputs"]!.AsArray()));
            removed += teacherCells.Count - studentCells.Count;
        }
        Assert.Contains($"({removed} solution cells removed)", run.StdOut);

        foreach (var file in new[] { "README.md", "LICENSE", "LICENSE-course", "NuGet.config", "install-package.proj", "packages/NeuralNetworks.1.0.0.nupkg" })
            Assert.True(File.Exists(Path.Combine(handout, file)), $"the handout has no {file}");
        Assert.Equal(File.ReadAllBytes(Path.Combine(NotebookFiles.Root, "LICENSE-course")), File.ReadAllBytes(Path.Combine(handout, "LICENSE-course")));
        var readme = File.ReadAllText(Path.Combine(handout, "README.md"));
        Assert.Contains("dotnet restore install-package.proj", readme);
        Assert.Contains("CC BY 4.0", readme);
        Assert.Contains("<add key=\"neuralnetworks-course\" value=\"packages\" />", File.ReadAllText(Path.Combine(handout, "NuGet.config")));
    }

    [Fact]
    public void Nothing_in_the_handout_refers_back_to_the_repository()
    {
        var handout = Path.Combine(_work, "class");

        var run = NotebookCli.Run(TimeSpan.FromMinutes(2), "notebooks", "handout", "--out", handout);

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var file in Directory.GetFiles(handout, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".nupkg", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotContain(NotebookFiles.Root, text);
            Assert.DoesNotContain("../", text);
            Assert.DoesNotContain("src/NeuralNetworks", text);
        }
    }

    [Fact]
    public void The_handout_installs_from_its_own_packages_folder_alone()
    {
        var handout = Path.Combine(_work, "class");
        var written = NotebookCli.Run(TimeSpan.FromMinutes(2), "notebooks", "handout", "--out", handout);
        Assert.True(written.ExitCode == 0, written.ToString());
        foreach (var package in new[] { "mathnet.numerics.5.0.0.nupkg", "plotly.net.6.0.0.nupkg", "fsharp.core.10.1.403.nupkg" })
            Assert.True(File.Exists(Path.Combine(handout, "packages", package)), $"packages/ has no {package}");

        // The README's step on an empty NuGet package folder, with packages/ as the only source: no internet needed.
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = Directory.CreateDirectory(Path.Combine(_work, "home")).FullName,
            ["NUGET_PACKAGES"] = Directory.CreateDirectory(Path.Combine(_work, "nuget-packages")).FullName,
        };
        var (exitCode, stdout, stderr) = StockKernel.JupyterStockKernel.Exec(handout, TimeSpan.FromMinutes(5), environment,
            "dotnet", "restore", "install-package.proj", "--source", Path.Combine(handout, "packages"));

        Assert.True(exitCode == 0, stdout + stderr);
        Assert.True(File.Exists(Path.Combine(environment["NUGET_PACKAGES"], "neuralnetworks", "1.0.0", "interactive-extensions", "dotnet", "extension.dib")));
        Assert.True(File.Exists(Path.Combine(environment["NUGET_PACKAGES"], "neuralnetworks", "1.0.0", "data", "mnist", Mnist.TrainingImagesFile)));
    }

    [Fact]
    public void In_the_students_handout_an_unanswered_exercise_says_so_and_the_notebook_still_runs_to_the_end()
    {
        var handout = Path.Combine(_work, "class");
        var written = NotebookCli.Run(TimeSpan.FromMinutes(2), "notebooks", "handout", "--out", handout);
        Assert.True(written.ExitCode == 0, written.ToString());
        var output = Path.Combine(_work, "executed");

        var run = NotebookCli.Run(TimeSpan.FromMinutes(10), "notebooks", "run", Path.Combine(handout, "00-setup-check.ipynb"), "--out", output);

        Assert.True(run.ExitCode == 0, run.ToString());
        var printed = string.Concat(
            from cell in CellsOf(Path.Combine(output, "00-setup-check.ipynb"))
            where (string?)cell!["cell_type"] == "code"
            from o in cell!["outputs"]!.AsArray()
            where (string?)o!["output_type"] == "stream"
            select o!["text"] is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)o["text"]);
        Assert.Contains($"{Check.NotAnsweredYet}", printed);
        Assert.DoesNotContain("✗", printed);
    }

    [Fact]
    public void The_handout_needs_an_out_folder()
    {
        var run = NotebookCli.Run(TimeSpan.FromMinutes(1), "notebooks", "handout");

        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains("--out", run.StdErr);
    }
}

/// <summary>
/// The README the handout gives students, made in this process (no package, no kernel): the class's copy says how to
/// hand work in, as <c>notebooks grade</c> reads it (docs/grading.md); a copy that keeps the solutions does not.
/// </summary>
public sealed class HandoutReadmeTests
{
    private static string HandingIn(string readme)
    {
        int from = readme.IndexOf("## Handing in your work", StringComparison.Ordinal), to = readme.IndexOf("## Notebooks", StringComparison.Ordinal);
        Assert.True(from >= 0 && to > from, "the README has no '## Handing in your work' section before '## Notebooks'");
        return System.Text.RegularExpressions.Regex.Replace(readme[from..to], @"\s+", " ");   // as one line, to read across its breaks
    }

    [Fact]
    public void The_class_copys_readme_says_to_answer_in_the_answer_cells_keep_the_names_and_keep_one_copy()
    {
        var section = HandingIn(Handout.Readme("1.0.0", NotebookFiles.All, solutions: false));

        Assert.Contains("**answer cell**", section);
        Assert.Contains("replace `null` with your answer", section);
        Assert.Contains("a cell you added is not graded", section);
        Assert.Contains("names unchanged (`00-setup-check.ipynb`)", section);
        Assert.Contains("a `.zip` named after you", section);
        Assert.Contains("(`yourname-00-setup-check.ipynb`)", section);
        Assert.Contains("Keep one copy of each notebook", section);
        Assert.Contains("of two copies, only the one with more answers filled in is graded (of two with as many, the one in the shallower folder)", section);
        Assert.DoesNotContain("## Handing in", Handout.Readme("1.0.0", NotebookFiles.All, solutions: true));
    }

    [Fact]
    public void What_the_readme_says_of_answer_cells_and_names_is_how_grading_reads_them()
    {
        // Every answer cell the grader takes is a cell that declares the answer as null, as the README tells.
        foreach (var path in NotebookFiles.All)
        {
            var course = CourseNotebook.Load(path);
            Assert.All(course.Answers, a => Assert.True(a.Variables.Count > 0 && a.Source.Contains("= null;", StringComparison.Ordinal),
                $"{course.Name} cell {a.Index + 1} declares no answer as null"));
        }

        // A folder named after the student, and a loose notebook named yourname-<notebook>.ipynb.
        var folder = Directory.CreateTempSubdirectory("nn-handing-in-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(folder, "alice"));
            foreach (var file in new[] { Path.Combine("alice", "00-setup-check.ipynb"), "yourname-00-setup-check.ipynb" })
                File.WriteAllText(Path.Combine(folder, file), "{\"cells\": []}");

            var read = Submissions.Read(folder, ["00-setup-check", "01-neurons"], out _);

            Assert.Equal(["alice", "yourname"], read.Select(s => s.Student));
            Assert.All(read, s => Assert.Equal(new[] { "00-setup-check" }, s.Notebooks.Keys));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

/// <summary>
/// <c>notebooks handout</c> from a repository where the library was never built (no src/NeuralNetworks/obj/project.assets.json):
/// the packages the library uses cannot be put in the handout, and the teacher is told so, and why it matters. Run with a
/// copy of the command line outside this repository, in a stand-in repository of a few files (no kernel starts).
/// </summary>
public sealed class HandoutWithoutDependenciesTests : IDisposable
{
    private readonly string work = NotebookCli.NewTempDirectory();

    public void Dispose() => Directory.Delete(work, recursive: true);

    [Fact]
    public void A_handout_without_the_packages_the_library_uses_is_written_with_a_warning_that_says_how_to_get_them()
    {
        var repository = Directory.CreateDirectory(Path.Combine(work, "repository")).FullName;
        foreach (var file in new[] { "NeuralNetworks.slnx", "LICENSE", "LICENSE-course", "artifacts/package/NeuralNetworks.1.0.0.nupkg", "src/NeuralNetworks.Notebooks/Doctor/CourseDoctor.cs" })
        {
            var path = Path.Combine(repository, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, $"a stand-in {file}\n");
        }
        var handout = Path.Combine(work, "handout");

        var run = NotebookCli.RunCopy(Path.Combine(work, "cli"), repository, TimeSpan.FromMinutes(2),
            "notebooks", "handout", NotebookCli.TestData(Path.Combine("grading", "01-grading-sample.ipynb")), "--out", handout);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"wrote 1 notebook, the NeuralNetworks 1.0.0 package and 0 it uses to {handout}", run.StdOut);
        Assert.Equal("warning: none of the packages the course library uses was found (src/NeuralNetworks/obj/project.assets.json is written by a build: "
                     + "run `dotnet build NeuralNetworks.slnx -c Release` first); without them a student's `dotnet restore install-package.proj` "
                     + "fetches them from nuget.org, so it needs the internet.", run.StdErr.Trim());
        Assert.Equal(["NeuralNetworks.1.0.0.nupkg"], Directory.GetFiles(Path.Combine(handout, "packages")).Select(Path.GetFileName));
        Assert.True(File.Exists(Path.Combine(handout, "01-grading-sample.ipynb")));
    }
}
