using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NeuralNetworks.Notebooks;
using NeuralNetworks.Tests.Notebooks;
using NeuralNetworks.Tests.Setup;

namespace NeuralNetworks.Tests.Browser;

/// <summary>The course home page: what each notebook teaches, read from the notebook itself.</summary>
public sealed class CourseHomePageTests
{
    [Fact]
    public void YouWillLearn_reads_the_bullets_of_a_notebook_with_their_continuation_lines()
    {
        var folder = NotebookCli.NewTempDirectory();
        var path = Path.Combine(folder, "x.ipynb");
        var notebook = new JsonObject
        {
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
            ["metadata"] = new JsonObject(),
            ["cells"] = new JsonArray(
                new JsonObject { ["cell_type"] = "markdown", ["metadata"] = new JsonObject(), ["source"] = "# 99 · Title\n\nIntro." },
                new JsonObject
                {
                    ["cell_type"] = "markdown",
                    ["metadata"] = new JsonObject(),
                    ["source"] = "**You will learn**\n- to add $a + b$;\n- to carry a digit\n  into the next column;\n\nNext paragraph.\n- not a bullet of the list",
                }),
        };
        File.WriteAllText(path, notebook.ToJsonString());

        var bullets = CourseHomePage.YouWillLearn(path);
        Directory.Delete(folder, recursive: true);

        Assert.Equal(["to add $a + b$", "to carry a digit into the next column"], bullets);
    }

    [Fact]
    public void Every_course_notebook_says_what_you_will_learn_for_the_home_page()
    {
        foreach (var path in NotebookFiles.All)
            Assert.True(CourseHomePage.YouWillLearn(path).Count >= 1, $"{Path.GetFileName(path)} has no \"You will learn\" bullets");
    }
}

/// <summary>The home page <c>notebooks run</c> writes, for the two test notebooks.</summary>
[Collection("Notebooks")]
[Trait("Category", Category.Notebooks)]
public sealed class CourseHomePageExportTests(ExportedNotebooks exported)
{
    [Fact]
    public void The_home_page_links_the_playground_draws_the_network_and_times_each_notebook()
    {
        var index = exported.Read("index.html");

        Assert.Contains($"href=\"{CourseHomePage.PlaygroundFile}\"", index);
        Assert.True(File.Exists(exported.PathOf(CourseHomePage.PlaygroundFile)));
        Assert.Contains("Plotly.newPlot", index);                                  // the network diagram
        Assert.Equal(2, Regex.Matches(index, """<td class="time">\d+\.\d s</td>""").Count);
        Assert.Contains("Open the notebooks live", index);
    }
}
