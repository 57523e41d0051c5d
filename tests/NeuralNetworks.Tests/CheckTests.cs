using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Course;

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
        Assert.Contains("✗ k1: expected 567, actual 140", Printed);
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
    public void A_vector_mismatch_names_the_worst_entry()
    {
        var expected = Vector<double>.Build.Dense([0.1, 0.2, 0.3]);
        var actual = Vector<double>.Build.Dense([0.1, 0.25, 0.9]);
        Assert.Throws<CheckFailedException>(() => Check.Equal("a²", expected, actual));
        Assert.Equal("✗ a²: 2 of the entries differ; worst at [2]: expected 0.3, actual 0.9, difference 0.6 (tolerance 1e-09)", Printed);
    }

    [Fact]
    public void Vectors_of_different_lengths_do_not_match()
    {
        Assert.Throws<CheckFailedException>(() => Check.Equal("b", Vector<double>.Build.Dense(10), Vector<double>.Build.Dense(16)));
        Assert.Equal("✗ b: expected a vector of 10, actual a vector of 16", Printed);
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
            "✗ ∂C/∂W: 1 of the entries differ; worst at [1, 2]: expected 1.2, actual 1.201, difference 0.001 (tolerance 1e-06)",
            Printed.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Matrices_of_different_shapes_do_not_match()
    {
        Assert.Throws<CheckFailedException>(() => Check.Equal("W¹", Matrix<double>.Build.Dense(16, 784), Matrix<double>.Build.Dense(784, 16)));
        Assert.Equal("✗ W¹: expected a 16 × 784 matrix, actual 784 × 16", Printed);
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
