using System.Globalization;
using MathNet.Numerics.LinearAlgebra;

namespace NeuralNetworks.Course;

/// <summary>
/// The self-check behind every "Check yourself" cell: compare what you computed with what it should be, print
/// "✓ what: matched (…)" or "✗ what: expected …, actual …, difference …", and stop the notebook on a ✗.
/// </summary>
/// <remarks>
/// A ✗ throws <see cref="CheckFailedException"/> after printing, so "Run All" stops at the first wrong answer and
/// the test suite, which runs every notebook, fails. Set <see cref="ThrowOnFailure"/> to false to see every
/// result of a cell instead; the methods then return false on a ✗.
/// </remarks>
public static class Check
{
    private static readonly Session Everywhere = new();

    /// <summary>Whether a ✗ throws <see cref="CheckFailedException"/> (true unless you change it).</summary>
    public static bool ThrowOnFailure
    {
        get => Current.ThrowOnFailure;
        set => Current.ThrowOnFailure = value;
    }

    /// <summary>
    /// A session of checks with its own output, setting and counts, for the async flow that sets it (tests use
    /// it to run side by side); null means the one session of the process, writing to <see cref="Console.Out"/>.
    /// </summary>
    internal static AsyncLocal<Session?> Scoped { get; } = new();

    private static Session Current => Scoped.Value ?? Everywhere;

    /// <summary>Checks |actual − expected| ≤ tolerance.</summary>
    /// <param name="what">What is being checked, e.g. "z¹₀".</param>
    /// <param name="expected">The value it should have.</param>
    /// <param name="actual">The value you computed.</param>
    /// <param name="tolerance">The largest |difference| that still counts as a match.</param>
    /// <returns>True on a match; on a mismatch false, or <see cref="CheckFailedException"/> when <see cref="ThrowOnFailure"/>.</returns>
    public static bool Equal(string what, double expected, double actual, double tolerance = 1e-9)
    {
        var difference = actual - expected;
        return Matches(expected, actual, tolerance)
            ? Pass(what, expected.Equals(actual) ? $"matched (exactly {Number(actual)})" : $"matched ({Number(actual)}, difference {Small(difference)} within {Small(tolerance)})")
            : Fail(what, $"expected {Number(expected)}, actual {Number(actual)}, difference {Small(difference)} (tolerance {Small(tolerance)})");
    }

    /// <summary>Checks that two whole numbers (a count, a class, a shape) are equal.</summary>
    /// <param name="what">What is being checked, e.g. "predicted digit".</param>
    /// <param name="expected">The value it should have.</param>
    /// <param name="actual">The value you computed.</param>
    /// <returns>True on a match; on a mismatch false, or <see cref="CheckFailedException"/> when <see cref="ThrowOnFailure"/>.</returns>
    public static bool Equal(string what, int expected, int actual) =>
        expected == actual
            ? Pass(what, $"matched ({actual})")
            : Fail(what, $"expected {expected}, actual {actual}, difference {actual - expected}");

    /// <summary>Checks two vectors entry by entry: same length, and max |actualᵢ − expectedᵢ| ≤ tolerance.</summary>
    /// <param name="what">What is being checked, e.g. "a²".</param>
    /// <param name="expected">The vector it should be.</param>
    /// <param name="actual">The vector you computed.</param>
    /// <param name="tolerance">The largest |difference| of any entry that still counts as a match.</param>
    /// <returns>True on a match; on a mismatch false, or <see cref="CheckFailedException"/> when <see cref="ThrowOnFailure"/>.</returns>
    public static bool Equal(string what, Vector<double> expected, Vector<double> actual, double tolerance = 1e-9)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        if (expected.Count != actual.Count)
            return Fail(what, $"expected a vector of {expected.Count}, actual a vector of {actual.Count}");
        return Compare(what, $"vector of {actual.Count}", Enumerable.Range(0, actual.Count).Select(i => ($"[{i}]", expected[i], actual[i])), tolerance);
    }

    /// <summary>Checks two matrices entry by entry: same shape, and max |actualᵢⱼ − expectedᵢⱼ| ≤ tolerance.</summary>
    /// <param name="what">What is being checked, e.g. "∂C/∂W²".</param>
    /// <param name="expected">The matrix it should be.</param>
    /// <param name="actual">The matrix you computed.</param>
    /// <param name="tolerance">The largest |difference| of any entry that still counts as a match.</param>
    /// <returns>True on a match; on a mismatch false, or <see cref="CheckFailedException"/> when <see cref="ThrowOnFailure"/>.</returns>
    public static bool Equal(string what, Matrix<double> expected, Matrix<double> actual, double tolerance = 1e-9)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        if (expected.RowCount != actual.RowCount || expected.ColumnCount != actual.ColumnCount)
            return Fail(what, $"expected a {Shape(expected)} matrix, actual {Shape(actual)}");
        var entries = from i in Enumerable.Range(0, actual.RowCount)
                      from j in Enumerable.Range(0, actual.ColumnCount)
                      select ($"[{i}, {j}]", expected[i, j], actual[i, j]);
        return Compare(what, $"{Shape(actual)} matrix", entries, tolerance);
    }

    /// <summary>Checks a condition, e.g. "every activation is in (0, 1)".</summary>
    /// <param name="what">The claim being checked.</param>
    /// <param name="condition">Whether it holds.</param>
    /// <param name="detail">What was looked at, printed either way, e.g. "min 0.02, max 0.97".</param>
    /// <returns>True when it holds; otherwise false, or <see cref="CheckFailedException"/> when <see cref="ThrowOnFailure"/>.</returns>
    public static bool That(string what, bool condition, string detail = "") =>
        condition
            ? Pass(what, detail.Length == 0 ? "holds" : $"holds ({detail})")
            : Fail(what, detail.Length == 0 ? "does not hold" : $"does not hold ({detail})");

    /// <summary>What <see cref="Answer{T}(string, T, Action{T})"/> prints for an exercise whose answer is still null.</summary>
    public const string NotAnsweredYet = "not answered yet";

    /// <summary>
    /// Checks an exercise's answer, or says it is not answered yet. An exercise declares its answer as null
    /// (<c>Func&lt;double, double&gt;? sigmoid = null;</c>); while it is null this prints
    /// "◌ <paramref name="exercise"/>: not answered yet" and returns false without stopping the notebook. Once you set it,
    /// <paramref name="check"/> runs the exercise's checks on it for real: ✓ or ✗.
    /// </summary>
    /// <param name="exercise">The exercise and its variable, e.g. "Exercise 2 (sigmoid)".</param>
    /// <param name="answer">The variable you set.</param>
    /// <param name="check">The checks to run on the answer (calls to <see cref="Equal(string, double, double, double)"/>, <see cref="That"/>, …).</param>
    /// <returns>True when answered and every check passed.</returns>
    public static bool Answer<T>(string exercise, T? answer, Action<T> check) where T : class
    {
        ArgumentNullException.ThrowIfNull(check);
        return answer is null ? NotAnswered(exercise) : Checked(() => check(answer));
    }

    /// <summary>
    /// Checks an exercise's numeric (or other value) answer, declared as nullable (<c>int? k1 = null;</c>); while it is
    /// null this prints "◌ <paramref name="exercise"/>: not answered yet" and returns false without stopping the notebook.
    /// </summary>
    /// <param name="exercise">The exercise and its variable, e.g. "Exercise 1 (k1)".</param>
    /// <param name="answer">The variable you set.</param>
    /// <param name="check">The checks to run on the answer.</param>
    /// <returns>True when answered and every check passed.</returns>
    public static bool Answer<T>(string exercise, T? answer, Action<T> check) where T : struct
    {
        ArgumentNullException.ThrowIfNull(check);
        return answer is { } value ? Checked(() => check(value)) : NotAnswered(exercise);
    }

    private static bool NotAnswered(string exercise)
    {
        Interlocked.Increment(ref Current.NotAnswered);
        Out.WriteLine($"◌ {exercise}: {NotAnsweredYet} (set it in the answer cell above, then run this cell again)");
        return false;
    }

    private static bool Checked(Action check)
    {
        int failedBefore = Current.Failed;
        check();
        return Current.Failed == failedBefore;
    }

    /// <summary>Prints how many checks passed and failed since the last summary, then starts counting again.</summary>
    /// <returns>True when none failed.</returns>
    public static bool Summary()
    {
        var session = Current;
        var (p, f) = (Interlocked.Exchange(ref session.Passed, 0), Interlocked.Exchange(ref session.Failed, 0));
        var open = Interlocked.Exchange(ref session.NotAnswered, 0);
        var unanswered = open == 0 ? "" : $"; {open} exercise{(open == 1 ? "" : "s")} not answered yet";
        Out.WriteLine(f == 0
            ? $"✓ all {p} check{(p == 1 ? "" : "s")} passed{unanswered}"
            : $"✗ {f} of {p + f} check{(p + f == 1 ? "" : "s")} failed{unanswered}");
        return f == 0;
    }

    // Console.Out is read at each check, not kept: a notebook kernel points it at the running cell.
    private static TextWriter Out => Current.Writer ?? Console.Out;

    private static bool Matches(double expected, double actual, double tolerance) =>
        expected.Equals(actual) || Math.Abs(actual - expected) <= tolerance;

    private static bool Compare(string what, string shape, IEnumerable<(string Index, double Expected, double Actual)> entries, double tolerance)
    {
        var worst = ("", 0.0, 0.0);
        var worstDifference = -1.0;
        var mismatches = 0;
        foreach (var entry in entries)
        {
            var difference = entry.Expected.Equals(entry.Actual) ? 0 : Math.Abs(entry.Actual - entry.Expected);
            if (double.IsNaN(difference)) difference = double.PositiveInfinity;
            if (!Matches(entry.Expected, entry.Actual, tolerance)) mismatches++;
            if (difference > worstDifference) (worst, worstDifference) = (entry, difference);
        }
        return mismatches == 0
            ? Pass(what, $"matched ({shape}, max |difference| {Small(Math.Max(worstDifference, 0))} within {Small(tolerance)})")
            : Fail(what, $"{mismatches} of the entries differ; worst at {worst.Item1}: expected {Number(worst.Item2)}, actual {Number(worst.Item3)}, " +
                         $"difference {Small(worst.Item3 - worst.Item2)} (tolerance {Small(tolerance)})");
    }

    private static bool Pass(string what, string result)
    {
        Interlocked.Increment(ref Current.Passed);
        Out.WriteLine($"✓ {what}: {result}");
        return true;
    }

    private static bool Fail(string what, string detail)
    {
        Interlocked.Increment(ref Current.Failed);
        var line = $"✗ {what}: {detail}";
        Out.WriteLine(line);
        return ThrowOnFailure ? throw new CheckFailedException(what, line) : false;
    }

    /// <summary>Where checks write, whether a ✗ throws, and how many passed and failed since the last summary.</summary>
    internal sealed class Session
    {
        /// <summary>Where results go; null means <see cref="Console.Out"/> at the time of the check.</summary>
        public TextWriter? Writer;

        /// <summary>Whether a ✗ throws.</summary>
        public bool ThrowOnFailure = true;

        /// <summary>Checks passed since the last summary.</summary>
        public int Passed;

        /// <summary>Checks failed since the last summary.</summary>
        public int Failed;

        /// <summary>Exercises found unanswered since the last summary.</summary>
        public int NotAnswered;
    }

    private static string Shape(Matrix<double> m) => $"{m.RowCount} × {m.ColumnCount}";

    private static string Number(double x) => x.ToString("g6", CultureInfo.InvariantCulture);

    private static string Small(double x) => x.ToString("g3", CultureInfo.InvariantCulture);
}

/// <summary>A "Check yourself" check that did not match; its message is the ✗ line that was printed.</summary>
public sealed class CheckFailedException : Exception
{
    /// <summary>Creates the exception for the check named <paramref name="what"/>.</summary>
    /// <param name="what">What was being checked.</param>
    /// <param name="message">The ✗ line that was printed.</param>
    public CheckFailedException(string what, string message) : base(message) => What = what;

    /// <summary>What was being checked.</summary>
    public string What { get; }
}
