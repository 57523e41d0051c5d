using System.Text.RegularExpressions;
using NeuralNetworks.Tests.Setup;

namespace NeuralNetworks.Tests.Course;

/// <summary>
/// A course cell that runs the student's function (<c>Check.YoursOr(myForward, …)</c>) falls back on the library's when
/// the last check of that variable said ✗ or ran before it was set: it finds that check by the exercise's name, which
/// ends with "(myForward)". So every such cell needs a check of its variable earlier in the same notebook, named that way.
/// </summary>
public sealed partial class YoursOrCellsTests
{
    public static TheoryData<string> Notebooks() => [.. NotebookFiles.All.Select(Path.GetFileName).OfType<string>()];

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Every_function_a_course_cell_takes_from_the_student_is_checked_before_by_an_exercise_named_after_it(string name)
    {
        var cells = NotebookFiles.Cells(Path.Combine(NotebookFiles.NotebooksFolder, name));
        var problems = new List<string>();
        for (int i = 0; i < cells.Count; i++)
            foreach (Match use in YoursOr().Matches(cells[i].Source))
            {
                var variable = use.Groups["variable"].Value;
                var ending = $"({variable})\"";
                if (!cells.Take(i).Any(c => c.Source.Contains("Check.Answer(\"") && c.Source.Contains(ending)))
                    problems.Add($"cell {i + 1}: Check.YoursOr({variable}, …) has no Check.Answer(\"… ({variable})\", …) before it");
            }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_course_takes_the_students_functions_in_the_notebooks_that_build_them()
    {
        // Not vacuous: the rule above is about cells that exist.
        var uses = NotebookFiles.All.Sum(path => NotebookFiles.Cells(path).Sum(c => YoursOr().Count(c.Source)));
        Assert.InRange(uses, 15, 40);
    }

    [GeneratedRegex(@"Check\.YoursOr\((?<variable>my\w+)")]
    private static partial Regex YoursOr();
}
