using System.Buffers.Binary;
using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Course;

namespace NeuralNetworks.Tests.Course;

/// <summary>
/// The build-it checks of notebooks 10–12, each three ways: the right function gets ✓, each named mistake gets ✗ with its
/// own diagnosis, and an unanswered one says "not answered yet". Run as the notebooks run them, through Check.Answer.
/// </summary>
public sealed class ExercisesBetterTests : IDisposable
{
    private readonly StringWriter output = new();

    public ExercisesBetterTests() => Check.Scoped.Value = new Check.Session { Writer = output, ThrowOnFailure = false };

    public void Dispose() => Check.Scoped.Value = null;

    private string Printed => output.ToString();

    private void AssertPassed(bool passed)
    {
        Assert.True(passed, Printed);
        Assert.DoesNotContain("✗", Printed);
        Assert.Contains("✓", Printed);
    }

    private void AssertNotAnswered(bool answered, string exercise)
    {
        Assert.False(answered);
        Assert.Contains($"◌ {exercise}: not answered yet", Printed);
        Assert.DoesNotContain("✓", Printed);
    }

    private void AssertDiagnosed(bool passed, string diagnosis)
    {
        Assert.False(passed, Printed);
        Assert.Contains("✗", Printed);
        Assert.Contains(diagnosis, Printed);
    }

    // ───────────── 10 · the number of parameters ─────────────

    private bool ParameterCount(Func<int[], int>? yours) => Check.Answer("Build it 1 · the number of parameters (myParameterCount)", yours, Exercises.ParameterCount);

    [Fact]
    public void ParameterCount_passes_the_sum_of_weights_and_biases_of_every_layer_after_the_input() =>
        AssertPassed(ParameterCount(sizes => Enumerable.Range(1, sizes.Length - 1).Sum(l => sizes[l] * sizes[l - 1] + sizes[l])));

    [Fact]
    public void ParameterCount_passes_a_loop_that_counts_a_bias_as_one_more_input() =>
        AssertPassed(ParameterCount(sizes => { int n = 0; for (int l = 1; l < sizes.Length; l++) n += (sizes[l - 1] + 1) * sizes[l]; return n; }));

    [Fact]
    public void ParameterCount_unanswered_says_not_answered_yet() =>
        AssertNotAnswered(ParameterCount(null), "Build it 1 · the number of parameters (myParameterCount)");

    [Fact]
    public void ParameterCount_without_biases_is_named() =>
        AssertDiagnosed(ParameterCount(s => Enumerable.Range(1, s.Length - 1).Sum(l => s[l] * s[l - 1])), "this looks like the biases left out");

    [Fact]
    public void ParameterCount_with_biases_on_the_inputs_is_named() =>
        AssertDiagnosed(ParameterCount(s => Enumerable.Range(0, s.Length).Sum(l => s[l] + (l > 0 ? s[l] * s[l - 1] : 0))), "this looks like biases given to the input layer");

    [Fact]
    public void ParameterCount_that_stops_a_layer_early_is_named() =>
        AssertDiagnosed(ParameterCount(s => Enumerable.Range(1, s.Length - 2).Sum(l => s[l] * s[l - 1] + s[l])), "this looks like the last layer left out");

    [Fact]
    public void ParameterCount_that_starts_at_layer_2_is_named() =>
        AssertDiagnosed(ParameterCount(s => Enumerable.Range(2, s.Length - 2).Sum(l => s[l] * s[l - 1] + s[l])), "this looks like the first layer left out");

    [Fact]
    public void ParameterCount_that_throws_is_a_cross_with_the_exception_and_no_stack_trace()
    {
        Assert.False(ParameterCount(s => Enumerable.Range(1, s.Length).Sum(l => s[l] * s[l - 1] + s[l])));
        Assert.Contains("your code threw IndexOutOfRangeException", Printed);
        Assert.DoesNotContain("   at ", Printed);
    }

    // ───────────── 11 · softmax ─────────────

    private bool Softmax(Func<Vector<double>, Vector<double>>? yours) => Check.Answer("Build it 1 · softmax (mySoftmax)", yours, Exercises.Softmax);

    private static Vector<double> Naive(Vector<double> z) => z.PointwiseExp() / z.PointwiseExp().Sum();

    [Fact]
    public void Softmax_passes_when_it_subtracts_the_largest_z_first()
    {
        AssertPassed(Softmax(z => { var e = (z - z.Maximum()).PointwiseExp(); return e / e.Sum(); }));
        Assert.Contains("✓ softmax of z = (1000, 999, …, 991)", Printed);
        Assert.Contains("✓ softmax of z = (−1000, −1001, …, −1009)", Printed);
        Assert.Contains("✓ softmax of z = (0, 1000, −1000, …, −1000)", Printed);
    }

    [Fact]
    public void Softmax_unanswered_says_not_answered_yet() =>
        AssertNotAnswered(Softmax(null), "Build it 1 · softmax (mySoftmax)");

    [Fact]
    public void Softmax_cases_have_no_sum_of_z_near_zero_so_every_mistake_gives_finite_numbers() =>
        Assert.All(Exercises.SoftmaxCases.EnumerateColumns(), z => Assert.True(Math.Abs(z.Sum()) > 3, $"Σz = {z.Sum()}"));

    [Fact]
    public void Softmax_without_the_shift_matches_on_ordinary_z_and_is_told_why_it_gives_NaN_at_1000()
    {
        AssertDiagnosed(Softmax(Naive), "e^1000 overflows to ∞ and ∞/∞ is NaN");
        Assert.Contains("✓ softmax of eight output vectors z", Printed);
        Assert.Contains("Subtract the largest zₖ from every zⱼ first", Printed);
    }

    [Theory]
    [InlineData("minimum")]
    [InlineData("mean")]
    [InlineData("first")]
    public void Softmax_shifted_by_another_number_than_the_largest_z_is_told_why_it_overflows(string shift)
    {
        // A student's audit (2026-12-06): shifted by the minimum, the mean or z₀, softmax passed every case (their entries are
        // close together) and gave NaN on (1000, 0, −5).
        Func<Vector<double>, double> c = shift switch { "minimum" => z => z.Minimum(), "mean" => z => z.Average(), _ => z => z[0] };
        AssertDiagnosed(Softmax(z => { var e = (z - c(z)).PointwiseExp(); return e / e.Sum(); }), "✗ softmax of z = (0, 1000, −1000, …, −1000) is finite");
        Assert.Contains("Subtract the largest zₖ, max z", Printed);
    }

    [Fact]
    public void Softmax_as_a_sigmoid_of_each_entry_is_named_with_its_sums() =>
        AssertDiagnosed(Softmax(z => z.Map(v => 1 / (1 + Math.Exp(-v)))), "this looks like σ applied to each entry");

    [Fact]
    public void Softmax_of_minus_z_is_named() =>
        AssertDiagnosed(Softmax(z => Naive(-z)), "this looks like e^(−zⱼ) in place of e^(zⱼ)");

    [Fact]
    public void Softmax_divided_by_the_sum_of_z_is_named() =>
        AssertDiagnosed(Softmax(z => z.PointwiseExp() / z.Sum()), "this looks like Σₖ zₖ in place of Σₖ e^(zₖ)");

    [Fact]
    public void Softmax_without_the_division_is_named() =>
        AssertDiagnosed(Softmax(z => (z - z.Maximum()).PointwiseExp()), "this looks like no division by the sum");

    [Fact]
    public void Softmax_without_the_exponential_is_named() =>
        AssertDiagnosed(Softmax(z => z / z.Sum()), "this looks like zⱼ / Σₖ zₖ, without e^(·)");

    [Fact]
    public void Softmax_of_the_wrong_length_says_so_before_any_value() =>
        AssertDiagnosed(Softmax(z => Naive(z.SubVector(0, 9))), "z has 10 entries, yours returned 9");

    // ───────────── 11 · one step of momentum ─────────────

    private bool MomentumStep(Func<Vector<double>, Vector<double>, Vector<double>, double, double, (Vector<double> W, Vector<double> V)>? yours) =>
        Check.Answer("Build it 2 · one step of momentum (myMomentumStep)", yours, Exercises.MomentumStep);

    [Fact]
    public void MomentumStep_passes_v_from_mu_v_plus_g_then_w_minus_eta_v()
    {
        AssertPassed(MomentumStep((w, v, g, eta, mu) => { var v2 = mu * v + g; return (w - eta * v2, v2); }));
        Assert.Contains("✓ w, v and g passed in are unchanged", Printed);
    }

    [Fact]
    public void MomentumStep_of_the_library_is_the_library_Momentum_Step() => AssertPassed(MomentumStep((w, v, g, eta, mu) => Exercises.MomentumStepOnVectors(w, v, g, eta, mu)));

    [Fact]
    public void MomentumStep_unanswered_says_not_answered_yet() =>
        AssertNotAnswered(MomentumStep(null), "Build it 2 · one step of momentum (myMomentumStep)");

    [Fact]
    public void MomentumStep_in_Nielsens_form_is_named() =>
        // Found 2026-12-05 by a likely wrong answer: v′ = μv − ηg, w′ = w + v′ got only "44 of 44 entries differ".
        AssertDiagnosed(MomentumStep((w, v, g, eta, mu) => { var v2 = mu * v - eta * g; return (w + v2, v2); }), "this looks like Nielsen's velocity");

    [Fact]
    public void MomentumStep_with_the_velocity_unchanged_is_named() =>
        AssertDiagnosed(MomentumStep((w, v, g, eta, mu) => (w - eta * v, v)), "this looks like the velocity returned unchanged");

    [Fact]
    public void MomentumStep_subtracting_the_gradient_in_the_velocity_is_named() =>
        AssertDiagnosed(MomentumStep((w, v, g, eta, mu) => { var v2 = mu * v - g; return (w - eta * v2, v2); }), "this looks like v ← μv − g");

    [Fact]
    public void MomentumStep_shrinking_the_gradient_by_mu_is_named() =>
        AssertDiagnosed(MomentumStep((w, v, g, eta, mu) => { var v2 = mu * (v + g); return (w - eta * v2, v2); }), "this looks like v ← μ(v + g)");

    [Fact]
    public void MomentumStep_without_memory_is_named() =>
        AssertDiagnosed(MomentumStep((w, v, g, eta, mu) => (w - eta * g, g)), "this looks like v ← g, no memory");

    [Fact]
    public void MomentumStep_with_eta_inside_the_velocity_is_named() =>
        AssertDiagnosed(MomentumStep((w, v, g, eta, mu) => { var v2 = mu * v + eta * g; return (w - v2, v2); }), "this looks like η inside the velocity");

    [Fact]
    public void MomentumStep_stepping_with_the_old_velocity_is_named() =>
        AssertDiagnosed(MomentumStep((w, v, g, eta, mu) => (w - eta * v, mu * v + g)), "this looks like a step with the old velocity");

    [Fact]
    public void MomentumStep_stepping_with_the_gradient_is_named() =>
        AssertDiagnosed(MomentumStep((w, v, g, eta, mu) => (w - eta * g, mu * v + g)), "this looks like a plain SGD step");

    [Fact]
    public void MomentumStep_in_Nesterovs_form_is_named() =>
        AssertDiagnosed(MomentumStep((w, v, g, eta, mu) => { var v2 = mu * v + g; return (w - eta * (g + mu * v2), v2); }), "this looks like Nesterov's step");

    [Fact]
    public void MomentumStep_going_uphill_is_named() =>
        AssertDiagnosed(MomentumStep((w, v, g, eta, mu) => { var v2 = mu * v + g; return (w + eta * v2, v2); }), "this looks like the step added");

    [Fact]
    public void MomentumStep_without_eta_in_the_step_is_named() =>
        AssertDiagnosed(MomentumStep((w, v, g, eta, mu) => { var v2 = mu * v + g; return (w - v2, v2); }), "this looks like η left out");

    [Fact]
    public void MomentumStep_that_changes_w_in_place_is_told_to_return_new_vectors() =>
        AssertDiagnosed(MomentumStep((w, v, g, eta, mu) => { var v2 = mu * v + g; w.Subtract(eta * v2, w); return (w, v2); }), "yours changed w or v in place");

    // ───────────── 12 · a big-endian integer ─────────────

    private bool BigEndian(Func<byte[], int, int>? yours) => Check.Answer("Build it 1 · a big-endian integer (myReadInt32)", yours, Exercises.BigEndianInt32);

    [Fact]
    public void BigEndianInt32_passes_shifts_by_24_16_8_and_0() =>
        AssertPassed(BigEndian((b, o) => (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]));

    [Fact]
    public void BigEndianInt32_passes_the_library_reader() => AssertPassed(BigEndian((b, o) => BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(o))));

    [Fact]
    public void BigEndianInt32_reads_the_MNIST_header_as_the_files_say()
    {
        var b = Exercises.HeaderBytes;
        Assert.Equal([2051, 60_000, 28, 28, 2049, 60_000, 2049, 10_000], Enumerable.Range(0, 8).Select(i => BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(4 * i))));
    }

    [Fact]
    public void BigEndianInt32_unanswered_says_not_answered_yet() =>
        AssertNotAnswered(BigEndian(null), "Build it 1 · a big-endian integer (myReadInt32)");

    [Fact]
    public void BigEndianInt32_little_endian_is_named() =>
        AssertDiagnosed(BigEndian((b, o) => BitConverter.ToInt32(b, o)), "this looks like little-endian");

    [Fact]
    public void BigEndianInt32_adding_the_bytes_is_named() =>
        AssertDiagnosed(BigEndian((b, o) => b[o] + b[o + 1] + b[o + 2] + b[o + 3]), "this looks like the four bytes added");

    [Fact]
    public void BigEndianInt32_shifting_by_nibbles_is_named() =>
        AssertDiagnosed(BigEndian((b, o) => (b[o] << 12) | (b[o + 1] << 8) | (b[o + 2] << 4) | b[o + 3]), "this looks like shifts of 4 bits");

    [Fact]
    public void BigEndianInt32_ignoring_the_offset_is_named() =>
        AssertDiagnosed(BigEndian((b, o) => (b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]), "this looks like the offset ignored");

    [Fact]
    public void BigEndianInt32_one_byte_too_far_is_named() =>
        AssertDiagnosed(BigEndian((b, o) => (b[o + 1] << 24) | (b[o + 2] << 16) | (b[o + 3] << 8) | b[o + 4]), "this looks like one byte too far");
}
