using System.Text.RegularExpressions;

namespace NeuralNetworks.Tests.Notebooks;

/// <summary>
/// <c>notebooks run</c> writes the students' edition by default (the notebooks run without their solution cells, as the
/// class's handout does: no page shows a worked solution) and the teacher's with <c>--solutions</c> (each solution
/// folded under a label); pages written as a folder share one copy of plotly.js, KaTeX and highlight.js in assets/.
/// </summary>
[Collection("Notebooks")]
[Trait("Category", Category.Notebooks)]
public sealed class PageEditionTests(ExportedNotebooks exported)
{
    private const string Solution = "square = 42 * 42; // the worked solution";

    [Fact]
    public void The_students_edition_shows_no_solution_and_every_exercise_unanswered()
    {
        Assert.True(exported.StudentResult.ExitCode == 0, exported.StudentResult.ToString());
        Assert.Contains("students' edition", exported.StudentResult.StdOut);
        var page = File.ReadAllText(Path.Combine(exported.StudentFolder, "exercise.html"));

        Assert.DoesNotContain("42 * 42", page);
        Assert.DoesNotContain("class=\"solution\"", page);
        Assert.Contains("◌ square: not answered yet", page);
        Assert.Contains("Students' edition:", page);
        Assert.Contains("<meta name=\"edition\" content=\"student\">", page);
        Assert.DoesNotContain("42 * 42", File.ReadAllText(Path.Combine(exported.StudentFolder, "exercise.ipynb")));
        Assert.Contains("Students' edition:", File.ReadAllText(Path.Combine(exported.StudentFolder, "index.html")));
        // a notebook without exercises says nothing about editions
        Assert.DoesNotContain("edition:", File.ReadAllText(Path.Combine(exported.StudentFolder, "chart.html")));
    }

    [Fact]
    public void The_teachers_edition_folds_each_solution_under_its_label()
    {
        Assert.True(exported.TeacherResult.ExitCode == 0, exported.TeacherResult.ToString());
        var page = File.ReadAllText(Path.Combine(exported.TeacherFolder, "exercise.html"));

        var folded = Regex.Match(page, "<details class=\"solution\"><summary>Worked solution \\(teacher's edition\\)[^<]*</summary>(?<body>.*?)</details>", RegexOptions.Singleline);
        Assert.True(folded.Success, "no folded solution");
        Assert.Contains(System.Net.WebUtility.HtmlEncode(Solution), folded.Groups["body"].Value);
        Assert.Equal(1, Regex.Count(page, "<details class=\"solution\">"));
        Assert.Contains("✓ square", page);
        Assert.Contains("Teacher's edition:", page);
        Assert.Contains("Teacher's edition:", File.ReadAllText(Path.Combine(exported.TeacherFolder, "index.html")));
    }

    [Fact]
    public void Pages_written_as_a_folder_share_one_copy_of_their_scripts_in_assets()
    {
        foreach (var folder in new[] { exported.StudentFolder, exported.TeacherFolder })
        {
            var assets = Path.Combine(folder, "assets");
            foreach (var file in new[] { "plotly.min.js", "katex.min.js", "katex.min.css", "highlight.min.js", "highlight-github.min.css" })
                Assert.True(new FileInfo(Path.Combine(assets, file)) is { Exists: true, Length: > 1000 }, $"assets/{file} missing");
            Assert.Contains("plotly.js v2.28.0", File.ReadAllText(Path.Combine(assets, "plotly.min.js")));

            foreach (var name in new[] { "chart.html", "exercise.html", "index.html" })
            {
                var page = File.ReadAllText(Path.Combine(folder, name));
                Assert.DoesNotContain("plotly.js v2.28.0", page);
                Assert.DoesNotContain("url(data:font/woff2", page);
                Assert.Empty(HtmlExportTests.RemoteReferences(page));
                foreach (Match link in Regex.Matches(page, "(?:src|href)=\"(?<file>assets/[^\"]+)\""))
                    Assert.True(File.Exists(Path.Combine(folder, link.Groups["file"].Value)), $"{name} links {link.Groups["file"].Value}, which is not there");
                Assert.True(page.Length < 300_000, $"{name} is {page.Length:N0} characters: it carries a copy of a library");
            }
            Assert.Contains("<script src=\"assets/plotly.min.js\"></script>", File.ReadAllText(Path.Combine(folder, "chart.html")));
        }
    }
}
