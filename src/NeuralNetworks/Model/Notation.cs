using System.Globalization;

namespace NeuralNetworks.Model;

/// <summary>How numbers are written in messages and chart titles: layer numbers as superscripts, as in Wˡ.</summary>
internal static class Notation
{
    /// <summary>3 → "³", 12 → "¹²".</summary>
    public static string Superscript(int n) =>
        string.Concat(n.ToString(CultureInfo.InvariantCulture).Select(c => c == '-' ? '⁻' : "⁰¹²³⁴⁵⁶⁷⁸⁹"[c - '0']));
}
