using System.Text.RegularExpressions;
using NeuralNetworks.Tests.Setup;

namespace NeuralNetworks.Tests;

/// <summary>The README a newcomer reads first: short, its course table the notebooks that exist, its links alive.</summary>
public sealed partial class ReadmeTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(NotebookFiles.Root, "README.md"));

    [Fact]
    public void The_README_is_under_150_lines()
    {
        int lines = Readme.TrimEnd('\n').Split('\n').Length;
        Assert.True(lines < 150, $"README.md has {lines} lines");
    }

    [Fact]
    public void The_course_table_lists_every_notebook_in_order_and_nothing_else()
    {
        var rows = CourseRow().Matches(Readme).Select(m => (Name: m.Groups["name"].Value, File: m.Groups["file"].Value)).ToArray();
        var notebooks = NotebookFiles.All.Select(p => Path.GetFileNameWithoutExtension(p)).ToArray();

        Assert.Equal(notebooks, rows.Select(r => r.Name).ToArray());
        Assert.All(rows, r => Assert.Equal(r.Name + ".ipynb", r.File));
    }

    [Fact]
    public void Every_link_to_a_file_of_the_repository_points_to_one_that_exists()
    {
        var links = RelativeLink().Matches(Readme).Select(m => m.Groups["path"].Value).Distinct().ToArray();
        Assert.NotEmpty(links);
        Assert.All(links, link => Assert.True(File.Exists(Path.Combine(NotebookFiles.Root, link)) || Directory.Exists(Path.Combine(NotebookFiles.Root, link)),
            $"README.md links to {link}, which does not exist"));
    }

    [Fact]
    public void The_count_of_likely_wrong_answers_it_quotes_is_the_count_the_tests_give()
    {
        var quoted = WrongAnswerCount().Match(Readme);
        Assert.True(quoted.Success, "README.md no longer says how many likely wrong answers the tests give (`Course/WrongAnswers`, N: each ✗)");
        int count = NotebookFiles.All.Sum(path => Course.WrongAnswerFile.For(Path.GetFileNameWithoutExtension(path)).Answers.Count);
        Assert.Equal(count, int.Parse(quoted.Groups["count"].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"`Course/WrongAnswers`, (?<count>\d+): each ✗")]
    private static partial Regex WrongAnswerCount();

    [GeneratedRegex(@"^\| \[(?<name>\d\d-[a-z0-9-]+)\]\(notebooks/(?<file>[^)]+)\) \|", RegexOptions.Multiline)]
    private static partial Regex CourseRow();

    [GeneratedRegex(@"\]\((?!https?:|#)(?<path>[^)#\s]+)\)")]
    private static partial Regex RelativeLink();
}
