using System.Text.Json.Nodes;
using NeuralNetworks.Tests.Notebooks;
using NeuralNetworks.Tests.Setup;
using NeuralNetworks.Tests.StockKernel;
using NeuralNetworks.Course;
using NeuralNetworks.Notebooks;

namespace NeuralNetworks.Tests.Course;

/// <summary>Course notebooks run kernels: one at a time, alone.</summary>
[CollectionDefinition("Course notebooks", DisableParallelization = true)]
public sealed class CourseNotebooksCollection;

/// <summary>
/// Every notebook of the course is part of the test suite: copied into a student handout outside the repository
/// (<see cref="CourseHandout"/>: fresh HOME, empty NuGet package folder), it runs top to bottom once in the project's
/// runner and once in the stock kernel (through Jupyter) with no error output, every "Check yourself" line is a ✓;
/// and it is committed without outputs. Slow by design: each run starts a kernel.
/// </summary>
[Collection("Course notebooks")]
[Trait("Category", Category.Notebooks)]
public sealed class CourseNotebookTests(ITestOutputHelper output, CourseHandout handout) : IClassFixture<CourseHandout>
{
    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (var path in NotebookFiles.All) data.Add(Path.GetFileName(path));
        return data;
    }

    [Fact]
    public void The_course_has_its_thirteen_notebooks_in_order_and_the_numerics_appendix_after_them()
    {
        var names = NotebookFiles.All.Select(p => Path.GetFileName(p)!).ToArray();
        Assert.Equal(
            ["00-setup-check.ipynb", "01-neurons.ipynb", "02-weights.ipynb", "03-bias.ipynb", "04-sigmoid.ipynb",
             "05-the-network-as-a-function.ipynb", "06-cost.ipynb", "07-gradient-descent.ipynb", "08-backpropagation.ipynb",
             "09-training-on-mnist.ipynb", "10-experiments.ipynb", "11-learning-better.ipynb", "12-your-own-data.ipynb",
             "13-numerics.ipynb"],
            names);
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_is_committed_without_outputs(string name)
    {
        var notebook = JsonNode.Parse(File.ReadAllText(Path.Combine(NotebookFiles.NotebooksFolder, name)))!;
        foreach (var cell in notebook["cells"]!.AsArray().Where(c => (string?)c!["cell_type"] == "code"))
        {
            Assert.Empty(cell!["outputs"]!.AsArray());
            Assert.Null(cell["execution_count"]);
        }
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_links_only_to_notebooks_that_exist(string name)
    {
        var text = File.ReadAllText(Path.Combine(NotebookFiles.NotebooksFolder, name));
        var links = System.Text.RegularExpressions.Regex.Matches(text, @"\]\((?:\./)?([0-9][^)\s#]*\.ipynb)").Select(m => m.Groups[1].Value).ToArray();
        Assert.NotEmpty(links);
        Assert.All(links, link => Assert.True(File.Exists(Path.Combine(NotebookFiles.NotebooksFolder, link)), $"{name} links to {link}, which does not exist"));
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_runs_in_the_projects_runner_with_every_check_passing(string name) =>
        AssertChecksPassed(name, RunInRunner(handout, name, output));

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_runs_in_the_stock_kernel_with_every_check_passing(string name)
    {
        JupyterStockKernel.Require();
        AssertChecksPassed(name, RunInStockKernel(handout, name, output));
    }

    [Fact]
    public void Teacher_pages_fold_every_solution_under_its_label()
    {
        handout.RunSite();
        foreach (var path in NotebookFiles.All)
        {
            var stem = Path.GetFileNameWithoutExtension(path);
            int solutions = CourseSite.SolutionCells(path).Count;
            var page = File.ReadAllText(Path.Combine(handout.SiteFolder, stem + ".html"));
            Assert.Equal(solutions, CourseSite.Count(page, "<details class=\"solution\"><summary>Worked solution (teacher's edition)"));
            Assert.Equal(solutions > 0, page.Contains("Teacher's edition:", StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// The deck <c>notebooks run</c> wrote beside each teacher's page (linking the shared assets/), walked slide by slide
    /// in headless Chromium at 1280×720 (<see cref="DeckBrowserCheck"/>): nothing wider or taller than the screen, every
    /// chart drawn, no script error, no request, keys and a click move on, a solution opens in place.
    /// </summary>
    [Theory]
    [MemberData(nameof(Notebooks))]
    [Trait("Category", Category.Browser)]
    public void Deck_fits_every_slide_on_the_projector_draws_every_chart_and_loads_nothing(string name)
    {
        var chromium = Requires.Chromium();
        var run = handout.RunSite();
        var stem = Path.GetFileNameWithoutExtension(name);
        var deck = Path.Combine(handout.SiteFolder, SlideDeck.FileName(stem));
        Assert.True(File.Exists(deck), $"no {SlideDeck.FileName(stem)}: {run}");

        var report = DeckBrowserCheck.Check(chromium, deck);

        output.WriteLine(report.Summary);
        report.AssertGood();
        Assert.Equal(SlidesTests.SlidesOf(File.ReadAllText(deck)).Count, report.Sections);
        Assert.Equal(CourseSite.SolutionCells(NotebookFiles.All.Single(p => Path.GetFileName(p) == name)).Count, report.Solutions);
        // What each check printed is folded too: its ✓ line names the answer the class is about to look for.
        var checks = NeuralNetworks.Notebooks.Grading.CourseNotebook.Load(NotebookFiles.All.Single(p => Path.GetFileName(p) == name)).Checks.Count;
        Assert.Equal(checks, System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(deck), "<details class=\"check\">").Count);
    }

    /// <summary>
    /// The teacher's page of each notebook in headless Chromium at 1280×900 (<see cref="PageBrowserCheck"/>): every chart
    /// drawn, no chart's title, axis title or annotation cut off at its edge, no script error.
    /// </summary>
    [Theory]
    [MemberData(nameof(Notebooks))]
    [Trait("Category", Category.Browser)]
    public void Page_draws_every_chart_with_no_title_cut_off(string name)
    {
        var chromium = Requires.Chromium();
        var run = handout.RunSite();
        var page = Path.Combine(handout.SiteFolder, Path.GetFileNameWithoutExtension(name) + ".html");
        Assert.True(File.Exists(page), $"no {Path.GetFileName(page)}: {run}");

        var report = PageBrowserCheck.Check(chromium, page);

        output.WriteLine(report.Summary);
        report.AssertGood();
    }

    [Fact]
    public void No_teacher_page_names_a_path_of_the_machine_that_ran_it() =>
        CourseSite.AssertNoMachinePath(handout, output);

    [Fact]
    public void The_folder_notebooks_run_writes_for_the_course_is_at_most_25_MB_the_decks_beside_it_measured() =>
        CourseSite.AssertSize(handout, output);

    [Fact]
    public void The_home_page_notebooks_slides_writes_links_every_deck()
    {
        handout.RunSite();
        var home = File.ReadAllText(Path.Combine(handout.SiteFolder, "index.html"));
        foreach (var path in NotebookFiles.All)
            Assert.Contains($"<a class=\"deck\" href=\"{SlideDeck.FileName(Path.GetFileNameWithoutExtension(path))}\">slides</a>", home);
    }

    /// <summary>A handout's notebook as the project's runner ran it with the whole course (<see cref="CourseHandout.RunSite"/>):
    /// asserts it ran without an error and was exported; returns what it printed.</summary>
    internal static string RunInRunner(CourseHandout handout, string name, ITestOutputHelper output)
    {
        var run = handout.RunSite();
        var stem = Path.GetFileNameWithoutExtension(name);
        output.WriteLine($"the course ran in {run.Elapsed.TotalSeconds:0} s; {stem}: " +
                         string.Join(" ", run.StdOut.Split('\n').Where(l => l.StartsWith($"[{stem}] passed") || l.StartsWith($"[{stem}] FAILED"))));
        var executedPath = Path.Combine(handout.SiteFolder, stem + ".ipynb");
        Assert.True(File.Exists(executedPath), $"{name} was not run\n{run}");
        var executed = JsonNode.Parse(File.ReadAllText(executedPath))!;
        var outputs = executed["cells"]!.AsArray().Where(c => (string?)c!["cell_type"] == "code")
            .SelectMany(c => c!["outputs"]!.AsArray()).Select(o => o!.AsObject()).ToArray();
        var error = outputs.FirstOrDefault(o => (string?)o["output_type"] == "error");
        Assert.True(error is null, $"{name}: {error?["evalue"]}\n{run}");
        Assert.True(File.Exists(Path.Combine(handout.SiteFolder, stem + ".html")), "no exported page");
        return string.Concat(outputs.Select(Execution.PrintedText));
    }

    /// <summary>Runs a handout's notebook in the stock kernel through Jupyter; asserts it ran without an error; returns what it printed.</summary>
    internal static string RunInStockKernel(CourseHandout handout, string name, ITestOutputHelper output)
    {
        handout.AssertReady();
        var outFolder = NotebookCli.NewTempDirectory();
        try
        {
            var run = JupyterStockKernel.Run(Path.Combine(handout.Folder, name), outFolder, output, handout.Environment);
            Assert.True(run.ExitCode == 0, run.Log);
            Assert.Empty(run.Errors);
            return run.Printed;
        }
        finally
        {
            // NEURALNETWORKS_KEEP_EXECUTED=<folder> keeps the executed notebooks, to read a failure cell by cell
            if (System.Environment.GetEnvironmentVariable("NEURALNETWORKS_KEEP_EXECUTED") is { Length: > 0 } keep)
                foreach (var file in Directory.GetFiles(outFolder))
                    File.Copy(file, Path.Combine(Directory.CreateDirectory(keep).FullName, Path.GetFileName(file)), overwrite: true);
            Directory.Delete(outFolder, recursive: true);
        }
    }

    /// <summary>A student sees no compiler warning under a cell (e.g. CS8632 for `Func&lt;…&gt;? x = null` in the stock
    /// kernel, whose scripts have no nullable context).</summary>
    internal static void AssertNoCompilerWarning(string name, string printed)
    {
        var warning = printed.Split('\n').FirstOrDefault(line => line.Contains("warning CS", StringComparison.Ordinal));
        Assert.True(warning is null, $"{name} printed a compiler warning: {warning}");
    }

    /// <summary>
    /// Every live progress display (<see cref="LiveProgress"/>) in what a notebook printed ends at its last epoch: none is
    /// left at an earlier state ("training: 1 of 30 epochs done") or inside an epoch. Such a leftover means the display
    /// and its updates did not share a display id, so the page shows training stop and start again.
    /// </summary>
    internal static void AssertProgressDisplaysEnded(string name, string printed)
    {
        foreach (System.Text.RegularExpressions.Match done in System.Text.RegularExpressions.Regex.Matches(printed, @"training: (\d+) of (\d+) epochs done"))
            Assert.True(done.Groups[1].Value == done.Groups[2].Value, $"{name} shows a progress display never brought up to date: '{done.Value}'");
        Assert.DoesNotMatch(@"training: epoch \d+/\d+, step", printed);
    }

    private void AssertChecksPassed(string name, string printed)
    {
        AssertProgressDisplaysEnded(name, printed);
        int passed = printed.Split('\n').Count(line => line.StartsWith('✓'));
        output.WriteLine($"{name}: {passed} checks passed");
        Assert.DoesNotContain("✗", printed);
        AssertNoCompilerWarning(name, printed);
        Assert.DoesNotContain(Check.NotAnsweredYet, printed);   // the teacher's copy answers every exercise
        Assert.True(passed > 0, $"{name} printed no ✓: its checks did not run");
    }
}

/// <summary>
/// The student's copy of every notebook (<see cref="StudentHandout"/>: solution cells removed) runs with Run All in the
/// project's runner and in the stock kernel without a compiler error or any other error and without a ✗, and every
/// exercise check says "not answered yet": one ◌ line for each <c>Check.Answer</c> in the notebook.
/// </summary>
[Collection("Course notebooks")]
[Trait("Category", Category.Notebooks)]
public sealed class StudentCopyTests(ITestOutputHelper output, StudentHandout handout) : IClassFixture<StudentHandout>
{
    public static TheoryData<string> Notebooks() => CourseNotebookTests.Notebooks();

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Student_copy_runs_in_the_projects_runner_with_every_exercise_not_answered_yet(string name) =>
        AssertUnanswered(name, CourseNotebookTests.RunInRunner(handout, name, output));

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Student_copy_runs_in_the_stock_kernel_with_every_exercise_not_answered_yet(string name)
    {
        JupyterStockKernel.Require();
        AssertUnanswered(name, CourseNotebookTests.RunInStockKernel(handout, name, output));
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Student_copy_has_no_solution_cells_and_keeps_every_other_cell(string name)
    {
        handout.AssertReady();
        var teacher = Cells(Path.Combine(NotebookFiles.NotebooksFolder, name));
        var student = Cells(Path.Combine(handout.Folder, name));
        Assert.DoesNotContain(student, IsSolution);
        Assert.Equal(teacher.Where(c => !IsSolution(c)).Select(c => (string?)c["id"]), student.Select(c => (string?)c["id"]));
    }

    [Fact]
    public void Student_pages_show_no_line_of_any_worked_solution()
    {
        handout.RunSite();
        foreach (var path in NotebookFiles.All)
        {
            var stem = Path.GetFileNameWithoutExtension(path);
            var page = System.Net.WebUtility.HtmlDecode(File.ReadAllText(Path.Combine(handout.SiteFolder, stem + ".html")));
            Assert.DoesNotContain("class=\"solution\"", page);
            foreach (var line in CourseSite.SolutionOnlyLines(path))
                Assert.False(page.Contains(line, StringComparison.Ordinal), $"{stem}.html shows a line of a worked solution: {line}");
        }
    }

    /// <summary>
    /// A check cell of the students' edition, its exercise not answered yet, prints its "◌ not answered yet" line and
    /// nothing else: what a check computes for its verdict (a training run's results, the right value) would give the
    /// answer away on the page before the student has answered.
    /// </summary>
    [Fact]
    public void Student_pages_show_nothing_of_a_check_but_not_answered_yet()
    {
        handout.RunSite();
        foreach (var path in NotebookFiles.All)
        {
            var stem = Path.GetFileNameWithoutExtension(path);
            var executed = NotebookFile.Load(Path.Combine(handout.SiteFolder, stem + ".ipynb")).Cells;
            var checks = executed.Where(c => c["metadata"]?["tags"] is JsonArray tags && tags.Any(t => (string?)t == "check")).ToList();
            Assert.NotEmpty(checks);
            foreach (var check in checks)
            {
                var printed = string.Concat(check["outputs"]!.AsArray().Select(o => Execution.PrintedText(o!.AsObject())));
                var other = printed.Split('\n').Where(line => line.Length > 0 && !(line.StartsWith('◌') && line.Contains(Check.NotAnsweredYet))).ToList();
                Assert.True(printed.Contains(Check.NotAnsweredYet) && other.Count == 0,
                    $"{stem}, check cell {(string?)check["id"]} prints more than 'not answered yet' on the students' page: {string.Join(" | ", other)}");
            }
        }
    }

    [Fact]
    public void Notebooks_run_writes_no_deck_and_its_home_page_links_none()
    {
        handout.RunSite();
        Assert.Empty(Directory.GetFiles(handout.SiteFolder, "*" + SlideDeck.Extension));
        Assert.DoesNotContain("class=\"deck\"", File.ReadAllText(Path.Combine(handout.SiteFolder, "index.html")));
    }

    [Fact]
    public void No_student_page_names_a_path_of_the_machine_that_ran_it() =>
        CourseSite.AssertNoMachinePath(handout, output);

    [Fact]
    public void The_folder_notebooks_run_writes_for_the_class_is_at_most_25_MB() =>
        CourseSite.AssertSize(handout, output);

    private void AssertUnanswered(string name, string printed)
    {
        var source = File.ReadAllText(Path.Combine(NotebookFiles.NotebooksFolder, name));
        int exercises = System.Text.RegularExpressions.Regex.Matches(source, @"Check\.Answer\(").Count;
        int unanswered = printed.Split('\n').Count(line => line.StartsWith('◌') && line.Contains(Check.NotAnsweredYet));
        CourseNotebookTests.AssertNoCompilerWarning(name, printed);
        CourseNotebookTests.AssertProgressDisplaysEnded(name, printed);
        output.WriteLine($"{name} (student copy): {exercises} exercises, {unanswered} said not answered yet");
        Assert.DoesNotContain("✗", printed);
        Assert.Equal(exercises, unanswered);
    }

    private static JsonObject[] Cells(string path) =>
        JsonNode.Parse(File.ReadAllText(path))!["cells"]!.AsArray().Select(c => c!.AsObject()).ToArray();

    private static bool IsSolution(JsonObject cell) =>
        cell["metadata"]?["tags"] is JsonArray tags && tags.Any(t => (string?)t == "solution");
}
