using System.Text.Json.Nodes;
using NeuralNetworks.Notebooks;
using NeuralNetworks.Tests.Setup;

namespace NeuralNetworks.Tests.Course;

/// <summary>What the tests of the course's pages (<see cref="CourseHandout.RunSite"/>) share.</summary>
internal static class CourseSite
{
    /// <summary>The bound on the folder <c>notebooks run</c> writes for the whole course: pages, executed notebooks,
    /// shared assets, home page and playground.</summary>
    public const long MaxBytes = 25L * 1024 * 1024;

    /// <summary>The sources of the cells tagged "solution" in a teacher's notebook.</summary>
    public static IReadOnlyList<string> SolutionCells(string notebook) =>
        Cells(notebook).Where(IsSolution).Select(Source).ToList();

    /// <summary>
    /// The lines of the worked solutions that appear in no other cell of the notebook (long enough to mean something):
    /// a students' page that shows one of them shows a solution.
    /// </summary>
    public static IReadOnlyList<string> SolutionOnlyLines(string notebook)
    {
        var cells = Cells(notebook);
        var elsewhere = string.Join("\n", cells.Where(c => !IsSolution(c)).Select(Source));
        return cells.Where(IsSolution)
            .SelectMany(c => Source(c).Split('\n'))
            .Select(l => l.Trim())
            .Where(l => l.Length >= 16 && !l.StartsWith("//", StringComparison.Ordinal) && !elsewhere.Contains(l, StringComparison.Ordinal))
            .Distinct()
            .ToList();
    }

    public static int Count(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }

    /// <summary>No page of the site (course pages, home page, playground) contains a path of the machine that wrote it.</summary>
    public static void AssertNoMachinePath(CourseHandout handout, ITestOutputHelper output)
    {
        handout.RunSite();
        string[] paths =
        [
            handout.Root, NotebookFiles.Root, handout.Environment["HOME"], handout.Environment["NUGET_PACKAGES"],
            Environment.GetFolderPath(Environment.SpecialFolder.UserProfile).TrimEnd('/') + "/",
            Path.GetTempPath().TrimEnd('/') + "/",
        ];
        var pages = Directory.GetFiles(handout.SiteFolder, "*.html");
        Assert.NotEmpty(pages);
        foreach (var page in pages)
        {
            var text = File.ReadAllText(page);
            foreach (var path in paths.Where(p => p.Length > 1))
            {
                int at = text.IndexOf(path, StringComparison.Ordinal);
                Assert.True(at < 0, $"{Path.GetFileName(page)} contains the machine path {path}: …{text[Math.Max(0, at - 80)..Math.Min(text.Length, at + 120)]}…");
            }
        }
        output.WriteLine($"{pages.Length} pages checked for {paths.Length} machine paths");
    }

    /// <summary>
    /// What <c>notebooks run</c> writes for the course is within <see cref="MaxBytes"/>: the site folder, less the slide
    /// decks when <c>notebooks slides</c> wrote it (run writes everything else the same). Prints every size.
    /// </summary>
    public static void AssertSize(CourseHandout handout, ITestOutputHelper output)
    {
        handout.RunSite();
        var all = Directory.GetFiles(handout.SiteFolder, "*", SearchOption.AllDirectories).Select(f => new FileInfo(f)).ToArray();
        foreach (var f in all.OrderByDescending(f => f.Length))
            output.WriteLine($"{f.Length / 1e6,8:0.00} MB  {Path.GetRelativePath(handout.SiteFolder, f.FullName)}");
        var decks = all.Where(f => f.Name.EndsWith(SlideDeck.Extension, StringComparison.Ordinal)).ToArray();
        var files = all.Except(decks).ToArray();
        long total = files.Sum(f => f.Length);
        output.WriteLine($"{total / 1e6,8:0.00} MB  in all but the decks ({files.Length} files): what notebooks run writes");
        output.WriteLine($"{decks.Sum(f => f.Length) / 1e6,8:0.00} MB  in {decks.Length} slide decks (notebooks slides)");
        Assert.True(Directory.GetFiles(handout.SiteFolder, "*.html").Length >= NotebookFiles.All.Count + 1, "the course's pages were not written");
        Assert.True(total <= MaxBytes, $"the folder is {total / 1e6:0.0} MB, over the bound of {MaxBytes / 1e6:0.0} MB");
    }

    private static JsonObject[] Cells(string notebook) =>
        JsonNode.Parse(File.ReadAllText(notebook))!["cells"]!.AsArray().Select(c => c!.AsObject()).ToArray();

    private static string Source(JsonObject cell) =>
        cell["source"] is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)cell["source"] ?? "";

    private static bool IsSolution(JsonObject cell) =>
        (string?)cell["cell_type"] == "code" && cell["metadata"]?["tags"] is JsonArray tags && tags.Any(t => (string?)t == "solution");
}
