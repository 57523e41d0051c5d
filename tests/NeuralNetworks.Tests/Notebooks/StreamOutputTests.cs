using NeuralNetworks.Notebooks;

namespace NeuralNetworks.Tests.Notebooks;

/// <summary>
/// What a cell prints is kept as Jupyter keeps it: one stream output per run of writes to stdout (or stderr), split into
/// lines that keep their "\n". Each write now adds its lines to the stream's instead of splitting all of it again (a
/// hostile user's audit, 2026-12-06: a cell printing 20 MB line by line did not end in 600 s); the lines must be the same.
/// </summary>
[Trait("Category", Category.Notebooks)]
public sealed class StreamOutputTests
{
    [Fact]
    public async Task Writes_in_pieces_give_the_lines_of_the_whole_text()
    {
        using var kernel = new NotebookKernel();
        var result = await kernel.RunCellAsync("""
            Console.Write("a");
            Console.Write("b\nc");
            Console.Write("\n");
            Console.Error.Write("oops\n");
            Console.Write("d");
            Console.Write("e\n\nf");
            for (int i = 0; i < 3000; i++) Console.WriteLine(i);
            """, "csharp", TimeSpan.FromMinutes(2));
        Assert.True(result.Error is null, result.Error);

        var streams = result.Outputs.Select(o => ((string?)o?["name"], o?["text"]?.AsArray().Select(t => (string)t!).ToArray() ?? [])).ToArray();
        Assert.Equal(["stdout", "stderr", "stdout"], streams.Select(s => s.Item1));
        Assert.Equal(["ab\n", "c\n"], streams[0].Item2);
        Assert.Equal(["oops\n"], streams[1].Item2);
        string[] expected = ["de\n", "\n", "f0\n", .. Enumerable.Range(1, 2999).Select(i => $"{i}\n")];
        Assert.Equal(expected, streams[2].Item2);
        // The same as splitting the whole text at once.
        Assert.Equal(NotebookFile.Lines(string.Concat(expected)).Select(l => (string)l!), streams[2].Item2);
    }
}
