using System.Text.Json.Nodes;
using NeuralNetworks.Course;
using NeuralNetworks.Notebooks;

namespace NeuralNetworks.Tests.Notebooks;

/// <summary><see cref="OutputRenderer"/> on outputs made up here, as the kernel writes them.</summary>
public sealed class OutputRendererTests
{
    private static JsonObject Cell(params JsonObject[] outputs) => new()
    {
        ["cell_type"] = "code",
        ["metadata"] = new JsonObject(),
        ["source"] = "Check.Equal(\"k1\", 567, k1);",
        ["outputs"] = new JsonArray(outputs),
    };

    private static JsonObject Printed(string text) => new() { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = text };

    private static JsonObject Error(string ename, string evalue, params string[] traceback) =>
        new() { ["output_type"] = "error", ["ename"] = ename, ["evalue"] = evalue, ["traceback"] = new JsonArray(traceback.Select(t => (JsonNode?)t).ToArray()) };

    [Fact]
    public void A_failed_checks_line_shows_once_with_the_line_that_says_run_all_stops_there()
    {
        // The check prints its ✗ line, then throws it so that Run All stops: the page showed the line twice (an audit).
        const string line = "✗ k1: expected 567, actual 140, difference -427";
        var html = new OutputRenderer().RenderOutputs(Cell(Printed(line + "\n"), Error(nameof(CheckFailedException), line, CheckFailedException.StoppedHere)));

        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "✗ k1"));
        Assert.Contains($"<pre class=\"output error\">{CheckFailedException.StoppedHere}</pre>", html);
    }

    [Fact]
    public void An_error_whose_message_was_not_printed_shows_its_name_and_message()
    {
        var html = new OutputRenderer().RenderOutputs(Cell(Printed("something else\n"), Error("InvalidOperationException", "boom", "   at Cell 3")));

        Assert.Contains("<pre class=\"output error\">InvalidOperationException: boom\n   at Cell 3</pre>", html);
    }
}
