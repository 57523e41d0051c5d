using System.Globalization;
using System.Text.RegularExpressions;

namespace NeuralNetworks.Cli;

/// <summary>
/// Numbers on the command line are read one documented way: digits with a decimal point (and an optional
/// exponent, 1e-3), whatever the user's language settings. A comma, a digit-group separator or anything else is
/// refused with what it could have meant, never guessed.
/// </summary>
public static partial class Numbers
{
    /// <summary>Reads <paramref name="text"/> as a number with a decimal point; <paramref name="problem"/> says why not.</summary>
    public static bool TryParseDouble(string text, out double value, out string? problem)
    {
        problem = null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return true;
        problem = Explain(text, wholeNumber: false);
        return false;
    }

    /// <summary>Reads <paramref name="text"/> as a whole number (an int); <paramref name="problem"/> says why not.</summary>
    public static bool TryParseInt(string text, out int value, out string? problem)
    {
        problem = null;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out value))
            return true;
        string t = text.Trim();
        if (PlainInteger().IsMatch(t))
            problem = t.StartsWith('-')
                ? $"'{t}' is too small for a whole number here (the least is {int.MinValue:N0})"
                : $"'{t}' is too large for a whole number here (the largest is {int.MaxValue:N0})";
        else if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
            problem = d == Math.Floor(d) && Math.Abs(d) <= int.MaxValue
                ? $"'{t}' must be written as a whole number: {d.ToString("0", CultureInfo.InvariantCulture)}"
                : $"'{t}' is not a whole number";
        else
            problem = Explain(t, wholeNumber: true);
        return false;
    }

    /// <summary>Why <paramref name="text"/> is not a number, saying what a comma or separator would have meant.</summary>
    private static string Explain(string text, bool wholeNumber)
    {
        string t = text.Trim();
        string kind = wholeNumber ? "a whole number" : "a number";
        if (t.Length == 0) return $"an empty value is not {kind}";
        // ３ or ٣ (a wide or an Arabic-Indic digit) is a digit to .NET's \d, and not to the invariant parser (a hostile
        // user's audit, 2026-12-06: '３' was "too large").
        if (t.Any(c => char.IsDigit(c) && c is < '0' or > '9'))
            return $"'{t}' has digits other than 0–9; write it with the digits 0–9";
        var comma = DecimalComma().Match(t);
        if (comma.Success)
        {
            string asDecimal = $"{comma.Groups[1].Value}.{comma.Groups[2].Value}";
            string asThousands = long.TryParse(comma.Groups[1].Value + comma.Groups[2].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
                ? n.ToString(CultureInfo.InvariantCulture) : comma.Groups[1].Value + comma.Groups[2].Value;
            return $"'{t}' has a comma, which could mean {asDecimal} (decimal comma) or {asThousands} (thousands separator); " +
                   $"write {(wholeNumber ? asThousands : $"{asDecimal} or {asThousands}")}: numbers here take a decimal point and no separators, whatever the language settings";
        }
        if (Grouped().IsMatch(t))
            return $"'{t}' has digit-group separators; write it without them ({Regex.Replace(t, @"[,_ '’]", "")}): numbers here take a decimal point and no separators";
        return $"'{t}' is not {kind}{(wholeNumber ? "" : " (write decimals with a point, e.g. 0.5, or with an exponent, e.g. 1e-3)")}";
    }

    [GeneratedRegex(@"^[+-]?[0-9]+$")]
    private static partial Regex PlainInteger();

    [GeneratedRegex(@"^([+-]?[0-9]+),([0-9]+)$")]
    private static partial Regex DecimalComma();

    [GeneratedRegex(@"^[+-]?[0-9]{1,3}([,_ '’][0-9]{3})+(\.[0-9]+)?$")]
    private static partial Regex Grouped();
}
