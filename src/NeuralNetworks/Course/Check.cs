using System.Reflection;
using System.Globalization;
using System.Runtime.CompilerServices;
using Expr = System.Linq.Expressions.Expression;
using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Model;

namespace NeuralNetworks.Course;

/// <summary>
/// The self-check behind every "Check yourself" cell: compare what you computed with what it should be, print
/// "✓ what: matched (…)" or "✗ what: expected …, actual …, difference …", and stop the notebook on a ✗.
/// </summary>
/// <remarks>
/// An answer the student typed (a number, a pair of numbers, a yes or no: the value overloads of
/// <see cref="Answer{T}(string, T?, Action{T})"/>) gets a ✗ that says which side of the right value it lies on, "yours is
/// 0.8, above the right value", and names a likely mistake it matches, but never prints the right value: copying it from
/// the ✗ line into the answer cell would pass. Code (a function, a network) is checked on inputs of the check's choosing,
/// and its ✗ prints what it should have given.
/// <para>A ✗ throws <see cref="CheckFailedException"/> after printing, so "Run All" stops at the first wrong answer and
/// the test suite, which runs every notebook, fails. Set <see cref="ThrowOnFailure"/> to false to see every
/// result of a cell instead; the methods then return false on a ✗.</para>
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
        if (Matches(expected, actual, tolerance))
            return Pass(what, expected.Equals(actual) ? $"matched (exactly {Number(actual)})" : $"matched ({Number(actual)}, difference {Small(difference)} within {Small(tolerance)})");
        var (e, a) = Numbers(expected, actual);
        var typed = Current.TypedAnswer;
        var hints = $"{DigitsHint(expected, actual, typed)}{ZeroHint(expected, actual == 0)}";
        return typed
            ? Fail(what, $"yours is {a}, {Side(expected, actual)} (tolerance {Small(tolerance)}){hints}")
            : Fail(what, $"expected {e}, actual {a}, difference {Small(difference)} (tolerance {Small(tolerance)}){hints}");
    }

    /// <summary>
    /// Checks |actual − expected| ≤ tolerance, and on a mismatch names the first of <paramref name="likely"/> mistakes
    /// that gives <paramref name="actual"/>, e.g. "this looks like the sign of Δa₉ dropped: …".
    /// </summary>
    /// <param name="what">What is being checked.</param>
    /// <param name="expected">The value it should have.</param>
    /// <param name="actual">The value you computed.</param>
    /// <param name="tolerance">The largest |difference| that still counts as a match (and as matching a mistake).</param>
    /// <param name="likely">Mistakes students make here, each with the number it would give (<see cref="Mistake.Number"/>).</param>
    /// <returns>True on a match; on a mismatch false, or <see cref="CheckFailedException"/> when <see cref="ThrowOnFailure"/>.</returns>
    public static bool Equal(string what, double expected, double actual, double tolerance, params Mistake[] likely)
    {
        ArgumentNullException.ThrowIfNull(likely);
        if (double.IsFinite(actual) && Math.Abs(actual - expected) <= tolerance) return Equal(what, expected, actual, tolerance);
        foreach (var mistake in likely)
        {
            double wrong;
            try { wrong = mistake.WouldGive()[0, 0]; }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException) { continue; }
            if (Math.Abs(actual - wrong) <= Math.Max(tolerance, 1e-9 * Math.Abs(wrong)) && Math.Abs(wrong - expected) > tolerance)
                return Fail(what, Current.TypedAnswer
                    ? $"yours is {Number(actual)}: this looks like {mistake.Name}: {mistake.Explanation}"
                    : $"yours is {Number(actual)}, expected {Number(expected)}: this looks like {mistake.Name}: {mistake.Explanation}");
        }
        return Equal(what, expected, actual, tolerance);
    }

    /// <summary>Checks that two whole numbers (a count, a class, a shape) are equal.</summary>
    /// <param name="what">What is being checked, e.g. "predicted digit".</param>
    /// <param name="expected">The value it should have.</param>
    /// <param name="actual">The value you computed.</param>
    /// <returns>True on a match; on a mismatch false, or <see cref="CheckFailedException"/> when <see cref="ThrowOnFailure"/>.</returns>
    public static bool Equal(string what, int expected, int actual) =>
        expected == actual
            ? Pass(what, $"matched ({actual})")
            : Fail(what, Current.TypedAnswer
                ? $"yours is {actual}, {Side(expected, actual)}"
                : $"expected {expected}, actual {actual}, difference {actual - expected}");

    /// <summary>Checks two vectors entry by entry: same length, and max |actualᵢ − expectedᵢ| ≤ tolerance.</summary>
    /// <param name="what">What is being checked, e.g. "a²".</param>
    /// <param name="expected">The vector it should be.</param>
    /// <param name="actual">The vector you computed.</param>
    /// <param name="tolerance">The largest |difference| of any entry that still counts as a match.</param>
    /// <returns>True on a match; on a mismatch false, or <see cref="CheckFailedException"/> when <see cref="ThrowOnFailure"/>.</returns>
    public static bool Equal(string what, Vector<double> expected, Vector<double> actual, double tolerance = 1e-9) =>
        Equal(what, expected, actual, tolerance, []);

    /// <summary>
    /// Checks a vector you computed, and when it is wrong says how: a likely mistake it matches (e.g. σ′ left out), a
    /// constant factor or a flipped sign, or else the first entry that differs.
    /// </summary>
    /// <param name="what">What is being checked, e.g. "δ³".</param>
    /// <param name="expected">The vector it should be.</param>
    /// <param name="actual">The vector you computed (null: your code returned nothing).</param>
    /// <param name="tolerance">The largest |difference| of any entry that still counts as a match.</param>
    /// <param name="likely">Mistakes students make here, each with what it would give.</param>
    /// <returns>True on a match; on a mismatch false, or <see cref="CheckFailedException"/> when <see cref="ThrowOnFailure"/>.</returns>
    public static bool Equal(string what, Vector<double> expected, Vector<double>? actual, double tolerance, params Mistake[] likely)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (actual is null) return Fail(what, "your code gave null instead of a vector");
        if (expected.Count != actual.Count)
            return Fail(what, Diagnosis.Named(likely, actual.ToColumnMatrix(), tolerance) ?? $"expected a vector of {expected.Count}, yours has {actual.Count} entries");
        var entries = Enumerable.Range(0, actual.Count).Select(i => ($"[{i}]", expected[i], actual[i])).ToArray();
        return Compare(what, $"vector of {actual.Count}", entries, tolerance,
            () => Diagnosis.Of(likely, expected.ToColumnMatrix(), actual.ToColumnMatrix(), tolerance));
    }

    /// <summary>Checks two matrices entry by entry: same shape, and max |actualᵢⱼ − expectedᵢⱼ| ≤ tolerance.</summary>
    /// <param name="what">What is being checked, e.g. "∂C/∂W²".</param>
    /// <param name="expected">The matrix it should be.</param>
    /// <param name="actual">The matrix you computed.</param>
    /// <param name="tolerance">The largest |difference| of any entry that still counts as a match.</param>
    /// <returns>True on a match; on a mismatch false, or <see cref="CheckFailedException"/> when <see cref="ThrowOnFailure"/>.</returns>
    public static bool Equal(string what, Matrix<double> expected, Matrix<double> actual, double tolerance = 1e-9) =>
        Equal(what, expected, actual, tolerance, []);

    /// <summary>
    /// Checks a matrix you computed: its shape first, then its values; when it is wrong, says how: a likely mistake it
    /// matches (e.g. a transposed W, a sum where the mean belongs), a constant factor or a flipped sign, a shape that is
    /// the transpose of the right one, or else the first entry that differs (row, column, yours, expected).
    /// </summary>
    /// <param name="what">What is being checked, e.g. "∂C/∂W² (layer 2)".</param>
    /// <param name="expected">The matrix it should be.</param>
    /// <param name="actual">The matrix you computed (null: your code returned nothing).</param>
    /// <param name="tolerance">The largest |difference| of any entry that still counts as a match.</param>
    /// <param name="likely">Mistakes students make here, each with what it would give.</param>
    /// <returns>True on a match; on a mismatch false, or <see cref="CheckFailedException"/> when <see cref="ThrowOnFailure"/>.</returns>
    public static bool Equal(string what, Matrix<double> expected, Matrix<double>? actual, double tolerance, params Mistake[] likely)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (actual is null) return Fail(what, "your code gave null instead of a matrix");
        if (expected.RowCount != actual.RowCount || expected.ColumnCount != actual.ColumnCount)
            return Fail(what, Diagnosis.Named(likely, actual, tolerance) ?? Diagnosis.OfShape(expected, actual));
        var entries = (from i in Enumerable.Range(0, actual.RowCount)
                       from j in Enumerable.Range(0, actual.ColumnCount)
                       select ($"[{i}, {j}]", expected[i, j], actual[i, j])).ToArray();
        return Compare(what, $"{Shape(actual)} matrix", entries, tolerance, () => Diagnosis.Of(likely, expected, actual, tolerance));
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
        if (answer is null) return NotAnswered(exercise);
        if (answer is Delegate function && TheLibrarys(function) is { } name)
            return Checked(exercise, () => Fail(exercise, $"your answer is the library's own function{name}, not yours: the exercise is to write it " +
                                                          "yourself (the library's is there for the course to compare with)"));
        return Checked(exercise, () => check(answer));
    }

    /// <summary>
    /// False, with a ✗, when <paramref name="yours"/> calls one of <paramref name="library"/>, the library's methods that
    /// compute what the exercise asks for, anywhere in its code or in the notebook's code it calls (its lambdas, local
    /// functions, methods of earlier cells); true, printing nothing, otherwise. A student's audit (H2): the library's answer
    /// wrapped in a lambda, <c>(a, y) =&gt; Cost.Quadratic.Of(a, y)</c>, passed every check. Nothing is run: the
    /// function's compiled code is read (<see cref="LibraryCalls"/>).
    /// </summary>
    /// <param name="what">The answer's variable, e.g. "myCost".</param>
    /// <param name="yours">The student's function, before any wrapper of the check's own.</param>
    /// <param name="library">The methods (from <see cref="LibraryCalls.Named"/>).</param>
    internal static bool YourOwn(string what, Delegate yours, params IEnumerable<MethodBase>[] library) =>
        LibraryCalls.FirstOf(yours, library.SelectMany(m => m).ToList()) is not { } called
        || Fail(what, $"your function calls the library's own {LibraryCalls.NameOf(called)}, which computes what the exercise asks for: " +
                      "the exercise is to compute it yourself (the library's is there for the course to compare with)");

    /// <summary>
    /// " (Cost.Of)" when <paramref name="function"/> is a method of this library handed in as it is, e.g.
    /// <c>myCost = Cost.Quadratic.Of;</c> (a student's audit, H2: it passed every check); null for a function written in a
    /// notebook. A lambda of the student's that calls the library cannot be told apart at run time.
    /// </summary>
    private static string? TheLibrarys(Delegate function)
    {
        var method = function.Method;
        if (method.DeclaringType?.Assembly != typeof(Check).Assembly) return null;
        var type = method.DeclaringType.DeclaringType is { } outer && method.DeclaringType.Name.StartsWith('<') ? outer : method.DeclaringType;
        return method.Name.Contains('<') ? $" (from {type.Name})" : $" ({type.Name}.{method.Name})";
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
        return answer is { } value ? Checked(exercise, () => check(value), typed: true) : NotAnswered(exercise);
    }

    /// <summary>
    /// Checks an exercise's number declared without the <c>?</c> (<c>double zAtTenth = 2.06;</c>, <c>var largestFactor =
    /// 1.0 / 64;</c>): a value that cannot be null is an answer, so <paramref name="check"/> runs on it at once. (The course
    /// declares answers nullable, <c>double? zAtTenth = null;</c>, so that an untouched one reads "not answered yet".)
    /// </summary>
    /// <param name="exercise">The exercise and its variable, e.g. "Exercise 1 (zAtTenth)".</param>
    /// <param name="answer">The variable you set.</param>
    /// <param name="check">The checks to run on the answer.</param>
    /// <returns>True when every check passed.</returns>
    public static bool Answer(string exercise, double answer, Action<double> check) => Answered(exercise, answer, check);

    /// <summary>As <see cref="Answer(string, double, Action{double})"/>, for a whole number declared without the <c>?</c> (<c>int k1 = 567;</c>).</summary>
    /// <param name="exercise">The exercise and its variable.</param>
    /// <param name="answer">The variable you set.</param>
    /// <param name="check">The checks to run on the answer.</param>
    /// <returns>True when every check passed.</returns>
    public static bool Answer(string exercise, int answer, Action<int> check) => Answered(exercise, answer, check);

    /// <summary>As <see cref="Answer(string, double, Action{double})"/>, for a whole number declared without the <c>?</c> (<c>long n = 13002;</c>).</summary>
    /// <param name="exercise">The exercise and its variable.</param>
    /// <param name="answer">The variable you set.</param>
    /// <param name="check">The checks to run on the answer.</param>
    /// <returns>True when every check passed.</returns>
    public static bool Answer(string exercise, long answer, Action<long> check) => Answered(exercise, answer, check);

    /// <summary>As <see cref="Answer(string, double, Action{double})"/>, for a yes or no declared without the <c>?</c> (<c>bool same = true;</c>).</summary>
    /// <param name="exercise">The exercise and its variable.</param>
    /// <param name="answer">The variable you set.</param>
    /// <param name="check">The checks to run on the answer.</param>
    /// <returns>True when every check passed.</returns>
    public static bool Answer(string exercise, bool answer, Action<bool> check) => Answered(exercise, answer, check);

    private static bool Answered<T>(string exercise, T answer, Action<T> check)
    {
        ArgumentNullException.ThrowIfNull(check);
        return Checked(exercise, () => check(answer), typed: true);
    }

    /// <summary>
    /// Your function where you have written it and it passed its check, else the library's, saying which: later cells of a
    /// notebook run on what you built as soon as it works. Prints "→ using your forward pass", "→ using the library's
    /// forward pass (yours is still null)", or, when the last check of your variable (the exercise whose name ends with
    /// "(myForward)") said ✗ or ran before you set it, "→ using the library's forward pass: yours did not pass …" — so a
    /// later exercise's expected value never comes from a function that is known to be wrong.
    /// </summary>
    /// <param name="yours">Your function (null until you write it).</param>
    /// <param name="library">The library's version of it.</param>
    /// <param name="what">What it is, e.g. "forward pass".</param>
    /// <param name="yourVariable">Your variable's name, filled in by the compiler from the first argument (e.g. "myForward").</param>
    /// <returns><paramref name="yours"/> when set and not failed, else <paramref name="library"/>.</returns>
    /// <remarks>When yours throws in a later cell, that cell fails with one line, "your σ threw …", not the kernel's stack
    /// trace (<see cref="YourCodeFailedException"/>).</remarks>
    public static T YoursOr<T>(T? yours, T library, string what, [CallerArgumentExpression(nameof(yours))] string yourVariable = "") where T : class
    {
        ArgumentNullException.ThrowIfNull(library);
        if (yours is null)
        {
            Out.WriteLine($"→ using the library's {what} (yours is still null)");
            return library;
        }
        if (LastCheckOf(yourVariable) is { Outcome: not ExerciseOutcome.Passed } last)
        {
            Out.WriteLine(last.Outcome == ExerciseOutcome.Failed
                ? $"→ using the library's {what}: yours did not pass \"{last.Exercise}\" (mend it, run that check again, then this cell)"
                : $"→ using the library's {what}: yours is not checked yet (run \"{last.Exercise}\" again, then this cell)");
            return library;
        }
        Out.WriteLine($"→ using your {what}");
        return Reporting(yours, what);
    }

    /// <summary>The last result of the exercise that checks <paramref name="variable"/> (its name ends with "(variable)"), if any ran.</summary>
    private static ExerciseResult? LastCheckOf(string variable)
    {
        if (variable.Length == 0 || !variable.All(c => char.IsLetterOrDigit(c) || c == '_')) return null;
        var ending = $"({variable})";
        var session = Current;
        lock (session.Results) return session.Results.LastOrDefault(r => r.Exercise.EndsWith(ending, StringComparison.Ordinal));
    }

    /// <summary><paramref name="yours"/>, a delegate, as one of the same type whose exceptions become a
    /// <see cref="YourCodeFailedException"/> naming it (a ✗ of a check passes through as it is).</summary>
    private static T Reporting<T>(T yours, string what) where T : class
    {
        if (yours is not Delegate || typeof(T).GetMethod("Invoke") is not { } invoke) return yours;
        var parameters = invoke.GetParameters().Select(p => Expr.Parameter(p.ParameterType, p.Name)).ToArray();
        var failure = Expr.Parameter(typeof(Exception), "e");
        var named = typeof(Check).GetMethod(nameof(YourFunctionThrew), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        var body = Expr.TryCatch(
            Expr.Invoke(Expr.Constant(yours, typeof(T)), parameters),
            Expr.Catch(failure, Expr.Throw(
                Expr.Call(named, Expr.Constant(what), failure), invoke.ReturnType)));
        return Expr.Lambda<T>(body, parameters).Compile();
    }

    private static Exception YourFunctionThrew(string what, Exception e)
    {
        if (e is CheckFailedException or YourCodeFailedException or OutOfMemoryException) return e;
        return new YourCodeFailedException($"your {what} threw {e.GetType().Name}: {OneLine(e)}{Diagnosis.Where(e)}", e);
    }

    /// <summary>An exception's message on one line (an argument's without "(Parameter 'x')"), as a ✗ shows it.</summary>
    private static string OneLine(Exception e)
    {
        var text = e is ArgumentException argument ? ErrorText.WithoutParameterName(argument) : e.Message;
        return string.Join(" ", text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>
    /// Every exercise result of this process (or of the session a test set up), in order: what each
    /// <see cref="Answer{T}(string, T, Action{T})"/> concluded. When the environment variable <see cref="ResultsVariable"/>
    /// names a file, each result is also appended to it as one line of JSON (how <c>notebooks grade</c> collects them).
    /// </summary>
    public static IReadOnlyList<ExerciseResult> Results
    {
        get { lock (Current.Results) return Current.Results.ToArray(); }
    }

    /// <summary>The environment variable naming a file that receives each exercise result as a line of JSON.</summary>
    public const string ResultsVariable = "NEURALNETWORKS_RESULTS";

    private static bool NotAnswered(string exercise)
    {
        Interlocked.Increment(ref Current.NotAnswered);
        Out.WriteLine($"◌ {exercise}: {NotAnsweredYet} (set it in the answer cell above, then run this cell again)");
        Record(new ExerciseResult(exercise, ExerciseOutcome.NotAnswered, NotAnsweredYet));
        return false;
    }

    private static bool Checked(string exercise, Action check, bool typed = false)
    {
        var session = Current;
        int failedBefore = session.Failed, passedBefore = session.Passed;
        string? firstFailure = null;
        session.FirstFailure = null;
        var typedBefore = session.TypedAnswer;
        session.TypedAnswer = typed;
        try
        {
            check();
        }
        catch (CheckFailedException e)
        {
            Record(new ExerciseResult(exercise, ExerciseOutcome.Failed, e.Message));
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The student's code threw: a ✗ that says what and where, never a stack trace. When only the check cell's own
            // code is on the way (it indexes with the answer, or reads a variable an earlier failed cell never set), the
            // check could not use the answer, which is not the same as the student's code failing.
            var message = OneLine(e);
            var line = Diagnosis.Where(e, Diagnosis.CallingCell()) is { } where
                ? $"✗ {exercise}: your code threw {e.GetType().Name}: {message}{where}"
                : $"✗ {exercise}: the check could not use your answer ({e.GetType().Name}: {message}): is it in the range the exercise asks for, " +
                  "and did every cell above this one run without an error?";
            Interlocked.Increment(ref session.Failed);
            Out.WriteLine(line);
            Record(new ExerciseResult(exercise, ExerciseOutcome.Failed, line));
            return ThrowOnFailure ? throw new CheckFailedException(exercise, line) : false;
        }
        finally
        {
            session.TypedAnswer = typedBefore;
        }
        firstFailure = session.FirstFailure;
        if (session.Failed == failedBefore && session.Passed == passedBefore)
        {
            // Nothing was checked: the check cell no longer reaches the course's checks, e.g. an answer cell declared a
            // class or variable of the same name as one the check uses. Never a pass.
            var line = $"✗ {exercise}: the check ran no checks on your answer — does your answer cell declare a class, method or variable "
                       + "with a name the check uses? Answer only by setting the answer variable, then run the check again";
            Interlocked.Increment(ref session.Failed);
            Out.WriteLine(line);
            Record(new ExerciseResult(exercise, ExerciseOutcome.Failed, line));
            return ThrowOnFailure ? throw new CheckFailedException(exercise, line) : false;
        }
        bool passed = session.Failed == failedBefore;
        Record(passed
            ? new ExerciseResult(exercise, ExerciseOutcome.Passed, $"{session.Passed - passedBefore} check{(session.Passed - passedBefore == 1 ? "" : "s")} passed")
            : new ExerciseResult(exercise, ExerciseOutcome.Failed, firstFailure ?? "a check failed"));
        return passed;
    }

    private static void Record(ExerciseResult result)
    {
        var session = Current;
        lock (session.Results) session.Results.Add(result);
        if (Environment.GetEnvironmentVariable(ResultsVariable) is { Length: > 0 } file)
        {
            try { File.AppendAllText(file, result.ToJson() + "\n"); }
            catch (IOException) { /* the results file is the grader's; a notebook run without it goes on */ }
            catch (UnauthorizedAccessException) { }
        }
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

    private static bool Compare(string what, string shape, IReadOnlyList<(string Index, double Expected, double Actual)> entries, double tolerance,
        Func<string?>? diagnose = null)
    {
        (string Index, double Expected, double Actual)? first = null;
        var worst = ("", 0.0, 0.0);
        var worstDifference = -1.0;
        var mismatches = 0;
        foreach (var entry in entries)
        {
            var difference = entry.Expected.Equals(entry.Actual) ? 0 : Math.Abs(entry.Actual - entry.Expected);
            if (double.IsNaN(difference)) difference = double.PositiveInfinity;
            if (!Matches(entry.Expected, entry.Actual, tolerance))
            {
                mismatches++;
                first ??= entry;
            }
            if (difference > worstDifference) (worst, worstDifference) = (entry, difference);
        }
        if (first is not { } f)
            return Pass(what, $"matched ({shape}, max |difference| {Small(Math.Max(worstDifference, 0))} within {Small(tolerance)})");
        var (yours, right) = Numbers(f.Actual, f.Expected);
        var typed = Current.TypedAnswer;
        var where = $"{mismatches} of {entries.Count} entries differ; the first at {f.Index}: yours {yours}, {(typed ? Side(f.Expected, f.Actual) : $"expected {right}")}" +
                    (worst.Item1 == f.Index ? "" : typed ? $"; the largest miss at {worst.Item1}" : $"; the largest difference {Small(worst.Item3 - worst.Item2)} at {worst.Item1}") +
                    $" (tolerance {Small(tolerance)}){DigitsHint(f.Expected, f.Actual, typed)}{ZeroHint(f.Expected, entries.All(entry => entry.Actual == 0))}";
        return diagnose?.Invoke() is { } diagnosis ? Fail(what, $"{diagnosis}; {where}") : Fail(what, where);
    }

    private static bool Pass(string what, string result)
    {
        Interlocked.Increment(ref Current.Passed);
        Out.WriteLine($"✓ {what}: {result}");
        return true;
    }

    /// <summary>Reports a ✗ that no comparison can express, e.g. "your backward pass returns 2 layers, not 3".</summary>
    /// <param name="what">What was being checked.</param>
    /// <param name="detail">What is wrong, and how to put it right.</param>
    /// <returns>False, or <see cref="CheckFailedException"/> when <see cref="ThrowOnFailure"/>.</returns>
    public static bool Fail(string what, string detail)
    {
        Interlocked.Increment(ref Current.Failed);
        var line = $"✗ {what}: {detail}";
        Current.FirstFailure ??= line;
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

        /// <summary>
        /// Whether the answer being checked is a value the student typed (a number, a pair of numbers, a yes or no) rather
        /// than code: its ✗ then says on which side of the right value it lies, never the value itself, which could be copied
        /// (a student's audit, H4: "expected 2.07376e-06" copied into the answer cell passed). Code is checked on inputs of the
        /// check's choosing, so its ✗ shows what it should have given.
        /// </summary>
        public bool TypedAnswer;

        /// <summary>The first ✗ line of the exercise being checked.</summary>
        public string? FirstFailure;

        /// <summary>Every exercise result, in order.</summary>
        public readonly List<ExerciseResult> Results = [];
    }

    internal static string Shape(Matrix<double> m) => $"{m.RowCount} × {m.ColumnCount}";

    internal static string Number(double x) => x.ToString("g6", CultureInfo.InvariantCulture);

    /// <summary>Two numbers as a ✗ prints them: to 6 digits, or to all 17 where 6 would print the same two.</summary>
    internal static (string First, string Second) Numbers(double first, double second)
    {
        var (f, s) = (Number(first), Number(second));
        return f == s ? (first.ToString("g17", CultureInfo.InvariantCulture), second.ToString("g17", CultureInfo.InvariantCulture)) : (f, s);
    }

    /// <summary>
    /// What the digits a miss agrees to suggest, from its size relative to the right value: 10⁻⁹ to 2·10⁻⁶, "; yours agrees
    /// with it to about 7 digits …", the mark of a float (about 7 significant digits; a few roundings in a row) where the
    /// course computes in double (16); 10⁻¹³ to 10⁻⁹, "; yours agrees with it to about 10 digits …: measured?", closer than a
    /// float gets, further than double rounding goes — the mark of a slope measured with a small step, (f(x + h) − f(x − h)) /
    /// 2h, where the exact formula belongs (a student's audit, L5: a numerical ∂Cₓ/∂a missed by 2·10⁻¹⁰ and got no hint). Not
    /// the latter for a <paramref name="typed"/> answer, which is a number read off and rounded. Otherwise "".
    /// </summary>
    internal static string DigitsHint(double expected, double actual, bool typed)
    {
        double relative = Math.Abs(actual - expected) / Math.Abs(expected);
        if (!double.IsFinite(relative)) return "";
        if (relative is >= 1e-9 and <= 2e-6)
            return "; yours agrees with it to about 7 digits, as a float would: is something computed in float (or written 0.5f) where the course uses double?";
        if (!typed && relative is >= 1e-13 and < 1e-9)
            return $"; yours agrees with it to about {Math.Floor(-Math.Log10(relative)):0} digits, closer than a float but not exact: is it measured, " +
                   "e.g. with a small step, (f(x + h) − f(x − h)) / 2h, where the exact formula belongs?";
        return "";
    }

    /// <summary>"; yours is exactly 0 …: whole numbers divided" when every entry of an answer is 0 and the right one is not: the
    /// mark of C#'s integer division, 1 / 2 == 0 (a student's audit: ½ written 1 / 2 gave a cost of 0 everywhere).</summary>
    internal static string ZeroHint(double expected, bool allZero) =>
        allZero && expected != 0 && double.IsFinite(expected)
            ? "; yours is exactly 0 everywhere: does it divide two whole numbers, such as 1 / 2 or -1 / 8? C# then drops the fraction (1 / 2 is 0): write 0.5 or 1.0 / 2"
            : "";

    /// <summary>Where a typed answer lies against the right value, said without the value: "above the right value".</summary>
    private static string Side(double expected, double actual) =>
        double.IsNaN(actual) ? "not a number" : actual > expected ? "above the right value" : "below the right value";

    internal static string Small(double x) => x.ToString("g3", CultureInfo.InvariantCulture);
}

/// <summary>
/// Your function threw in a cell of the course that uses it (through <see cref="Check.YoursOr{T}(T, T, string, string)"/>): the
/// cell fails with this one line, "your σ threw NotImplementedException: … (in your code)", not a stack trace.
/// </summary>
public sealed class YourCodeFailedException : Exception
{
    /// <summary>Creates the exception: <paramref name="message"/> says whose function threw what.</summary>
    /// <param name="message">The line shown.</param>
    /// <param name="inner">What your function threw.</param>
    public YourCodeFailedException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The line, and nothing else: a notebook shows an exception as its ToString().</summary>
    public override string ToString() => Message;

    /// <summary>Empty, as for <see cref="CheckFailedException"/>: the frames are not the student's to read.</summary>
    public override string StackTrace => "";
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

    /// <summary>What the kernel shows for the exception (it prints an exception as its ToString()): one line saying that
    /// Run All stops here, since the ✗ line itself was printed just above it, and no stack trace: the frames are the
    /// library's, not the student's. <see cref="Exception.Message"/> is the ✗ line.</summary>
    public override string ToString() => StoppedHere;

    /// <summary>The line a notebook shows under a failed check's ✗ line.</summary>
    public const string StoppedHere = "Run All stops here: this check did not pass (its ✗ line is above)";

    /// <summary>Empty, for the same reason: the kernel lists these lines under the message.</summary>
    public override string StackTrace => "";
}
