using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Course;
using NeuralNetworks.Data;
using NeuralNetworks.Model;

namespace NeuralNetworks.Tests.Course;

/// <summary>
/// The build-it-yourself checks of notebooks 01–05 (<see cref="Exercises"/>): each passes the right function, names each
/// likely mistake with its numbers, and says "not answered yet" for null. They run on the real MNIST test digits, as in
/// the notebooks.
/// </summary>
[Trait("Category", Category.Mnist)]
public sealed class ExercisesNeuronsTests : IDisposable
{
    private static readonly MatrixBuilder<double> M = Matrix<double>.Build;
    private readonly StringWriter output = new();

    public ExercisesNeuronsTests() => Check.Scoped.Value = new Check.Session { Writer = output, ThrowOnFailure = false };

    public void Dispose() => Check.Scoped.Value = null;

    private string Printed => output.ToString();

    /// <summary>Runs the check on an answer that should pass: ✓, no ✗, and the exercise recorded as passed.</summary>
    private string Passes<T>(T answer, Action<T> check) where T : class
    {
        Assert.True(Check.Answer("Build it", answer, check), Printed);
        Assert.DoesNotContain("✗", Printed);
        Assert.Equal(ExerciseOutcome.Passed, Check.Results[^1].Outcome);
        return Printed;
    }

    /// <summary>Runs the check on a wrong answer: exactly one ✗ line, which is returned, and the exercise recorded as failed with it.</summary>
    private string Fails<T>(T answer, Action<T> check) where T : class
    {
        Assert.False(Check.Answer("Build it", answer, check), Printed);
        var crosses = Printed.Split('\n').Where(line => line.StartsWith('✗')).ToArray();
        Assert.True(crosses.Length == 1, Printed);
        Assert.Equal(ExerciseOutcome.Failed, Check.Results[^1].Outcome);
        Assert.Equal(crosses[0].TrimEnd('\r'), Check.Results[^1].Message);
        return crosses[0];
    }

    /// <summary>A wrong answer's one ✗ line starts with <paramref name="start"/>, names <paramref name="named"/> and shows <paramref name="numbers"/>.</summary>
    private void FailsNamed<T>(T answer, Action<T> check, string start, string named, string numbers) where T : class
    {
        var line = Fails(answer, check);
        Assert.StartsWith(start, line);
        Assert.Contains(named, line);
        Assert.Contains(numbers, line);
    }

    private static double Sigma(double z) => 1 / (1 + Math.Exp(-z));

    // ---- Notebook 00: a LINQ one-liner ----

    [Fact]
    public void Counting_the_inked_pixels_passes_on_a_black_image_and_real_digits()
    {
        var printed = Passes<Func<Vector<double>, int>>(image => image.Count(v => v > 0), Exercises.InkedPixels);
        Assert.Contains("✓ inkedPixels for an all-black image (entry [0]) and test digits 0–99 (entries [1]…[100]): matched (vector of 101", printed);
    }

    [Theory]
    [InlineData(">= 0", "this looks like every pixel counted", "the first at [0]: yours 784, expected 0")]
    [InlineData("== 0", "this looks like the black pixels counted", "the first at [0]: yours 784, expected 0")]
    [InlineData("> 0.5", "this looks like only the bright pixels counted", "the first at [1]: yours 71, expected 116")]
    [InlineData("sum", "this looks like the ink summed", "the first at [1]: yours 72, expected 116")]
    public void Each_likely_counting_mistake_is_named_with_its_numbers(string mistake, string named, string numbers)
    {
        Func<Vector<double>, int> wrong = mistake switch
        {
            ">= 0" => image => image.Count(v => v >= 0),
            "== 0" => image => image.Count(v => v == 0),
            "> 0.5" => image => image.Count(v => v > 0.5),
            _ => image => (int)image.Sum(),
        };
        FailsNamed(wrong, Exercises.InkedPixels,
            "✗ inkedPixels for an all-black image (entry [0]) and test digits 0–99", named, numbers);
    }

    // ---- Notebook 01: the flattening rule ----

    [Fact]
    public void The_flattening_rule_passes_for_28_by_28_and_20_by_30_pictures()
    {
        var printed = Passes<Func<int, int, int, int>>((r, c, columns) => columns * r + c, Exercises.EntryOfPixel);
        Assert.Contains("✓ entryOf is the flattening rule: pixel (r, c) sits at entryOf(r, c, width) of the row-by-row list, for all 784 " +
            "pixels of test digit 7 and all 600 of a 20 × 30 picture: holds (entryOf(20, 7, 28) = 567, entryOf(19, 29, 30) = 599)", printed);
    }

    [Theory]
    [InlineData("column", "28", "this looks like the picture read column by column", "the first at [0, 1]: yours 28, expected 1")]
    [InlineData("one-based", "28", "this looks like counting from 1", "the first at [0, 0]: yours 1, expected 0")]
    [InlineData("short rows", "28", "this looks like rows one pixel short", "the first at [1, 0]: yours 27, expected 28")]
    [InlineData("sum", "28", "this looks like row and column added", "the first at [1, 0]: yours 1, expected 28")]
    [InlineData("fixed 28", "30", "this looks like a width fixed at 28", "the first at [1, 0]: yours 28, expected 30")]
    [InlineData("height", "30", "this looks like the number of rows where the row length belongs", "the first at [1, 0]: yours 20, expected 30")]
    public void Each_likely_flattening_mistake_is_named_with_its_numbers(string mistake, string width, string named, string numbers)
    {
        Func<int, int, int, int> wrong = mistake switch
        {
            "column" => (r, c, columns) => 28 * c + r,
            "one-based" => (r, c, columns) => columns * r + c + 1,
            "short rows" => (r, c, columns) => (columns - 1) * r + c,
            "sum" => (r, c, columns) => r + c,
            "fixed 28" => (r, c, columns) => 28 * r + c,
            _ => (r, c, columns) => (columns == 30 ? 20 : columns) * r + c,
        };
        FailsNamed(wrong, Exercises.EntryOfPixel,
            $"✗ entryOf(r, c, {width}) for every pixel of a {(width == "28" ? "28 × 28" : "20 × 30")} picture", named, numbers);
    }

    [Fact]
    public void An_unanswered_exercise_says_so_and_runs_nothing()
    {
        Func<int, int, int, int>? entryOf = null;
        Func<Network, Vector<double>, IReadOnlyList<(Vector<double> Z, Vector<double> A)>>? myForward = null;
        Assert.False(Check.Answer("Check yourself (entryOf)", entryOf, Exercises.EntryOfPixel));
        Assert.False(Check.Answer("Build it 6 · the forward pass (myForward)", myForward, Exercises.ForwardPass));
        Assert.Contains("◌ Check yourself (entryOf): not answered yet", Printed);
        Assert.Contains("◌ Build it 6 · the forward pass (myForward): not answered yet", Printed);
        Assert.DoesNotContain("✓", Printed);
        Assert.DoesNotContain("✗", Printed);
        Assert.All(Check.Results, r => Assert.Equal(ExerciseOutcome.NotAnswered, r.Outcome));
    }

    [Fact]
    public void A_wrong_answer_stops_the_notebook_when_checks_throw()
    {
        Check.ThrowOnFailure = true;
        Func<int, int, int, int> columns = (r, c, width) => 28 * c + r;
        var e = Assert.Throws<CheckFailedException>(() => Check.Answer("Check yourself (entryOf)", columns, Exercises.EntryOfPixel));
        Assert.Contains("the picture read column by column", e.Message);
        Assert.Equal(ExerciseOutcome.Failed, Check.Results[^1].Outcome);
    }

    // ---- Notebook 02: one neuron's weighted sum ----

    private static double LoopSum(Vector<double> w, Vector<double> a, int start = 0, int stopBefore = 0, bool keepLast = false, bool add = false)
    {
        double sum = 0;
        for (int k = start; k < w.Count - stopBefore; k++)
        {
            double term = add ? w[k] + a[k] : w[k] * a[k];
            sum = keepLast ? term : sum + term;
        }
        return sum;
    }

    [Fact]
    public void A_weighted_sum_written_as_a_loop_passes_by_hand_and_on_real_digits()
    {
        var printed = Passes<Func<Vector<double>, Vector<double>, double>>((w, a) => LoopSum(w, a), Exercises.WeightedSum);
        Assert.Contains("✓ Σₖ wₖaₖ for w = (1, 2, 3), a = (1, 10, 100): 1·1 + 2·10 + 3·100 = 321: matched (exactly 321)", printed);
        Assert.Contains("✓ myWeightedSum(w, a) = w · a for every neuron of layers 1 and 2 on test digits 0–9 (320 sums", printed);
    }

    [Theory]
    [InlineData("skip first", "this looks like a loop that skips k = 0", "yours is 320, expected 321")]
    [InlineData("stop early", "this looks like a loop that stops one term early", "yours is 21, expected 321")]
    [InlineData("keep last", "this looks like = where += belongs", "yours is 300, expected 321")]
    [InlineData("add", "this looks like w + a in place of w · a", "yours is 117, expected 321")]
    public void Each_likely_weighted_sum_mistake_is_named_with_its_numbers(string mistake, string named, string numbers)
    {
        Func<Vector<double>, Vector<double>, double> wrong = mistake switch
        {
            "skip first" => (w, a) => LoopSum(w, a, start: 1),
            "stop early" => (w, a) => LoopSum(w, a, stopBefore: 1),
            "keep last" => (w, a) => LoopSum(w, a, keepLast: true),
            _ => (w, a) => LoopSum(w, a, add: true),
        };
        FailsNamed(wrong, Exercises.WeightedSum,
            "✗ Σₖ wₖaₖ for w = (1, 2, 3), a = (1, 10, 100)", named, numbers);
    }

    [Fact]
    public void A_weighted_sum_with_the_bound_fixed_at_784_is_told_to_use_the_vectors_length()
    {
        var line = Fails<Func<Vector<double>, Vector<double>, double>>((w, a) =>
        {
            double sum = 0;
            for (int k = 0; k < 784; k++) sum += w[k] * a[k];
            return sum;
        }, Exercises.WeightedSum);
        Assert.StartsWith("✗ myWeightedSum runs on w = (1, 2, 3), a = (1, 10, 100): does not hold (your function threw", line);
        Assert.Contains("Loop k from 0 while k < w.Count", line);
    }

    // ---- Notebook 02: a layer's weighted sums W a ----

    private static Vector<double> LoopSums(Matrix<double> W, Vector<double> a, string mistake = "")
    {
        if (mistake == "transposed")
        {
            var t = Vector<double>.Build.Dense(W.ColumnCount);
            for (int j = 0; j < W.ColumnCount; j++)
                for (int k = 0; k < W.RowCount; k++)
                    t[j] += W[k, j] * a[k];
            return t;
        }
        if (mistake == "columns")
            return Vector<double>.Build.Dense(W.ColumnCount, k => Enumerable.Range(0, W.RowCount).Sum(j => W[j, k] * a[k]));
        var sums = Vector<double>.Build.Dense(W.RowCount);
        double running = 0;
        for (int j = 0; j < W.RowCount - (mistake == "last neuron" ? 1 : 0); j++)
        {
            if (mistake != "running") running = 0;
            for (int k = mistake == "skip first" ? 1 : 0; k < W.ColumnCount - (mistake == "stop early" ? 1 : 0); k++)
            {
                double term = W[j, k] * (mistake == "a[j]" ? a[j] : a[k]);
                running = mistake == "keep last" ? term : running + term;
            }
            sums[j] = running;
        }
        return sums;
    }

    [Fact]
    public void A_layers_weighted_sums_written_as_loops_pass_on_every_layer()
    {
        var printed = Passes<Func<Matrix<double>, Vector<double>, Vector<double>>>((W, a) => LoopSums(W, a), Exercises.WeightedSums);
        Assert.Contains("✓ W a for W = (1 2 3; 4 5 6), a = (1, 10, 100): (1·1 + 2·10 + 3·100, 4·1 + 5·10 + 6·100) = (321, 654): matched (vector of 2", printed);
        Assert.Contains("✓ myWeightedSums = Wˡ aˡ⁻¹ on all three layers of 784-16-16-10, test digits 0–9: holds", printed);
    }

    [Theory]
    [InlineData("transposed", "this looks like W transposed: one sum per column", "yours has one entry per column of W (3), not one per row (2)")]
    [InlineData("columns", "this looks like a sum down the columns", "")]
    [InlineData("a[j]", "this looks like a[j] where a[k] belongs", "the first at [0]: yours 6, expected 321")]
    [InlineData("skip first", "this looks like a loop over k that skips k = 0", "the first at [0]: yours 320, expected 321")]
    [InlineData("stop early", "this looks like a loop over k that stops one early", "the first at [0]: yours 21, expected 321")]
    [InlineData("last neuron", "this looks like a loop over the neurons that stops one early", "the first at [1]: yours 0, expected 654")]
    [InlineData("running", "this looks like a running total across neurons", "the first at [1]: yours 975, expected 654")]
    [InlineData("keep last", "this looks like = where += belongs", "the first at [0]: yours 300, expected 321")]
    public void Each_likely_layer_sum_mistake_is_named_with_its_numbers(string mistake, string named, string numbers)
    {
        FailsNamed<Func<Matrix<double>, Vector<double>, Vector<double>>>((W, a) => LoopSums(W, a, mistake), Exercises.WeightedSums,
            "✗ W a for W = (1 2 3; 4 5 6), a = (1, 10, 100)", named, numbers);
    }

    [Fact]
    public void A_transposed_W_on_the_square_layer_is_named_there()
    {
        // Right for non-square W, Wᵀ a where the shapes let it through: the check finds it on layer 2 (16 × 16).
        var line = Fails<Func<Matrix<double>, Vector<double>, Vector<double>>>(
            (W, a) => W.RowCount == W.ColumnCount ? W.Transpose() * a : W * a, Exercises.WeightedSums);
        Assert.StartsWith("✗ myWeightedSums(W², a¹) for test digits 0–9, one column per digit: this looks like W where Wᵀ belongs", line);
    }

    [Fact]
    public void A_layer_function_that_uses_a_fixed_matrix_is_told_to_use_its_parameters()
    {
        var W1 = Network.Create([784, 16, 16, 10], seed: 1).W(1);
        var line = Fails<Func<Matrix<double>, Vector<double>, Vector<double>>>((W, a) => W1 * a, Exercises.WeightedSums);
        Assert.StartsWith("✗ myWeightedSums runs on W = (1 2 3; 4 5 6), a = (1, 10, 100): does not hold (your function threw", line);
        Assert.Contains("use the parameters W and a, not the notebook's W1 or x", line);
    }

    [Fact]
    public void A_layer_function_that_works_for_layer_1_only_is_asked_about_fixed_bounds_and_the_notebooks_variables()
    {
        var W1 = Network.Create([784, 16, 16, 10], seed: 1).W(1);
        var line = Fails<Func<Matrix<double>, Vector<double>, Vector<double>>>(
            (W, a) => W.RowCount == 2 || W.ColumnCount == 784 ? W * a : W1 * a, Exercises.WeightedSums);
        Assert.StartsWith("✗ myWeightedSums runs on W² (16 × 16), a¹ (16 entries): does not hold (your function threw", line);
        Assert.Contains("It worked on layer 1: is a loop bound fixed at 784 or 16, or does it use the notebook's W1 or x instead of its parameters?", line);
    }

    [Fact]
    public void A_layer_function_that_ignores_its_input_is_told_every_digit_gives_the_same_sums()
    {
        var x = Mnist.LoadTest().Image(0);
        var line = Fails<Func<Matrix<double>, Vector<double>, Vector<double>>>(
            (W, a) => W.ColumnCount == 784 ? W * x : W * a, Exercises.WeightedSums);
        Assert.StartsWith("✗ myWeightedSums(W¹, a⁰) for test digits 0–9, one column per digit: different digits give different sums: does not hold", line);
        Assert.Contains("yours gives the same vector for every digit: does your function use the notebook's x", line);
    }

    // ---- Notebook 03: z = W a + b ----

    [Fact]
    public void Weighted_sums_plus_biases_pass_on_every_layer()
    {
        var printed = Passes<Func<Matrix<double>, Vector<double>, Vector<double>, Vector<double>>>((W, a, b) => W * a + b, Exercises.WeightedSumsPlusBiases);
        Assert.Contains("(321 + 0.5, 654 − 2) = (321.5, 652): matched", printed);
        Assert.Contains("✓ myZ = Wˡ aˡ⁻¹ + bˡ on all three layers of 784-16-16-10, test digits 0–9: holds", printed);
    }

    [Theory]
    [InlineData("forgotten", "this looks like the bias forgotten", "yours 321, expected 321.5")]
    [InlineData("subtracted", "this looks like b subtracted", "yours 320.5, expected 321.5")]
    [InlineData("per input", "this looks like the bias added once per input", "yours 322.5, expected 321.5")]
    [InlineData("b[0]", "this looks like one bias for every neuron", "the first at [1]: yours 654.5, expected 652")]
    [InlineData("sum", "this looks like all the biases added to every neuron", "yours 319.5, expected 321.5")]
    public void Each_likely_bias_mistake_is_named_with_its_numbers(string mistake, string named, string numbers)
    {
        Func<Matrix<double>, Vector<double>, Vector<double>, Vector<double>> wrong = mistake switch
        {
            "forgotten" => (W, a, b) => W * a,
            "subtracted" => (W, a, b) => W * a - b,
            "per input" => (W, a, b) => Vector<double>.Build.Dense(W.RowCount, j =>
            {
                double z = 0;
                for (int k = 0; k < W.ColumnCount; k++) z += W[j, k] * a[k] + b[j];
                return z;
            }),
            "b[0]" => (W, a, b) => W * a + b[0],
            _ => (W, a, b) => W * a + b.Sum(),
        };
        FailsNamed(wrong, Exercises.WeightedSumsPlusBiases, "✗ z = W a + b for W = (1 2 3; 4 5 6), a = (1, 10, 100), b = (0.5, −2)", named, numbers);
    }

    [Fact]
    public void A_bias_added_to_the_input_is_told_where_the_bias_belongs()
    {
        var line = Fails<Func<Matrix<double>, Vector<double>, Vector<double>, Vector<double>>>((W, a, b) => W * (a + b), Exercises.WeightedSumsPlusBiases);
        Assert.StartsWith("✗ myZ runs on W = (1 2 3; 4 5 6), a = (1, 10, 100), b = (0.5, −2): does not hold (your function threw", line);
        Assert.Contains("Here W is 2 × 3, a has 3 entries and b has 2: b has one entry per neuron (per row of W), so it is added after the product, to W a (2 entries), never to a (3)", line);
    }

    [Fact]
    public void A_bias_added_to_the_input_where_the_shapes_allow_it_is_named_as_the_wrong_axis()
    {
        var line = Fails<Func<Matrix<double>, Vector<double>, Vector<double>, Vector<double>>>(
            (W, a, b) => a.Count == b.Count ? W * (a + b) : W * a + b, Exercises.WeightedSumsPlusBiases);
        Assert.StartsWith("✗ myZ(W², a¹, b²) for test digits 0–9, one column per digit: this looks like the bias added to the input (the wrong axis)", line);
    }

    // ---- Notebook 04: σ and σ′ ----

    [Fact]
    public void The_sigmoid_passes_including_z_of_plus_and_minus_800()
    {
        var printed = Passes<Func<double, double>>(z => 1 / (1 + Math.Exp(-z)), Exercises.Sigmoid);
        Assert.Contains("✓ mySigmoid = σ on z ∈ [−10, 10] and at z = ±40, ±710, ±800, with no NaN: holds (σ(0) = 0.5, σ(−800) = 0, σ(800) = 1)", printed);
    }

    [Theory]
    [InlineData("mirror", "this looks like the mirror image σ(−z)", "the first at [0]: yours 0.999955, expected 4.53979e-05")]
    [InlineData("precedence", "this looks like operator precedence", "the first at [0]: yours 22027.5, expected 4.53979e-05")]
    [InlineData("no one", "this looks like the 1 + left out", "the first at [0]: yours 4.53999e-05, expected 4.53979e-05")]
    [InlineData("e^-z", "this looks like e^z where e^(−z) belongs, and the 1 + left out", "the first at [0]: yours 22026.5, expected 4.53979e-05")]
    public void Each_likely_sigmoid_mistake_is_named_with_its_numbers(string mistake, string named, string numbers)
    {
        Func<double, double> wrong = mistake switch
        {
            "mirror" => z => 1 / (1 + Math.Exp(z)),
            "precedence" => z => 1 / 1 + Math.Exp(-z),
            "no one" => z => 1 / Math.Exp(-z),
            _ => z => 1 / Math.Exp(z),
        };
        FailsNamed(wrong, Exercises.Sigmoid,
            "✗ mySigmoid(z) for z = −10, −9.5, …, 10 (entry [i] is z = −10 + i/2)", named, numbers);
    }

    [Fact]
    public void A_sigmoid_that_gives_NaN_at_800_is_told_why_and_what_to_write()
    {
        var line = Fails<Func<double, double>>(z => Math.Exp(z) / (1 + Math.Exp(z)), Exercises.Sigmoid);
        Assert.StartsWith("✗ mySigmoid(710) is a number: does not hold (yours gave NaN: e^710 is too large for a double and becomes ∞.", line);
        Assert.Contains("1 / (1 + e^(−z)) keeps the huge exponential alone in the denominator", line);
    }

    [Fact]
    public void Sigma_prime_from_sigma_passes_including_z_of_plus_and_minus_800()
    {
        var printed = Passes<Func<double, double>>(z => Sigma(z) * (1 - Sigma(z)), Exercises.SigmoidPrime);
        Assert.Contains("✓ mySigmoidPrime = σ′ on z ∈ [−10, 10] and at z = ±40, ±710, ±800, with no NaN: holds (σ′(0) = 0.25 (the maximum, ¼)", printed);
    }

    [Theory]
    [InlineData("sigma", "this looks like σ′ = σ", "the first at [0]: yours 4.53979e-05, expected 4.53958e-05")]
    [InlineData("z", "this looks like σ′ applied to z instead of to a = σ(z)", "the first at [0]: yours -110, expected 4.53958e-05")]
    [InlineData("twice", "this looks like σ′ taken at σ(z)", "the first at [0]: yours 0.25, expected 4.53958e-05")]
    [InlineData("one factor", "this looks like a factor left out: 1 − σ(z)", "the first at [0]: yours 0.999955, expected 4.53958e-05")]
    [InlineData("squared", "this looks like a factor left out: σ(z)²", "the first at [0]: yours 2.06097e-09, expected 4.53958e-05")]
    public void Each_likely_sigma_prime_mistake_is_named_with_its_numbers(string mistake, string named, string numbers)
    {
        Func<double, double> wrong = mistake switch
        {
            "sigma" => Sigma,
            "z" => z => z * (1 - z),
            "twice" => z => Sigma(Sigma(z)) * (1 - Sigma(Sigma(z))),
            "one factor" => z => 1 - Sigma(z),
            _ => z => Sigma(z) * Sigma(z),
        };
        FailsNamed(wrong, Exercises.SigmoidPrime,
            "✗ mySigmoidPrime(z) for z = −10, −9.5, …, 10 (entry [i] is z = −10 + i/2)", named, numbers);
    }

    [Fact]
    public void A_sigma_prime_that_gives_NaN_at_minus_800_is_told_to_compute_it_from_sigma()
    {
        var line = Fails<Func<double, double>>(z => Math.Exp(-z) / Math.Pow(1 + Math.Exp(-z), 2), Exercises.SigmoidPrime);
        Assert.StartsWith("✗ mySigmoidPrime(-710) is a number: does not hold (yours gave NaN", line);
        Assert.Contains("compute σ′ from σ", line);
    }

    [Fact]
    public void A_sigma_prime_that_calls_an_unwritten_sigma_is_told_what_is_null()
    {
        Func<double, double>? mySigmoid = null;
        var line = Fails<Func<double, double>>(z => mySigmoid!(z) * (1 - mySigmoid!(z)), Exercises.SigmoidPrime);
        Assert.StartsWith("✗ mySigmoidPrime runs on z = −10 … 10: does not hold (your function threw NullReferenceException", line);
        Assert.Contains("an answer of an earlier step that you have not written yet?", line);
    }

    // ---- Notebook 05: the forward pass ----

    private static IReadOnlyList<(Vector<double> Z, Vector<double> A)> Forward(Network network, Vector<double> x, string mistake = "")
    {
        var layers = new List<(Vector<double> Z, Vector<double> A)>();
        if (mistake == "input first") layers.Add((x, x));
        var a = x;
        int last = network.LayerCount - (mistake == "early" ? 1 : 0);
        for (int l = 1; l <= last; l++)
        {
            var W = mistake == "transposed" ? network.W(l).Transpose() : network.W(l);
            var input = mistake == "x" ? x : a;
            var b = mistake switch
            {
                "no bias" => network.b(l) * 0,
                "minus b" => -network.b(l),
                "next bias" when l < network.LayerCount && network.b(l + 1).Count == network.b(l).Count => network.b(l + 1),
                _ => network.b(l),
            };
            var z = W * input + b;
            a = mistake switch
            {
                "no sigma" when l == 2 => z,
                "twice" when l == 1 => z.Map(Sigma).Map(Sigma),
                "prime" when l == 1 => z.Map(v => Sigma(v) * (1 - Sigma(v))),
                _ => z.Map(Sigma),
            };
            layers.Add((z, a));
        }
        return layers;
    }

    [Fact]
    public void A_forward_pass_for_any_list_of_layers_passes_on_three_shapes()
    {
        var printed = Passes<Func<Network, Vector<double>, IReadOnlyList<(Vector<double> Z, Vector<double> A)>>>((n, x) => Forward(n, x), Exercises.ForwardPass);
        Assert.Contains("✓ myForward = Forward for 784-16-16-10, 784-30-10 and 784-20-16-12-10 on test digits 0–99: every zˡ and aˡ: holds", printed);
    }

    [Fact]
    public void The_library_forward_pass_in_the_build_its_shape_passes_its_own_check()
    {
        Passes<Func<Network, Vector<double>, IReadOnlyList<(Vector<double> Z, Vector<double> A)>>>((n, a) => Exercises.ForwardLayers(n, a), Exercises.ForwardPass);
        var network = Network.Create([784, 16, 16, 10], seed: 1);
        var x = Mnist.LoadTest().Image(0);
        var layers = Exercises.ForwardLayers(network, x);
        Assert.Equal(3, layers.Count);
        Assert.Equal(network.Output(x), layers[^1].A);
    }

    [Theory]
    [InlineData("input first", "✗ myForward on 784-16-16-10 returns one (zˡ, aˡ) per layer: does not hold (yours has 4 entries, the first of 784 numbers: the input a⁰")]
    [InlineData("early", "✗ myForward on 784-16-16-10 returns one (zˡ, aˡ) per layer: does not hold (yours has 2 entries for 3 layers: the loop stopped a layer early")]
    [InlineData("no sigma", "✗ a² on 784-16-16-10 on test digits 0–99 (layer 2 at index 1 of your list; one column per digit): this looks like σ missing on layer 2")]
    [InlineData("twice", "✗ a¹ on 784-16-16-10 on test digits 0–99 (layer 1 at index 0 of your list; one column per digit): this looks like σ applied twice on layer 1")]
    [InlineData("prime", "✗ a¹ on 784-16-16-10 on test digits 0–99 (layer 1 at index 0 of your list; one column per digit): this looks like σ′ where σ belongs on layer 1")]
    [InlineData("no bias", "✗ z¹ on 784-16-16-10 on test digits 0–99 (layer 1 at index 0 of your list; one column per digit): this looks like the bias forgotten")]
    [InlineData("minus b", "✗ z¹ on 784-16-16-10 on test digits 0–99 (layer 1 at index 0 of your list; one column per digit): this looks like b subtracted")]
    [InlineData("next bias", "✗ z¹ on 784-16-16-10 on test digits 0–99 (layer 1 at index 0 of your list; one column per digit): this looks like the bias of the next layer")]
    [InlineData("transposed", "✗ myForward runs on 784-16-16-10: does not hold (your function threw ArgumentException")]
    [InlineData("x", "✗ myForward runs on 784-16-16-10: does not hold (your function threw ArgumentException")]
    public void Each_likely_forward_pass_mistake_is_named(string mistake, string start)
    {
        var line = Fails<Func<Network, Vector<double>, IReadOnlyList<(Vector<double> Z, Vector<double> A)>>>((n, x) => Forward(n, x, mistake), Exercises.ForwardPass);
        Assert.StartsWith(start, line);
        if (mistake == "transposed")
            Assert.Contains("On a network whose layers all have 16 neurons (every W square, so the shapes fit) it runs, and layer 1 shows Wᵀ where W belongs", line);
        if (mistake == "x")
            Assert.Contains("it runs, and layer 2 shows the input x fed to every layer", line);
    }

    [Fact]
    public void A_forward_pass_that_mixes_the_zero_based_bias_list_with_W_of_l_is_told_how_the_lists_count()
    {
        var line = Fails<Func<Network, Vector<double>, IReadOnlyList<(Vector<double> Z, Vector<double> A)>>>((network, x) =>
        {
            var layers = new List<(Vector<double> Z, Vector<double> A)>();
            var a = x;
            for (int l = 1; l <= network.LayerCount; l++)
            {
                var z = network.W(l) * a + network.Biases[l];
                a = z.Map(Sigma);
                layers.Add((z, a));
            }
            return layers;
        }, Exercises.ForwardPass);
        Assert.StartsWith("✗ myForward runs on 784-16-16-10: does not hold (your function threw", line);
        Assert.Contains("network.Biases[l] is bˡ⁺¹", line);
    }

    // ---- Notebook 02, exercise 3: the top bar of a 7 ----

    private static Vector<double> Weights(Func<int, int, double> weight) => Vector<double>.Build.Dense(784, k => weight(k / 28, k % 28));

    [Fact]
    public void A_detector_that_wants_the_bar_and_not_the_ones_passes()
    {
        var bar = Weights((r, c) => r is >= 4 and <= 10 && c is >= 3 and <= 11 ? 1.0 : r is >= 18 and <= 25 && c is >= 15 and <= 22 ? -0.5 : 0);
        var printed = Passes(bar, Exercises.TopBarOfASeven);
        Assert.Matches(@"✓ topBar fires \(weighted sum > 0\) for at least 90 % of the test sevens and at most 10 % of the test ones: holds \(it fires for [\d,]+ of 1,028 sevens \(9\d\.\d %\) and \d+ of 1,135 ones \(\d\.\d %\)\)", printed);
    }

    [Theory]
    [InlineData("all ones")]
    [InlineData("top rows")]
    [InlineData("bottom rows")]
    public void Weights_that_only_count_ink_fail_and_are_told_why(string weights)
    {
        var w = weights switch
        {
            "all ones" => Weights((_, _) => 1.0),
            "top rows" => Weights((r, _) => r is >= 4 and <= 9 ? 1.0 : 0),
            _ => Weights((r, _) => r >= 14 ? 1.0 : 0),
        };
        var line = Fails(w, Exercises.TopBarOfASeven);
        Assert.Matches(@"and 1,\d{3} of 1,135 ones", line);
        Assert.Contains("Your weights are never negative, so every 1 with any ink on your positive weights scores above 0", line);
        Assert.Contains("sevens win averages only because they have more ink", line);
    }

    [Fact]
    public void A_detector_with_no_positive_weight_is_told_nothing_can_fire()
    {
        var line = Fails(Weights((_, _) => 0.0), Exercises.TopBarOfASeven);
        Assert.Contains("it fires for 0 of 1,028 sevens (0.0 %) and 0 of 1,135 ones (0.0 %). None of your weights is positive", line);
    }

    [Fact]
    public void A_detector_whose_negative_weights_drown_the_bar_is_told_it_misses_sevens()
    {
        var line = Fails(Weights((r, c) => r is >= 4 and <= 10 && c is >= 3 and <= 11 ? 1.0 : r >= 12 ? -1.0 : 0), Exercises.TopBarOfASeven);
        Assert.Contains("It misses too many sevens", line);
    }
}

/// <summary>The two charts of notebooks 02 and 04 (Charts.Neurons.cs), checked through the figure JSON the browser gets.</summary>
public sealed class ChartsNeuronsTests
{
    private static System.Text.Json.JsonElement Data(Plotly.NET.GenericChart chart) =>
        System.Text.Json.JsonDocument.Parse(Plotly.NET.GenericChart.toJson(chart)).RootElement.GetProperty("data");

    private static double[] Numbers(System.Text.Json.JsonElement trace, string axis) =>
        trace.GetProperty(axis).EnumerateArray().Select(v => v.GetDouble()).ToArray();

    [Fact]
    public void The_step_is_drawn_flat_at_0_and_1_with_a_zero_slope_beside_sigma_and_its_positive_slope()
    {
        var traces = Data(NeuralNetworks.Plotting.Charts.StepBesideSigmoid()).EnumerateArray().ToArray();
        var steps = traces.Where(t => t.GetProperty("name").GetString() == "step").ToArray();
        var slopes = traces.Where(t => t.GetProperty("name").GetString() == "step′").ToArray();
        var sigma = traces.Single(t => t.GetProperty("name").GetString() == "σ");
        var sigmaPrime = traces.Single(t => t.GetProperty("name").GetString() == "σ′");

        Assert.Equal(2, steps.Length);
        Assert.All(Numbers(steps[0], "x"), z => Assert.True(z <= 0));
        Assert.All(Numbers(steps[0], "y"), y => Assert.Equal(0.0, y));
        Assert.All(Numbers(steps[1], "x"), z => Assert.True(z > 0));
        Assert.All(Numbers(steps[1], "y"), y => Assert.Equal(1.0, y));
        Assert.All(slopes.SelectMany(t => Numbers(t, "y")), y => Assert.Equal(0.0, y));
        var z = Numbers(sigma, "x");
        Assert.Equal(z.Select(Activation.Sigmoid.Apply), Numbers(sigma, "y"));
        var primes = Numbers(sigmaPrime, "y");
        Assert.All(primes, y => Assert.True(y > 0 && y <= 0.25));
        Assert.Equal(0.25, primes.Max());
        Assert.Equal(0.0, Numbers(sigmaPrime, "x")[Array.IndexOf(primes, primes.Max())]);
    }

    [Fact]
    public void The_preview_of_training_shows_one_frame_per_epoch_and_leaves_the_network_as_it_was()
    {
        var pixels = new byte[30 * 784];
        var labels = new byte[30];
        for (int i = 0; i < 30; i++)
        {
            labels[i] = (byte)(i % 10);
            for (int c = 5; c < 23; c++) pixels[i * 784 + (3 + i % 20) * 28 + c] = 255;
        }
        var digits = new DataSet(pixels, labels, 784, 10, "synthetic", 28, 28);
        var network = Network.Create([784, 16, 16, 10], seed: 1);
        var before = network.W(1).Clone();

        var chart = NeuralNetworks.Plotting.Charts.TrainedWeightsPreview(network, digits, epochs: 3);

        Assert.Equal(["epoch 0", "epoch 1", "epoch 2", "epoch 3"], NeuralNetworks.Plotting.Charts.FrameNames(chart));
        Assert.Equal(before, network.W(1));
        Assert.Equal(16, Data(chart).GetArrayLength());
    }
}
