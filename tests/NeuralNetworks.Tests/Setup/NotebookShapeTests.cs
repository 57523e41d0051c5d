namespace NeuralNetworks.Tests.Setup;

/// <summary>Every notebook opens and closes the same way: a "# NN · Title" heading with a one-line summary in italics, and
/// a last line that links the notebooks before and after it by their own titles.</summary>
public sealed class NotebookShapeTests
{
    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (var path in NotebookFiles.All) data.Add(Path.GetFileName(path));
        return data;
    }

    private static string Title(string path)
    {
        var first = NotebookFiles.Cells(path)[0];
        Assert.Equal("markdown", first.Kind);
        return first.Source.Split('\n')[0];
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Opens_with_its_number_its_title_and_a_summary_in_italics(string name)
    {
        var path = Path.Combine(NotebookFiles.NotebooksFolder, name);
        var lines = NotebookFiles.Cells(path)[0].Source.Split('\n');

        Assert.Matches($@"^# {name[..2]} · \S.*$", lines[0]);
        Assert.Equal("", lines[1]);
        Assert.Matches(@"^\*[^*].*\*$", lines[2]);
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Closes_with_links_to_the_notebooks_before_and_after_it_under_their_titles(string name)
    {
        var all = NotebookFiles.All.ToList();
        int at = all.FindIndex(p => Path.GetFileName(p) == name);
        var last = NotebookFiles.Cells(all[at])[^1];
        Assert.Equal("markdown", last.Kind);
        var navigation = last.Source.TrimEnd().Split('\n')[^1];

        var parts = new List<string>();
        if (at > 0) parts.Add($"**Previous:** [{Title(all[at - 1])[2..]}]({Path.GetFileName(all[at - 1])})");
        if (at < all.Count - 1) parts.Add($"**Next:** [{Title(all[at + 1])[2..]}]({Path.GetFileName(all[at + 1])})");
        Assert.Equal(string.Join(" · ", parts), navigation);
    }
}
