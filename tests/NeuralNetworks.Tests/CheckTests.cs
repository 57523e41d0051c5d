using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Course;
using NeuralNetworks.Model;

namespace NeuralNetworks.Tests;

/// <summary>The self-check of the "Check yourself" cells: what it prints, what it returns, and that a ✗ stops the cell.</summary>
// One test swaps Console.Out: it runs alone, with the other tests that swap the console.
[Collection(nameof(NeuralNetworks.Tests.Cli.ConsoleCollection))]
public sealed class CheckTests : IDisposable
{
    private readonly StringWriter output = new();

    public CheckTests() => Check.Scoped.Value = new Check.Session { Writer = output };

    public void Dispose() => Check.Scoped.Value = null;

    private string Printed => output.ToString().TrimEnd('\n', '\r');

    [Fact]
    public void A_number_within_the_tolerance_matches_and_prints_a_tick()
    {
        Assert.True(Check.Equal("σ(0)", 0.5, 0.5 + 1e-12, tolerance: 1e-9));
        Assert.Equal("✓ σ(0): matched (0.5, difference 1e-12 within 1e-09)", Printed);
    }

    [Fact]
    public void An_unanswered_exercise_says_so_without_a_tick_or_a_cross_and_does_not_stop_the_notebook()
    {
        int? k1 = null;
        Func<double, double>? sigma = null;
        var ran = false;

        Assert.False(Check.Answer("Exercise 1 (k1)", k1, k => { ran = true; Check.Equal("k1", 567, k); }));
        Assert.False(Check.Answer("Exercise 2 (sigma)", sigma, f => { ran = true; Check.Equal("σ(0)", 0.5, f(0)); }));

        Assert.False(ran);
        Assert.DoesNotContain("✓", Printed);
        Assert.DoesNotContain("✗", Printed);
        Assert.StartsWith("◌ Exercise 1 (k1): not answered yet", Printed);
        Assert.Contains("◌ Exercise 2 (sigma): not answered yet", Printed);
    }

    [Fact]
    public void An_answered_exercise_is_checked_for_real_right_or_wrong()
    {
        int? right = 28 * 20 + 7, wrong = 20 * 7;
        Func<double, double>? sigma = z => 1 / (1 + Math.Exp(-z));

        Assert.True(Check.Answer("Exercise 1 (k1)", right, k => Check.Equal("k1", 567, k)));
        Assert.True(Check.Answer("Exercise 2 (sigma)", sigma, f => Check.Equal("σ(0)", 0.5, f(0))));
        Assert.Throws<CheckFailedException>(() => Check.Answer("Exercise 1 (k1)", wrong, k => Check.Equal("k1", 567, k)));

        Check.ThrowOnFailure = false;
        Assert.False(Check.Answer("Exercise 1 (k1)", wrong, k => Check.Equal("k1", 567, k)));
        Assert.Contains("✓ k1: matched (567)", Printed);
        Assert.Contains("✗ k1: yours is 140, below the right value", Printed);
    }

    [Fact]
    public void A_check_that_checks_nothing_is_never_a_pass()
    {
        // What a student gets by declaring, in the answer cell, a class or variable the check cell calls: the check
        // still runs, but reaches none of the course's checks. That must not count as ✓.
        int? answer = 1;
        Assert.Throws<CheckFailedException>(() => Check.Answer("Exercise 4 (largestFactor)", answer, _ => { }));

        Check.ThrowOnFailure = false;
        Assert.False(Check.Answer("Exercise 4 (largestFactor)", answer, _ => { }));
        Assert.Contains("✗ Exercise 4 (largestFactor): the check ran no checks on your answer", Printed);
        var recorded = Check.Results[^1];
        Assert.Equal(ExerciseOutcome.Failed, recorded.Outcome);
        Assert.Contains("a name the check uses", recorded.Message);
        Assert.False(Check.Summary());

        Assert.True(Check.Answer("Exercise 4 (largestFactor)", answer, k => Check.Equal("largestFactor", 1, k)));   // one real check: a pass
    }

    [Fact]
    public void The_summary_counts_unanswered_exercises_apart_from_checks()
    {
        int? none = null;
        Check.That("something", true);
        Check.Answer("Exercise 3 (x)", none, x => Check.Equal("x", 1, x));
        Check.Summary();
        Assert.EndsWith("✓ all 1 check passed; 1 exercise not answered yet", Printed);
    }

    [Fact]
    public void An_exact_match_says_so()
    {
        Assert.True(Check.Equal("z", 2.25, 2.25));
        Assert.Equal("✓ z: matched (exactly 2.25)", Printed);
    }

    [Fact]
    public void A_number_outside_the_tolerance_prints_expected_actual_and_difference_then_throws()
    {
        var failure = Assert.Throws<CheckFailedException>(() => Check.Equal("C", 0.25, 0.75, tolerance: 1e-6));
        const string line = "✗ C: expected 0.25, actual 0.75, difference 0.5 (tolerance 1e-06)";
        Assert.Equal(line, Printed);
        Assert.Equal(line, failure.Message);
        Assert.Equal("C", failure.What);
    }

    [Fact]
    public void NaN_never_matches_a_number()
    {
        Assert.Throws<CheckFailedException>(() => Check.Equal("a", 0.5, double.NaN, tolerance: 1));
        Assert.StartsWith("✗ a: expected 0.5, actual NaN", Printed);
    }

    [Fact]
    public void Whole_numbers_compare_exactly()
    {
        Assert.True(Check.Equal("predicted digit", 7, 7));
        Assert.Throws<CheckFailedException>(() => Check.Equal("parameters", 13_002, 13_000));
        Assert.Equal("✓ predicted digit: matched (7)\n✗ parameters: expected 13002, actual 13000, difference -2", Printed.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Vectors_compare_by_their_largest_difference()
    {
        var expected = Vector<double>.Build.Dense([0.1, 0.2, 0.3]);
        Assert.True(Check.Equal("a²", expected, expected + 1e-12));
        Assert.Equal("✓ a²: matched (vector of 3, max |difference| 1e-12 within 1e-09)", Printed);
    }

    [Fact]
    public void A_vector_mismatch_names_the_first_differing_entry_and_the_worst()
    {
        var expected = Vector<double>.Build.Dense([0.1, 0.2, 0.3]);
        var actual = Vector<double>.Build.Dense([0.1, 0.25, 0.9]);
        Assert.Throws<CheckFailedException>(() => Check.Equal("a²", expected, actual));
        Assert.Equal("✗ a²: 2 of 3 entries differ; the first at [1]: yours 0.25, expected 0.2; the largest difference 0.6 at [2] (tolerance 1e-09)", Printed);
    }

    [Fact]
    public void Vectors_of_different_lengths_do_not_match()
    {
        Assert.Throws<CheckFailedException>(() => Check.Equal("b", Vector<double>.Build.Dense(10), Vector<double>.Build.Dense(16)));
        Assert.Equal("✗ b: expected a vector of 10, yours has 16 entries", Printed);
    }

    [Fact]
    public void Matrices_compare_entry_by_entry_and_report_their_shape()
    {
        var W = Matrix<double>.Build.Dense(2, 3, (j, k) => j + k / 10.0);
        Assert.True(Check.Equal("W", W, W.Clone()));
        var wrong = W.Clone();
        wrong[1, 2] += 1e-3;
        Assert.Throws<CheckFailedException>(() => Check.Equal("∂C/∂W", W, wrong, tolerance: 1e-6));
        Assert.Equal(
            "✓ W: matched (2 × 3 matrix, max |difference| 0 within 1e-09)\n" +
            "✗ ∂C/∂W: 1 of 6 entries differ; the first at [1, 2]: yours 1.201, expected 1.2 (tolerance 1e-06)",
            Printed.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Matrices_of_different_shapes_do_not_match()
    {
        Assert.Throws<CheckFailedException>(() => Check.Equal("W¹", Matrix<double>.Build.Dense(16, 784), Matrix<double>.Build.Dense(784, 16)));
        Assert.Equal("✗ W¹: expected a 16 × 784 matrix, yours is 784 × 16: the shape of its transpose. " +
                     "Did you swap rows and columns (W where Wᵀ belongs, or an outer product the wrong way round)?", Printed);
        Check.ThrowOnFailure = false;
        Assert.False(Check.Equal("W¹", Matrix<double>.Build.Dense(16, 784), Matrix<double>.Build.Dense(16, 783)));
        Assert.EndsWith("✗ W¹: expected a 16 × 784 matrix, yours is 16 × 783", Printed);
    }

    private static readonly Matrix<double> Delta = Matrix<double>.Build.DenseOfArray(new[,] { { 0.5, -0.25 }, { 0.125, 2.0 } });

    [Fact]
    public void A_wrong_matrix_that_matches_a_likely_mistake_is_named_with_how_close_it_is()
    {
        var noSlope = Delta * 4;
        var mistakes = new[]
        {
            new Mistake("a transposed W", "Wᵀ where W belongs", () => Delta.Transpose()),
            new Mistake("σ′ left out", "BP1 needs the factor σ′(zᴸ)", () => noSlope),
        };
        Check.ThrowOnFailure = false;

        Assert.False(Check.Equal("δ³", Delta, noSlope + 1e-13, 1e-9, mistakes));

        Assert.StartsWith("✗ δ³: this looks like σ′ left out: BP1 needs the factor σ′(zᴸ) (yours equals that, to ", Printed);
        Assert.Contains("; 4 of 4 entries differ; the first at [0, 0]: yours 2, expected 0.5", Printed);
    }

    [Fact]
    public void A_likely_mistake_matched_to_the_last_bit_is_said_to_be_matched_exactly()
    {
        var noSlope = Delta * 4;
        Check.ThrowOnFailure = false;

        Assert.False(Check.Equal("δ³", Delta, noSlope, 1e-9, new Mistake("σ′ left out", "BP1 needs the factor σ′(zᴸ)", () => noSlope)));

        Assert.StartsWith("✗ δ³: this looks like σ′ left out: BP1 needs the factor σ′(zᴸ) (yours equals that exactly); ", Printed);
    }

    [Fact]
    public void Two_numbers_that_print_the_same_to_6_digits_are_printed_whole_and_a_float_is_suspected()
    {
        // A student's σ computed in float: 0.0758582 both ways at 6 digits (a student's audit, 2026-12-06).
        double right = 1 / (1 + Math.Exp(2.5)), inFloat = 1 / (1 + MathF.Exp(2.5f));
        Check.ThrowOnFailure = false;

        Assert.False(Check.Equal("σ(−2.5)", right, inFloat, 1e-12));
        Assert.Contains($"expected {right:g17}, actual {inFloat:g17}, difference", Printed);
        Assert.Contains("yours agrees with it to about 7 digits, as a float would: is something computed in float", Printed);

        Assert.False(Check.Equal("σ on the grid", Vector<double>.Build.Dense([0.5, right]), Vector<double>.Build.Dense([0.5, inFloat]), 1e-12));
        Assert.Contains($"the first at [1]: yours {inFloat:g17}, expected {right:g17}", Printed);
        Assert.Equal(2, Printed.Split("as a float would").Length - 1);
    }

    [Fact]
    public void Numbers_that_differ_in_6_digits_keep_6_digits_and_no_float_is_suspected()
    {
        Check.ThrowOnFailure = false;

        Assert.False(Check.Equal("k", 0.25, 0.2504, 1e-9));
        Assert.False(Check.Equal("m", 1.0, 1.0 + 1e-13, 1e-15));   // a double's rounding, not a float's

        Assert.Contains("✗ k: expected 0.25, actual 0.2504, difference 0.0004", Printed);
        Assert.Contains("✗ m: expected 1, actual 1.0000000000000999", Printed);
        Assert.DoesNotContain("float", Printed);
    }

    [Fact]
    public void An_answer_declared_without_the_question_mark_is_checked_not_refused()
    {
        // double zAtTenth = 2.06; var largestFactor = 1.0 / 64; int k1 = 567; long n = 13002; bool same = true;
        double zAtTenth = 2.0634;
        var largestFactor = 1.0 / 64;
        int k1 = 140;
        long n = 13_002;
        bool same = true;

        Assert.True(Check.Answer("Exercise 1 (zAtTenth)", zAtTenth, z => Check.Equal("zAtTenth", 2.0634, z, 1e-4)));
        Assert.True(Check.Answer("Exercise 4 (largestFactor)", largestFactor, f => Check.Equal("largestFactor", 0.015625, f)));
        Assert.True(Check.Answer("Exercise 5 (n)", n, x => Check.Equal("n", 13_002, (int)x)));
        Assert.True(Check.Answer("Exercise 6 (same)", same, x => Check.That("same", x)));
        Assert.Throws<CheckFailedException>(() => Check.Answer("Exercise 1 (k1)", k1, k => Check.Equal("k1", 567, k)));

        Assert.DoesNotContain(Check.NotAnsweredYet, Printed);
        Assert.Contains("✗ k1: yours is 140, below the right value", Printed);
    }

    [Fact]
    public void A_likely_mistake_of_another_shape_is_recognised_before_the_shape_is_blamed()
    {
        Check.ThrowOnFailure = false;
        Assert.False(Check.Equal("∂C/∂W²", Delta.SubMatrix(0, 2, 0, 1), Delta, 1e-9,
            new Mistake("the wrong layer's activation in BP4", "∂C/∂Wˡ = δˡ (aˡ⁻¹)ᵀ takes the layer before", () => Delta.Clone())));
        Assert.StartsWith("✗ ∂C/∂W²: this looks like the wrong layer's activation in BP4", Printed);
    }

    [Theory]
    [InlineData(10.0, "yours is 10 × the right answer everywhere")]
    [InlineData(-1.0, "yours is the right answer with its sign flipped (−1 ×)")]
    [InlineData(0.1, "yours is the right answer divided by 10 everywhere")]
    [InlineData(2.5, "yours is 2.5 × the right answer everywhere")]
    public void A_constant_factor_between_yours_and_the_right_answer_is_named(double factor, string said)
    {
        Check.ThrowOnFailure = false;
        Assert.False(Check.Equal("∂C/∂b", Delta, Delta * factor, 1e-12, []));
        Assert.Contains(said, Printed);
    }

    [Fact]
    public void Without_a_pattern_only_the_first_differing_entry_is_named()
    {
        var wrong = Delta.Clone();
        wrong[1, 0] = 7;
        Check.ThrowOnFailure = false;
        Assert.False(Check.Equal("W", Delta, wrong, 1e-9, new Mistake("never", "never", () => Delta * 3)));
        Assert.Equal("✗ W: 1 of 4 entries differ; the first at [1, 0]: yours 7, expected 0.125 (tolerance 1e-09)", Printed);
    }

    [Fact]
    public void A_null_answer_from_a_function_is_a_cross_not_a_crash()
    {
        Check.ThrowOnFailure = false;
        Assert.False(Check.Equal("a¹", Vector<double>.Build.Dense(3), (Vector<double>?)null, 1e-9, []));
        Assert.Equal("✗ a¹: your code gave null instead of a vector", Printed);
    }

    [Fact]
    public void An_exception_thrown_by_the_answer_is_a_cross_that_names_it_without_a_stack_trace()
    {
        Func<double, double>? sigma = z => throw new IndexOutOfRangeException("Index was outside the bounds of the array.");

        var thrown = Assert.Throws<CheckFailedException>(() => Check.Answer("Build it 4 (sigma)", sigma, f => Check.Equal("σ(0)", 0.5, f(0))));

        Assert.Equal("✗ Build it 4 (sigma): your code threw IndexOutOfRangeException: Index was outside the bounds of the array.", Printed);
        Assert.Equal(Printed, thrown.Message);
        Assert.DoesNotContain(" at ", Printed);
    }

    [Fact]
    public void An_argument_exception_from_the_library_is_named_without_its_parameter_suffix()
    {
        // Found 2026-12-05 by a likely wrong answer of 12: "… has 30 outputs (Parameter 'network')" on a student's page.
        int[]? sizes = [784, 30, 10];

        Assert.Throws<CheckFailedException>(() => Check.Answer("Exercise 3 (smallLayers)", sizes, s => Check.That("fits", Throw(s))));

        Assert.Equal("✗ Exercise 3 (smallLayers): your code threw ArgumentException: the network has 784 inputs", Printed);
        static bool Throw(int[] s) => throw new ArgumentException($"the network has {s[0]} inputs", "network");
    }

    [Fact]
    public void An_answer_that_is_0_everywhere_gets_a_hint_about_integer_division()
    {
        Check.ThrowOnFailure = false;
        Check.Equal("δ", -0.125, -1 / 8);
        Check.Equal("costs", Vector<double>.Build.Dense([1.5, 0.25]), Vector<double>.Build.Dense(2));
        Check.Equal("costs", Vector<double>.Build.Dense([1.5, 0.25]), Vector<double>.Build.Dense([0.0, 1]));   // one 0 among others: no hint

        var lines = Printed.Split('\n');
        Assert.EndsWith("C# then drops the fraction (1 / 2 is 0): write 0.5 or 1.0 / 2", lines[0]);
        Assert.Contains("yours is exactly 0 everywhere", lines[1]);
        Assert.DoesNotContain("exactly 0", lines[2]);
    }

    [Fact]
    public void A_number_within_its_tolerance_passes_and_a_likely_mistake_is_named()
    {
        // Notebook 06's Exercise 3: a prediction from a₉ as printed (0.949) is right; the sign dropped and the exact change are named.
        Check.ThrowOnFailure = false;
        const double slope = 0.9485713, exact = -0.0898571;
        Mistake[] likely =
        [
            Mistake.Number("the sign of Δa₉ dropped", "a darker a₉ lowers this cost", () => slope * 0.1),
            Mistake.Number("the exact change", "the slope alone predicts it", () => exact),
        ];

        Assert.True(Check.Equal("ΔC", slope * -0.1, 0.949 * -0.1, 1e-4, likely));
        Assert.False(Check.Equal("ΔC", slope * -0.1, 0.0949, 1e-4, likely));
        Assert.False(Check.Equal("ΔC", slope * -0.1, exact, 1e-4, likely));
        Assert.False(Check.Equal("ΔC", slope * -0.1, 0.5, 1e-4, likely));

        var lines = Printed.Split('\n');
        Assert.StartsWith("✓ ΔC: matched", lines[0]);
        Assert.Equal("✗ ΔC: yours is 0.0949, expected -0.0948571: this looks like the sign of Δa₉ dropped: a darker a₉ lowers this cost", lines[1]);
        Assert.Contains("this looks like the exact change", lines[2]);
        Assert.StartsWith("✗ ΔC: expected -0.0948571, actual 0.5", lines[3]);
    }

    [Fact]
    public void A_typed_answer_that_is_wrong_is_told_which_side_it_lies_on_never_the_right_value()
    {
        // A student's audit (H4): "✗ …: expected 2.07376e-06, actual 0" copied into the answer cell passed. A number, a pair
        // of numbers or a count the student typed is told where it lies; the right value (0.125, 6624, 0.75) is never printed.
        Check.ThrowOnFailure = false;
        double? above = 0.5, below = -0.5, notANumber = double.NaN, nearlyFloat = 0.125 + 1e-8;
        int? count = 6700;
        (double First, double Second)? pair = (0.125, 0.7);

        Assert.False(Check.Answer("Exercise 1 (d)", above, d => Check.Equal("δ", 0.125, d, 1e-12)));
        Assert.False(Check.Answer("Exercise 1 (d)", below, d => Check.Equal("δ", 0.125, d, 1e-12)));
        Assert.False(Check.Answer("Exercise 1 (d)", notANumber, d => Check.Equal("δ", 0.125, d, 1e-12)));
        Assert.False(Check.Answer("Exercise 1 (d)", nearlyFloat, d => Check.Equal("δ", 0.125, d, 1e-12)));
        Assert.False(Check.Answer("Exercise 2 (n)", count, n => Check.Equal("parameters", 6624, n)));
        Assert.False(Check.Answer("Exercise 3 (pair)", pair, p => Check.Equal("the pair", Vector<double>.Build.Dense([0.125, 0.75]),
            Vector<double>.Build.Dense([p.First, p.Second]), 1e-9)));
        Assert.False(Check.Answer("Exercise 1 (d)", below, d => Check.Equal("δ", 0.125, d, 1e-12,
            Mistake.Number("the sign flipped", "δ = (a − y) σ′(z)", () => -0.125), Mistake.Number("a − y alone", "σ′ is missing", () => -0.5))));
        // 10 digits right: for code, the mark of a slope measured with a small step; a typed number is read off and rounded.
        double? tenDigits = 0.125 * (1 + 3e-11);
        Assert.False(Check.Answer("Exercise 1 (d)", tenDigits, d => Check.Equal("δ", 0.125, d, 1e-13)));

        var lines = Printed.ReplaceLineEndings("\n").Split('\n').Where(l => l.StartsWith('✗')).ToArray();
        Assert.Equal("✗ δ: yours is 0.5, above the right value (tolerance 1e-12)", lines[0]);
        Assert.Equal("✗ δ: yours is -0.5, below the right value (tolerance 1e-12)", lines[1]);
        Assert.Equal("✗ δ: yours is NaN, not a number (tolerance 1e-12)", lines[2]);
        Assert.Contains("above the right value (tolerance 1e-12); yours agrees with it to about 7 digits", lines[3]);
        Assert.Equal("✗ parameters: yours is 6700, above the right value", lines[4]);
        Assert.Equal("✗ the pair: 1 of 2 entries differ; the first at [1]: yours 0.7, below the right value (tolerance 1e-09)", lines[5]);
        Assert.Equal("✗ δ: yours is -0.5: this looks like a − y alone: σ′ is missing", lines[6]);
        Assert.Equal("✗ δ: yours is 0.12500000000375, above the right value (tolerance 1e-13)", lines[7]);
        Assert.All(lines, l => Assert.DoesNotContain("0.125 ", l));
        Assert.All(lines, l => Assert.DoesNotContain("6624", l));
        Assert.All(lines, l => Assert.DoesNotContain("0.75", l));
        Assert.All(lines, l => Assert.DoesNotContain("expected", l));
    }

    [Fact]
    public void Code_is_still_told_what_it_should_have_given_and_so_is_any_check_after_a_typed_answer()
    {
        // A function is checked on the check's inputs: its ✗ shows the value it should have returned there. And a typed
        // answer's way of saying it ends with its exercise, even when the check threw.
        Check.ThrowOnFailure = false;
        Func<double, double>? half = z => z / 3;
        int? wrong = 140;
        Assert.False(Check.Answer("Exercise 1 (half)", half, f => Check.Equal("half of 1", 0.5, f(1), 1e-9)));
        Check.ThrowOnFailure = true;
        Assert.Throws<CheckFailedException>(() => Check.Answer("Exercise 2 (k1)", wrong, k => Check.Equal("k1", 567, k)));
        Check.ThrowOnFailure = false;
        Assert.False(Check.Equal("k1", 567, 140));

        var lines = Printed.ReplaceLineEndings("\n").Split('\n');
        Assert.StartsWith("✗ half of 1: expected 0.5, actual 0.333333, difference", lines[0]);
        Assert.Equal("✗ k1: yours is 140, below the right value", lines[1]);
        Assert.Equal("✗ k1: expected 567, actual 140, difference -427", lines[2]);
    }

    [Fact]
    public void The_librarys_own_function_handed_in_as_an_answer_is_a_cross_and_a_function_of_ones_own_is_checked()
    {
        // A student's audit (H2): myCost = Cost.Quadratic.Of; and myBackward = Exercises.LibraryBackward; passed every check.
        Check.ThrowOnFailure = false;
        Func<Vector<double>, Vector<double>, double>? libraryCost = Cost.Quadratic.Of;
        Func<ForwardPass, Matrix<double>, BackwardPass>? libraryBackward = Exercises.LibraryBackward;
        Func<Vector<double>, Vector<double>, double>? mine = (a, y) => 0.5 * (a - y).DotProduct(a - y);
        var checkedIt = 0;

        Assert.False(Check.Answer("Build it 1 (myCost)", libraryCost, _ => checkedIt++));
        Assert.False(Check.Answer("Build it (myBackward)", libraryBackward, _ => checkedIt++));
        Assert.True(Check.Answer("Build it 1 (myCost)", mine, f => Check.Equal("Cₓ", 0.5, f(Vector<double>.Build.Dense([1.0]), Vector<double>.Build.Dense([0.0])))));

        var lines = Printed.ReplaceLineEndings("\n").Split('\n');
        Assert.Equal(0, checkedIt);
        Assert.StartsWith("✗ Build it 1 (myCost): your answer is the library's own function (", lines[0]);
        Assert.Contains(".Of), not yours: the exercise is to write it yourself", lines[0]);
        Assert.StartsWith("✗ Build it (myBackward): your answer is the library's own function (from Exercises), not yours", lines[1]);
        Assert.StartsWith("✓ Cₓ: matched", lines[2]);
        Assert.Equal([ExerciseOutcome.Failed, ExerciseOutcome.Failed, ExerciseOutcome.Passed], Check.Results.Select(r => r.Outcome));
    }

    [Fact]
    public void A_failed_check_shows_in_a_notebook_as_its_line_alone_without_the_librarys_stack_frames()
    {
        // The stock kernel prints an exception as its ToString() and lists StackTrace's lines under it.
        // The ✗ line is printed before the throw, so the exception shows one line saying Run All stops here, not the ✗
        // line a second time (an audit found every ✗ twice on a page).
        var thrown = Assert.Throws<CheckFailedException>(() => Check.Equal("k1", 567, 140));
        Assert.Equal("✗ k1: expected 567, actual 140, difference -427", Printed);
        Assert.Equal("✗ k1: expected 567, actual 140, difference -427", thrown.Message);
        Assert.Equal(CheckFailedException.StoppedHere, thrown.ToString());
        Assert.DoesNotContain("✗ k1", thrown.ToString());
        Assert.Equal("", thrown.StackTrace);
    }

    [Fact]
    public void Every_exercise_result_is_recorded_passed_failed_or_not_answered()
    {
        Check.ThrowOnFailure = false;
        int? none = null, right = 567, wrong = 140;
        Check.Answer("Exercise 1 (k1)", none, k => Check.Equal("k1", 567, k));
        Check.Answer("Exercise 1 (k1)", right, k => Check.Equal("k1", 567, k));
        Check.Answer("Exercise 1 (k1)", wrong, k => Check.Equal("k1", 567, k));

        Assert.Equal([ExerciseOutcome.NotAnswered, ExerciseOutcome.Passed, ExerciseOutcome.Failed], Check.Results.Select(r => r.Outcome));
        Assert.Equal("✗ k1: yours is 140, below the right value", Check.Results[2].Message);
        Assert.Equal(Check.Results[2], ExerciseResult.FromJson(Check.Results[2].ToJson()));
        Assert.Contains("\"outcome\":\"Failed\"", Check.Results[2].ToJson());
    }

    [Fact]
    public void Yours_or_the_librarys_says_which_it_took()
    {
        Func<int, int> library = x => x, yours = x => 2 * x;
        Assert.Same(library, Check.YoursOr<Func<int, int>>(null, library, "forward pass"));
        var taken = Check.YoursOr(yours, library, "forward pass");
        Assert.Equal(14, taken(7));   // yours, behind a wrapper that names it when it throws
        Assert.Equal("→ using the library's forward pass (yours is still null)\n→ using your forward pass", Printed.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Yours_is_used_only_once_its_check_passed_so_a_later_expected_value_never_comes_from_a_wrong_function()
    {
        // A student's audit (2026-12-06): a myForward that Build it 6 had marked ✗ still computed the expected answer of
        // 05's passSize (the wrong 1,652 got ✓, the right 84 ✗); so did a wrong bowl step in 07 and epoch in 09.
        Func<int, int> library = x => x;
        Func<int, int>? myDouble = null;
        Check.ThrowOnFailure = false;
        void BuildIt() => Check.Answer("Build it 1 · twice x (myDouble)", myDouble, f => Check.Equal("f(3)", 6, f(3)));

        BuildIt();                                                    // Run All: not answered yet
        myDouble = x => 3 * x;                                        // then a wrong answer, its check not run again
        Assert.Same(library, Check.YoursOr(myDouble, library, "double"));
        BuildIt();                                                    // ✗
        Assert.Same(library, Check.YoursOr(myDouble, library, "double"));
        myDouble = x => 2 * x;
        BuildIt();                                                    // ✓
        Assert.Equal(14, Check.YoursOr(myDouble, library, "double")(7));
        Func<int, int> unchecked_ = x => 5 * x;                       // no exercise checks this variable: yours, as asked
        Assert.Equal(35, Check.YoursOr(unchecked_, library, "quintuple")(7));

        var lines = Printed.ReplaceLineEndings("\n").Split('\n').Where(l => l.StartsWith('→')).ToArray();
        Assert.Equal(
        [
            "→ using the library's double: yours is not checked yet (run \"Build it 1 · twice x (myDouble)\" again, then this cell)",
            "→ using the library's double: yours did not pass \"Build it 1 · twice x (myDouble)\" (mend it, run that check again, then this cell)",
            "→ using your double",
            "→ using your quintuple",
        ], lines);
    }

    [Fact]
    public void Your_function_throwing_in_a_later_cell_is_one_line_naming_it_not_a_stack_trace()
    {
        // A student's audit (2026-12-06): a course cell calling a throwing myCost showed the kernel's whole stack trace.
        Func<double, double> library = z => 1 / (1 + Math.Exp(-z)), yours = _ => throw new NotImplementedException();
        var sigma = Check.YoursOr(yours, library, "σ");

        var failure = Assert.Throws<YourCodeFailedException>(() => sigma(0));
        Assert.StartsWith("your σ threw NotImplementedException: The method or operation is not implemented.", failure.Message);
        Assert.Equal(failure.Message, failure.ToString());
        Assert.Equal("", failure.StackTrace);
        Assert.IsType<NotImplementedException>(failure.InnerException);

        // A ✗ of a check inside it passes through as it is; so does a delegate type of the course's own.
        var checking = Check.YoursOr<Action<int>>(k => Check.Equal("k", 1, k), _ => { }, "answer");
        Assert.Throws<CheckFailedException>(() => checking(2));
        TrainingEpoch epoch = (network, _, _, _, _, _) => network;
        var net = Network.Create([2, 2], seed: 1);
        Assert.Same(net, Check.YoursOr(epoch, Exercises.LibraryEpoch, "epoch")(net, null!, null!, null!, 0, 1));
    }

    [Fact]
    public void A_condition_prints_whether_it_holds_with_its_detail()
    {
        Assert.True(Check.That("every activation is in (0, 1)", true, "min 0.02, max 0.97"));
        Assert.Throws<CheckFailedException>(() => Check.That("the cost went down", false, "from 0.9 to 1.2"));
        Assert.Equal("✓ every activation is in (0, 1): holds (min 0.02, max 0.97)\n✗ the cost went down: does not hold (from 0.9 to 1.2)",
            Printed.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Without_throwing_a_mismatch_returns_false_and_the_summary_counts_it()
    {
        Check.ThrowOnFailure = false;
        Assert.False(Check.Equal("x", 1.0, 2.0));
        Assert.True(Check.Equal("y", 3, 3));
        Assert.False(Check.Summary());
        Assert.True(Check.Summary());
        Assert.Equal(
            "✗ x: expected 1, actual 2, difference 1 (tolerance 1e-09)\n✓ y: matched (3)\n✗ 1 of 2 checks failed\n✓ all 0 checks passed",
            Printed.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Checks_write_to_the_console_of_the_moment_when_no_writer_is_set()
    {
        Check.Scoped.Value = new Check.Session();
        var console = Console.Out;
        var captured = new StringWriter();
        try
        {
            Console.SetOut(captured);
            Check.Equal("n", 1, 1);
        }
        finally
        {
            Console.SetOut(console);
        }
        Assert.Contains("✓ n: matched (1)", captured.ToString());
    }
}
