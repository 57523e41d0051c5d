using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NeuralNetworks.Tests.Notebooks;

/// <summary>The executed notebooks follow nbformat 4.5, checked by hand (and by nbformat itself where installed).</summary>
[Collection("Notebooks")]
[Trait("Category", Category.Notebooks)]
public sealed partial class NotebookFormatTests(ExportedNotebooks exported)
{
    [Theory]
    [InlineData("passes.ipynb")]
    [InlineData("chart.ipynb")]
    public void Executed_notebooks_are_valid_nbformat_4_5_by_hand(string name)
    {
        var problems = Nbformat45Problems(JsonNode.Parse(exported.Read(name))!.AsObject());
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [InlineData("passes.ipynb")]
    [InlineData("chart.ipynb")]
    public void Executed_notebooks_are_valid_nbformat_4_5_by_the_official_schema(string name)
    {
        // Debian's python3-nbformat (which jupyter-nbconvert brings) validates against the official schema.
        var python = Requires.Python(Category.Notebooks, "nbformat");
        var check = ChildProcess.Run(new ProcessStartInfo(python,
            ["-c", "import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=4)); print('valid')", exported.PathOf(name)]),
            TimeSpan.FromMinutes(2));
        Assert.True(check.ExitCode == 0 && check.Stdout.Contains("valid"), check.TimedOut ? "nbformat did not finish within 2 minutes" : check.Stderr);
    }

    private static List<string> Nbformat45Problems(JsonObject notebook)
    {
        var problems = new List<string>();
        void Expect(bool ok, string problem)
        {
            if (!ok) problems.Add(problem);
        }

        Expect((int?)notebook["nbformat"] == 4, "nbformat must be 4");
        Expect((int?)notebook["nbformat_minor"] >= 5, "nbformat_minor must be at least 5 (cell ids)");
        Expect((string?)notebook["metadata"]?["kernelspec"]?["name"] == ".net-csharp", "kernelspec.name must be .net-csharp");
        Expect((string?)notebook["metadata"]?["kernelspec"]?["display_name"] is not null, "kernelspec.display_name missing");
        Expect((string?)notebook["metadata"]?["language_info"]?["name"] == "C#", "language_info.name must be C#");

        var ids = new HashSet<string>();
        var cells = notebook["cells"]?.AsArray() ?? [];
        Expect(cells.Count > 0, "no cells");
        foreach (var (cell, index) in cells.Select((c, i) => (c!.AsObject(), i + 1)))
        {
            var id = (string?)cell["id"];
            Expect(id is not null && CellId().IsMatch(id), $"cell {index}: id '{id}' is not 1-64 of [a-zA-Z0-9-_]");
            Expect(id is null || ids.Add(id), $"cell {index}: id '{id}' is not unique");
            Expect(cell["metadata"] is JsonObject, $"cell {index}: metadata must be an object");
            Expect(cell["source"] is JsonValue or JsonArray, $"cell {index}: source must be a string or a list of strings");
            var type = (string?)cell["cell_type"];
            if (type == "code")
            {
                Expect(cell.ContainsKey("execution_count"), $"cell {index}: execution_count missing");
                Expect(cell["outputs"] is JsonArray, $"cell {index}: outputs must be a list");
                foreach (var o in cell["outputs"]?.AsArray() ?? [])
                    problems.AddRange(OutputProblems(o!.AsObject()).Select(p => $"cell {index}: {p}"));
            }
            else
            {
                Expect(type is "markdown" or "raw", $"cell {index}: unknown cell_type {type}");
                Expect(!cell.ContainsKey("outputs") && !cell.ContainsKey("execution_count"), $"cell {index}: a {type} cell has no outputs");
            }
        }
        return problems;
    }

    private static IEnumerable<string> OutputProblems(JsonObject output)
    {
        string[]? required = (string?)output["output_type"] switch
        {
            "stream" => ["name", "text"],
            "display_data" => ["data", "metadata"],
            "execute_result" => ["data", "metadata", "execution_count"],
            "error" => ["ename", "evalue", "traceback"],
            _ => null,
        };
        if (required is null)
        {
            yield return $"unknown output_type {output["output_type"]}";
            yield break;
        }
        foreach (var key in required.Where(k => !output.ContainsKey(k)))
            yield return $"{output["output_type"]} output lacks {key}";
        if (output["traceback"] is { } traceback && traceback is not JsonArray)
            yield return "traceback must be a list of strings";
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex CellId();
}
