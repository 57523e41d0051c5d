using NeuralNetworks.Cli;

namespace NeuralNetworks.Tests.Cli;

/// <summary>What the command line writes to the terminal from text it did not write itself shows control characters
/// instead of obeying them (an audit: a cell's error cleared the terminal and recoloured it).</summary>
public sealed class PrintableWriterTests
{
    [Theory]
    [InlineData("plain text, ✓ and ✗ and σ′\tand a tab", "plain text, ✓ and ✗ and σ′\tand a tab")]
    [InlineData("\u001b[2J\u001b[31mred", "\\x1B[2J\\x1B[31mred")]
    [InlineData("bell\u0007 backspace\b nul\0 del\u007f c1\u009b", "bell\\x07 backspace\\x08 nul\\x00 del\\x7F c1\\x9B")]
    [InlineData("over\rwritten", "over\\x0Dwritten")]
    [InlineData("a line\r\nthe next", "a line\r\nthe next")]
    [InlineData("evil\u202Etxt.exe and \u2066isolate\u2069", "evil\\u202Etxt.exe and \\u2066isolate\\u2069")]
    public void Control_characters_are_shown_not_obeyed(string text, string shown)
    {
        Assert.Equal(shown, PrintableWriter.Printable(text));

        var terminal = new StringWriter();
        var writer = new PrintableWriter(terminal);
        writer.Write(text);
        writer.WriteLine();
        writer.WriteLine(text);
        foreach (var c in text) writer.Write(c);
        Assert.Equal(shown + terminal.NewLine + shown + terminal.NewLine + shown.Replace("\r\n", "\\x0D\n", StringComparison.Ordinal), terminal.ToString());
    }
}
