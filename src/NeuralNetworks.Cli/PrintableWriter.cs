using System.Text;

namespace NeuralNetworks.Cli;

/// <summary>
/// A writer to the terminal that shows control characters instead of obeying them: text that comes from a notebook's cells,
/// a student's file names or a data file (an error message, a grading log line) may hold escape sequences that would clear
/// the screen, recolour it or move the cursor over earlier lines. Each such character is written as <c>\x1B</c> (C0 and C1
/// controls, DEL) or <c>\u202E</c> (the bidirectional overrides that reorder what follows them); line feeds, tabs and a
/// carriage return right before a line feed pass as they are.
/// </summary>
/// <param name="inner">The terminal's writer.</param>
public sealed class PrintableWriter(TextWriter inner) : TextWriter
{
    /// <inheritdoc/>
    public override Encoding Encoding => inner.Encoding;

    /// <inheritdoc/>
    public override IFormatProvider FormatProvider => inner.FormatProvider;

    /// <inheritdoc/>
    [System.Diagnostics.CodeAnalysis.AllowNull]
    public override string NewLine
    {
        get => inner.NewLine;
        set => inner.NewLine = value;
    }

    /// <summary><paramref name="text"/> with its control characters made visible, as this writer writes it.</summary>
    public static string Printable(string text)
    {
        if (!text.Any(Escaped)) return text;
        var safe = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') safe.Append(c);
            else if (!Escaped(c)) safe.Append(c);
            else if (c <= '\u00FF') safe.Append("\\x").Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            else safe.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
        }
        return safe.ToString();
    }

    private static bool Escaped(char c) =>
        c is not ('\n' or '\t') && (char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069');

    /// <inheritdoc/>
    public override void Write(char value) => inner.Write(Printable(value.ToString()));

    /// <inheritdoc/>
    public override void Write(string? value) => inner.Write(Printable(value ?? ""));

    /// <inheritdoc/>
    public override void Write(char[] buffer, int index, int count) => inner.Write(Printable(new string(buffer, index, count)));

    /// <inheritdoc/>
    public override void WriteLine(string? value) => inner.WriteLine(Printable(value ?? ""));

    /// <inheritdoc/>
    public override void WriteLine() => inner.WriteLine();

    /// <inheritdoc/>
    public override void Flush() => inner.Flush();
}
