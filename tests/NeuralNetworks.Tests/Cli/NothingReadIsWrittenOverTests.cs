using NeuralNetworks.Data;

namespace NeuralNetworks.Tests.Cli;

/// <summary>
/// A command never writes over what it reads (a hostile user's audit, 2026-12-06, found three that did):
/// `notebooks run/slides --out` the notebooks' own folder (the students' edition, without solutions, replaced the teacher's
/// notebooks), `notebooks handout --out` the same folder (solutions stripped in place) or a folder of other files (its
/// README.md and LICENSE replaced), and `train --out/--summary`, `sweep --chart`, `bench --end-to-end` naming a data file.
/// Each is refused on the command line (exit 2, one line) and the file keeps its bytes.
/// </summary>
[Collection(nameof(ConsoleCollection))]
public sealed class NothingReadIsWrittenOverTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("nn-written-over-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private const string Notebook = """{"cells": [{"cell_type": "markdown", "metadata": {"tags": ["solution"]}, "source": "the teacher's answer"}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}""";

    private static (int ExitCode, string Output, string Error) Run(params string[] args) =>
        CommandLine.Run(NeuralNetworks.Cli.Cli.CreateRoot(), args);

    private static void Refused((int ExitCode, string Output, string Error) run, string message)
    {
        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Error}{run.Output}");
        Assert.StartsWith("error: ", run.Error);
        Assert.DoesNotContain('\n', run.Error.TrimEnd());
        Assert.Contains(message, run.Error);
    }

    private string Lesson()
    {
        var lessons = Directory.CreateDirectory(Path.Combine(folder, "lessons")).FullName;
        var path = Path.Combine(lessons, "lesson.ipynb");
        File.WriteAllText(path, Notebook);
        return path;
    }

    [Theory]
    [InlineData("run")]
    [InlineData("slides")]
    [InlineData("handout")]
    public void A_notebook_command_does_not_write_into_the_folder_of_its_notebooks(string command)
    {
        var lesson = Lesson();
        var lessons = Path.GetDirectoryName(lesson)!;
        var link = Path.Combine(folder, "link");
        Directory.CreateSymbolicLink(link, lessons);

        foreach (var outFolder in new[] { lessons, link, Path.Combine(lessons, "..", "lessons") })
        {
            var run = Run("notebooks", command, lesson, "--out", outFolder);
            Refused(run, "is the folder of lesson.ipynb, which this command reads");
            Assert.Equal(Notebook, File.ReadAllText(lesson));
        }
        Assert.Equal(["lesson.ipynb"], Directory.GetFiles(lessons).Select(Path.GetFileName));
    }

    [Fact]
    public void A_handout_is_not_written_into_a_folder_of_other_files_but_may_be_written_again()
    {
        var lesson = Lesson();
        var other = Directory.CreateDirectory(Path.Combine(folder, "my-project")).FullName;
        File.WriteAllText(Path.Combine(other, "README.md"), "mine");

        Refused(Run("notebooks", "handout", lesson, "--out", other), "is not empty and is not an earlier handout (it has no install-package.proj)");
        Assert.Equal("mine", File.ReadAllText(Path.Combine(other, "README.md")));
        Assert.Equal(["README.md"], Directory.GetFileSystemEntries(other).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("run")]
    [InlineData("slides")]
    public void Pages_are_not_written_into_a_folder_of_other_files_but_may_be_written_again(string command)
    {
        // A hostile user's audit (2026-12-06): run and slides replaced the user's own index.html and a notes notebook of the
        // same name as one of the course's.
        var lesson = Lesson();
        var other = Directory.CreateDirectory(Path.Combine(folder, "my-site")).FullName;
        File.WriteAllText(Path.Combine(other, "index.html"), "mine");

        Refused(Run("notebooks", command, lesson, "--out", other), $"is not empty and is not an earlier run's pages (it has no {NeuralNetworks.Notebooks.NotebookRunner.PagesMarker})");
        Assert.Equal("mine", File.ReadAllText(Path.Combine(other, "index.html")));
        Assert.Equal(["index.html"], Directory.GetFileSystemEntries(other).Select(Path.GetFileName));

        // An earlier run's folder: its marker, or (written before the marker existed) its home page.
        var marked = Directory.CreateDirectory(Path.Combine(folder, "marked")).FullName;
        File.WriteAllText(Path.Combine(marked, NeuralNetworks.Notebooks.NotebookRunner.PagesMarker), "");
        File.WriteAllText(Path.Combine(marked, "lesson.html"), "an old page");
        NeuralNetworks.Notebooks.NotebookRunner.CheckOutDirectory([lesson], marked);
        var older = Directory.CreateDirectory(Path.Combine(folder, "older")).FullName;
        File.WriteAllText(Path.Combine(older, "index.html"), $"<title>{NeuralNetworks.Notebooks.CourseHomePage.Title}</title>");
        NeuralNetworks.Notebooks.NotebookRunner.CheckOutDirectory([lesson], older);
    }

    [Fact]
    public void Two_notebooks_of_one_name_are_refused_rather_than_given_one_page()
    {
        var lesson = Lesson();
        var elsewhere = Directory.CreateDirectory(Path.Combine(folder, "other-lessons")).FullName;
        File.WriteAllText(Path.Combine(elsewhere, "lesson.ipynb"), Notebook);

        Refused(Run("notebooks", "run", lesson, Path.Combine(elsewhere, "lesson.ipynb"), "--out", Path.Combine(folder, "site")),
            "two notebooks are named lesson.ipynb");
        Assert.False(Directory.Exists(Path.Combine(folder, "site")));   // refused before --out was made: no empty folder left
    }

    [Fact]
    public void Grades_are_not_written_into_a_folder_of_other_files()
    {
        var submissions = Directory.CreateDirectory(Path.Combine(folder, "submissions")).FullName;
        var other = Directory.CreateDirectory(Path.Combine(folder, "marks")).FullName;
        File.WriteAllText(Path.Combine(other, "grades.html"), "my spreadsheet export");

        Refused(Run("notebooks", "grade", submissions, "--out", other), "is not empty and is not an earlier grading (it has no grades.csv)");
        Assert.Equal("my spreadsheet export", File.ReadAllText(Path.Combine(other, "grades.html")));
    }

    [Fact]
    public void No_output_of_a_training_command_may_be_a_data_file()
    {
        var data = Directory.CreateDirectory(Path.Combine(folder, "data")).FullName;
        foreach (var name in Mnist.Sha256.Keys) File.WriteAllText(Path.Combine(data, name), "the data");
        string images = Path.Combine(data, Mnist.TrainingImagesFile), labels = Path.Combine(data, Mnist.TestLabelsFile);
        var link = Path.Combine(folder, "images-link");
        File.CreateSymbolicLink(link, images);
        string elsewhere = Path.Combine(folder, "network.json");

        foreach (var (args, option) in new (string[], string)[]
        {
            (["train", "--data", data, "--out", images], "--out"),
            (["train", "--data", data, "--out", link], "--out"),
            (["train", "--data", data, "--out", elsewhere, "--summary", labels], "--summary"),
            (["sweep", "--layers", "784,10", "--data", data, "--chart", labels], "--chart"),
            (["bench", "--data", data, "--end-to-end", images], "--end-to-end"),
        })
        {
            var run = Run(args);
            Refused(run, $"{option} ");
            Assert.Contains("this command reads; writing it would replace the data", run.Error);
        }
        Assert.All(Mnist.Sha256.Keys, name => Assert.Equal("the data", File.ReadAllText(Path.Combine(data, name))));
        Assert.False(File.Exists(elsewhere));
    }

    [Fact]
    public void An_output_replaces_an_earlier_output_of_its_kind_but_no_other_file()
    {
        // A hostile user's audit (2026-12-06): train --out README.md, sweep --chart LICENSE and --out the tool's own DLL
        // replaced them. Refused before anything is loaded; the file keeps its bytes.
        var readme = Path.Combine(folder, "README.md");
        File.WriteAllText(readme, "# my project");
        var data = Directory.CreateDirectory(Path.Combine(folder, "data")).FullName;
        foreach (var name in Mnist.Sha256.Keys) File.WriteAllText(Path.Combine(data, name), "the data");   // refused before loading
        foreach (var (args, option, what) in new (string[], string, string)[]
        {
            (["train", "--data", data, "--out", readme], "--out", "a network this tool saved"),
            (["train", "--data", data, "--out", Path.Combine(folder, "network.json"), "--summary", readme], "--summary", "a summary this tool wrote"),
            (["sweep", "--layers", "784,10", "--data", data, "--chart", readme], "--chart", "a chart page"),
            (["bench", "--data", data, "--end-to-end", readme], "--end-to-end", "a network this tool saved"),
        })
        {
            var run = Run(args);
            Refused(run, $"{option} {readme} exists and is not {what}; it is left as it is");
            Assert.Equal("# my project", File.ReadAllText(readme));
        }

        // What each command wrote before, and an empty file, may be written again.
        var network = Path.Combine(folder, "net.json");
        File.WriteAllText(network, "{\n  \"sizes\": [2, 1],\n  \"activation\": \"sigmoid\",\n  \"weights\": []\n}");
        var summary = Path.Combine(folder, "summary.json");
        File.WriteAllText(summary, "{\n  \"engine\": \"fast\",\n  \"epochs\": []\n}");
        var chart = Path.Combine(folder, "sweep.html");
        File.WriteAllText(chart, "<!DOCTYPE html>\n<html><head><script>/* plotly.js */</script></head></html>");
        var empty = Path.Combine(folder, "empty.json");
        File.WriteAllText(empty, "");
        foreach (var (path, kind) in new[] { (network, NeuralNetworks.Cli.OutputFile.Kind.Network), (summary, NeuralNetworks.Cli.OutputFile.Kind.Summary),
                     (chart, NeuralNetworks.Cli.OutputFile.Kind.Chart), (empty, NeuralNetworks.Cli.OutputFile.Kind.Network) })
            NeuralNetworks.Cli.OutputFile.OnlyReplaces(path, "--out", kind);
        // A network is not a chart, nor a summary a network.
        Assert.Throws<NeuralNetworks.Cli.UsageException>(() => NeuralNetworks.Cli.OutputFile.OnlyReplaces(network, "--chart", NeuralNetworks.Cli.OutputFile.Kind.Chart));
        Assert.Throws<NeuralNetworks.Cli.UsageException>(() => NeuralNetworks.Cli.OutputFile.OnlyReplaces(summary, "--out", NeuralNetworks.Cli.OutputFile.Kind.Network));
    }
}
