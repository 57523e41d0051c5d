using System.Diagnostics;
using MathNet.Numerics.LinearAlgebra;

namespace NeuralNetworks.Course;

/// <summary>
/// What a wrong answer is, in words: a likely mistake it matches, a constant factor or sign, a transposed shape.
/// Used by <see cref="Check"/>; each returns null when it has nothing to say.
/// </summary>
internal static class Diagnosis
{
    /// <summary>The likely mistake the answer matches (same shape, every entry within the tolerance, or within 1e-9 of
    /// each entry's size), named with how close it is.</summary>
    public static string? Named(IEnumerable<Mistake> likely, Matrix<double> actual, double tolerance)
    {
        foreach (var mistake in likely)
        {
            Matrix<double> wrong;
            try { wrong = mistake.WouldGive(); }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException) { continue; }
            if (wrong.RowCount != actual.RowCount || wrong.ColumnCount != actual.ColumnCount) continue;
            double worst = MaxDifference(wrong, actual);
            if (worst <= Math.Max(tolerance, 1e-9 * Scale(wrong)))
                return $"this looks like {mistake.Name}: {mistake.Explanation} (yours equals that{(worst == 0 ? " exactly" : $", to {Check.Small(worst)}")})";
        }
        return null;
    }

    /// <summary>A named mistake, or a constant factor (such as m, or −1) between the answer and the right one.</summary>
    public static string? Of(IEnumerable<Mistake> likely, Matrix<double> expected, Matrix<double> actual, double tolerance) =>
        Named(likely, actual, tolerance) ?? Factor(expected, actual, tolerance);

    /// <summary>Says what a wrong shape could mean: the transpose of the right one, or only that it differs.</summary>
    public static string OfShape(Matrix<double> expected, Matrix<double> actual) =>
        expected.RowCount == actual.ColumnCount && expected.ColumnCount == actual.RowCount
            ? $"expected a {Check.Shape(expected)} matrix, yours is {Check.Shape(actual)}: the shape of its transpose. " +
              "Did you swap rows and columns (W where Wᵀ belongs, or an outer product the wrong way round)?"
            : $"expected a {Check.Shape(expected)} matrix, yours is {Check.Shape(actual)}";

    /// <summary>"yours is 10 × the right answer": every entry a constant c times the expected one (c ≠ 1).</summary>
    private static string? Factor(Matrix<double> expected, Matrix<double> actual, double tolerance)
    {
        // Least squares c = Σ e·a / Σ e², then every entry must agree with c·e.
        double ee = 0, ea = 0;
        for (int i = 0; i < expected.RowCount; i++)
            for (int j = 0; j < expected.ColumnCount; j++)
            {
                ee += expected[i, j] * expected[i, j];
                ea += expected[i, j] * actual[i, j];
            }
        if (!(ee > 0)) return null;
        double c = ea / ee;
        if (!double.IsFinite(c) || Math.Abs(c - 1) < 1e-6 || Math.Abs(c) < 1e-12) return null;
        double worst = MaxDifference(expected * c, actual);
        if (worst > Math.Max(tolerance, 1e-9 * Scale(actual))) return null;
        double rounded = Math.Round(c);
        string factor = Math.Abs(c - rounded) < 1e-6 * Math.Max(1, Math.Abs(c)) ? rounded.ToString("0", System.Globalization.CultureInfo.InvariantCulture) : Check.Number(c);
        return c < 0 && Math.Abs(c + 1) < 1e-6
            ? "yours is the right answer with its sign flipped (−1 ×): a minus sign too many or too few"
            : Math.Abs(1 / c - Math.Round(1 / c)) < 1e-6
                ? $"yours is the right answer divided by {Math.Round(1 / c):0} everywhere: an average taken twice, or a sum where none belongs?"
                : $"yours is {factor} × the right answer everywhere: a sum where the mean belongs, or a factor too many?";
    }

    /// <summary>Where in the student's code an exception came from, when the stack says: a notebook cell's code is
    /// compiled into a class called Submission#N, a local function into a method named &lt;…&gt;g__name|…, a lambda into
    /// &lt;…&gt;b__….</summary>
    public static string Where(Exception e) => Where(e, checkCell: null) ?? "";

    /// <summary>
    /// <see cref="Where(Exception)"/> without the frames of <paramref name="checkCell"/> (the check cell's Submission#N, from
    /// <see cref="CallingCell"/>): null when the exception came from the check cell's own code alone, which is not the
    /// student's (a check that indexes with the answer, or uses a variable an earlier failed cell never set).
    /// </summary>
    public static string? Where(Exception e, string? checkCell)
    {
        var cells = new StackTrace(e).GetFrames().Where(f => CellOf(f) is not null).ToList();
        var frame = cells.FirstOrDefault(f => CellOf(f) != checkCell);
        if (frame is null && cells.Count > 0 && checkCell is not null) return null;
        if (frame?.GetMethod()?.Name is not { } name) return "";
        if (!name.StartsWith('<')) return $" (in your function {name})";     // a function declared in a cell
        var local = System.Text.RegularExpressions.Regex.Match(name, @"g__(?<name>[A-Za-z_][A-Za-z0-9_]*)\|");
        return local.Success ? $" (in your function {local.Groups["name"].Value})" : " (in your code)";
    }

    /// <summary>The notebook cell the current code was called from (its compiled class Submission#N), or null outside a notebook.</summary>
    public static string? CallingCell() => new StackTrace().GetFrames().Select(CellOf).FirstOrDefault(c => c is not null);

    // A cell's code and the lambdas and local functions in it (nested classes Submission#N+<>c, …) belong to Submission#N.
    private static string? CellOf(StackFrame frame) =>
        frame.GetMethod()?.DeclaringType?.FullName is { } type && type.Contains("Submission#", StringComparison.Ordinal)
            ? type.Split('+')[0]
            : null;

    private static double MaxDifference(Matrix<double> a, Matrix<double> b)
    {
        double worst = 0;
        for (int i = 0; i < a.RowCount; i++)
            for (int j = 0; j < a.ColumnCount; j++)
            {
                double d = Math.Abs(a[i, j] - b[i, j]);
                if (double.IsNaN(d)) return double.PositiveInfinity;
                worst = Math.Max(worst, d);
            }
        return worst;
    }

    private static double Scale(Matrix<double> m) => m.Enumerate().Select(Math.Abs).DefaultIfEmpty(0).Max();
}
