using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Course;
using NeuralNetworks.Data;
using NeuralNetworks.Model;

namespace NeuralNetworks.Tests.Course;

/// <summary>
/// The checks of notebook 08's backward pass and 09's epoch (Exercises.Backprop.cs), three ways: a right answer gets
/// its ✓ lines and no ✗; each well-known mistake gets a ✗ that names it (and, for a wrong value, what the finite
/// difference says); an answer still null is "not answered yet". Run on made-up digits of MNIST's shape, so the fast
/// subset runs them; <see cref="ExercisesBackpropMnistTests"/> runs the public entry points on the real digits.
/// </summary>
public sealed class ExercisesBackpropTests : IDisposable
{
    private readonly StringWriter output = new();

    public ExercisesBackpropTests() => Check.Scoped.Value = new Check.Session { Writer = output };

    public void Dispose() => Check.Scoped.Value = null;

    private string Printed => output.ToString().ReplaceLineEndings("\n");

    /// <summary>Ten made-up "digits" of 28×28 pixels: the top two rows and every third pixel black in all of them, the rest
    /// black in about half of them and uniform in (0, 1] in the others.</summary>
    internal static Matrix<double> Digits(int m = 10, int seed = 8)
    {
        var random = new Random(seed);
        return Matrix<double>.Build.Dense(784, m, (k, _) => k % 3 == 0 || k < 56 || random.Next(2) == 0 ? 0 : random.Next(1, 256) / 255.0);
    }

    internal static Matrix<double> Targets(int m = 10) => Matrix<double>.Build.Dense(10, m, (j, x) => j == (3 * x + 1) % 10 ? 1.0 : 0.0);

    /// <summary>The ways a student's backward pass goes wrong, each at one place of an otherwise right one.</summary>
    public enum Slip
    {
        None,
        NoSlopeInBP1, SlopeOfAInBP1, ZTimesOneMinusZInBP1, SignFlipped, DeltaDividedByM,
        NoSlopeInBP2, SlopeOfAInBP2, NoTransposeInBP2, NoTransposeInBP2OnlyWhereSquare, SlopeOfTheLayerAbove, SquareOffByOne,
        BiasSummed, BiasWrongAxis, BiasFirstExampleOnly,
        WeightSummed, WeightTransposed, WeightWithOwnActivation, WeightTwoLayersBack, WeightWithZ, WeightWithoutTranspose,
        Reversed, StoredAtIndexL, CostSummed, HardCodedThreeLayers, HardCodedTen, ReturnsNull, DeltaUsedBeforeSet, LoopToZero,
        SigmoidSlopeEverywhere,
    }

    /// <summary>A backward pass written the way a student would (not the library's code), with one slip.</summary>
    internal static Func<ForwardPass, Matrix<double>, BackwardPass> Student(Slip slip = Slip.None) => (pass, Y) =>
    {
        if (slip == Slip.ReturnsNull) return null!;
        int L = slip == Slip.HardCodedThreeLayers ? 3 : pass.LayerCount;
        double m = slip == Slip.HardCodedTen ? 10 : pass.ExampleCount;
        var layers = new LayerBackward[slip == Slip.StoredAtIndexL ? L + 1 : L];
        Matrix<double> delta = null!;
        for (int l = L; l >= (slip == Slip.LoopToZero ? 0 : 1); l--)
        {
            var layer = pass[l];
            var slope = slip == Slip.SigmoidSlopeEverywhere ? layer.A.PointwiseMultiply(1 - layer.A) : layer.Activation.Derivative(layer.Z);
            if (l == L && slip == Slip.DeltaUsedBeforeSet)
                delta = delta.PointwiseMultiply(slope);
            else if (l == L)
            {
                var error = slip == Slip.SignFlipped ? Y - layer.A : layer.A - Y;
                delta = slip switch
                {
                    Slip.NoSlopeInBP1 => error,
                    Slip.SlopeOfAInBP1 => error.PointwiseMultiply(layer.Activation.Derivative(layer.A)),
                    Slip.ZTimesOneMinusZInBP1 => error.PointwiseMultiply(layer.Z.PointwiseMultiply(1 - layer.Z)),
                    Slip.DeltaDividedByM => error.PointwiseMultiply(slope) / m,
                    _ => error.PointwiseMultiply(slope),
                };
            }
            else
            {
                var W = pass[l + 1].W;
                bool noTranspose = slip == Slip.NoTransposeInBP2 || (slip == Slip.NoTransposeInBP2OnlyWhereSquare && W.RowCount == W.ColumnCount);
                var back = noTranspose ? W * delta : W.Transpose() * delta;
                delta = slip switch
                {
                    Slip.NoSlopeInBP2 => back,
                    Slip.SlopeOfAInBP2 => back.PointwiseMultiply(layer.Activation.Derivative(layer.A)),
                    Slip.SlopeOfTheLayerAbove => back.PointwiseMultiply(pass[l + 1].Activation.Derivative(pass[l + 1].Z)),
                    Slip.SquareOffByOne when l == 1 => back.PointwiseMultiply(pass[2].Activation.Derivative(pass[2].Z)),
                    _ => back.PointwiseMultiply(slope),
                };
            }
            var gradB = slip switch
            {
                Slip.BiasSummed => delta.RowSums(),
                Slip.BiasWrongAxis => delta.ColumnSums() / m,
                Slip.BiasFirstExampleOnly => delta.Column(0),
                _ => delta.RowSums() / m,
            };
            var gradW = slip switch
            {
                Slip.WeightSummed => delta * layer.Input.Transpose(),
                Slip.WeightTransposed => layer.Input * delta.Transpose() / m,
                Slip.WeightWithOwnActivation => delta * layer.A.Transpose() / m,
                Slip.WeightTwoLayersBack when l >= 2 => delta * pass[l - 1].Input.Transpose() / m,
                Slip.WeightWithZ when l >= 2 => delta * pass[l - 1].Z.Transpose() / m,
                Slip.WeightWithoutTranspose => delta * layer.Input / m,
                _ => delta * layer.Input.Transpose() / m,
            };
            layers[slip == Slip.StoredAtIndexL ? l : l - 1] = new LayerBackward(l, delta, gradW, gradB);
        }
        if (slip == Slip.Reversed) Array.Reverse(layers);
        double cost = Cost.Quadratic.Value(pass.Output, Y) * (slip == Slip.CostSummed ? pass.ExampleCount : 1);
        return new BackwardPass(layers, cost, Y);
    };

    private void CheckBackward(Slip slip) =>
        Check.Answer("Build it · your backward pass (myBackward)", Student(slip), f => Exercises.Backward(f, Digits(), Targets(), "10 made-up digits"));

    [Fact]
    public void A_right_backward_pass_passes_every_layer_the_finite_differences_and_another_network()
    {
        CheckBackward(Slip.None);
        Assert.DoesNotContain("✗", Printed);
        Assert.Contains("✓ C, the mean cost of 10 made-up digits", Printed);
        foreach (var (l, sup) in new[] { (3, "³"), (2, "²"), (1, "¹") })
            Assert.Contains($"✓ layer {l}: your δ{sup} ({(l == 3 ? "BP1" : "BP2")}), ∂C/∂b{sup} (BP3) and ∂C/∂W{sup} (BP4) = Backward's on 10 made-up digits: holds", Printed);
        Assert.Contains("✓ the definition of a derivative agrees with your gradient: 15 weights and biases", Printed);
        Assert.Contains("✓ it works for any network: on a 7-5-4-3-2 tanh network (L = 4) and 6 examples, every one of your 87 weight and bias gradients agrees", Printed);
        Assert.Equal(ExerciseOutcome.Passed, Check.Results[^1].Outcome);
    }

    [Fact]
    public void The_librarys_backward_is_not_an_answer_handed_in_or_called()
    {
        // A student's audit (H2): the library's function handed in was caught, the same wrapped in a lambda passed all 7
        // checks. Now both fail, and nothing of the answer runs; the same algorithm written out (Student()) passes above.
        Func<ForwardPass, Matrix<double>, BackwardPass> wrapped = (pass, Y) => Exercises.LibraryBackward(pass, Y);
        Assert.Throws<CheckFailedException>(() => Check.Answer("Build it · your backward pass (myBackward)", wrapped,
            f => Exercises.Backward(f, Digits(), Targets(), "10 made-up digits")));
        Assert.Contains("✗ myBackward: your function calls the library's own Exercises.LibraryBackward, which computes what the exercise asks for", Printed);
        Assert.DoesNotContain("✓", Printed);
        Assert.Throws<CheckFailedException>(() => Check.Answer("Build it · your backward pass (myBackward)", Exercises.LibraryBackward,
            f => Exercises.Backward(f, Digits(), Targets(), "10 made-up digits")));
        Assert.Contains("your answer is the library's own function (from Exercises), not yours", Printed);
    }

    /// <summary>Runs the backward check on 10 made-up digits, which must end in a ✗ (read it from <see cref="Printed"/>).</summary>
    private static void FailsOnMadeUpDigits(Func<ForwardPass, Matrix<double>, BackwardPass> yours) =>
        Assert.Throws<CheckFailedException>(() => Check.Answer("Build it · your backward pass (myBackward)", yours, f => Exercises.Backward(f, Digits(), Targets(), "10 made-up digits")));

    [Fact]
    public void A_backward_pass_that_writes_into_matrices_it_keeps_between_calls_is_named()
    {
        // A student's audit (2026-12-06): results copied into buffers kept between calls passed all 7 checks; notebook 08's
        // section 8 then called it twice, got the second call's numbers in both, and a course cell blamed the physics.
        var buffers = new Dictionary<(int, int, int), Matrix<double>>();
        Matrix<double> Kept(int l, Matrix<double> value, int which)
        {
            if (!buffers.TryGetValue((l, which, value.ColumnCount), out var kept)) buffers[(l, which, value.ColumnCount)] = kept = value.Clone();
            value.CopyTo(kept);
            return kept;
        }
        Func<ForwardPass, Matrix<double>, BackwardPass> buffered = (pass, Y) =>
        {
            var right = Student()(pass, Y);
            return new BackwardPass(right.Layers.Select(r => new LayerBackward(r.Layer, Kept(r.Layer, r.Delta, 0), Kept(r.Layer, r.GradW, 1), r.GradB)).ToArray(), right.Cost, right.Target);
        };

        FailsOnMadeUpDigits(buffered);

        Assert.Contains("✗ each call of your backward pass gives a result of its own", Printed);
        Assert.Contains("yours writes each result into matrices it keeps between calls", Printed);
        Assert.DoesNotContain("hard-coded", Printed);
    }

    [Fact]
    public void Dividing_by_the_outputs_instead_of_m_is_named_where_they_differ()
    {
        // A student's audit: m = Y.RowCount passes on 784-16-16-10 with 10 digits (10 outputs = 10 examples), and on the
        // 7-5-4-3-2 network with 6 examples was called "3 × the right answer: a sum where the mean belongs?".
        Func<ForwardPass, Matrix<double>, BackwardPass> byOutputs = (pass, Y) =>
        {
            var right = Student()(pass, Y);
            double factor = (double)pass.ExampleCount / Y.RowCount;
            return right with { Layers = right.Layers.Select(r => new LayerBackward(r.Layer, r.Delta, r.GradW * factor, r.GradB * factor)).ToArray() };
        };

        FailsOnMadeUpDigits(byOutputs);

        Assert.Contains("7-5-4-3-2", Printed);
        Assert.Contains("this looks like m taken as Y.RowCount, the number of outputs", Printed);
    }

    [Fact]
    public void Handing_the_pass_to_the_notebooks_own_network_is_named_without_the_librarys_parameter_name()
    {
        // A student's audit: myBackward = (pass, Y) => network.Backward(pass, Y) was told "is L hard-coded as 3?" and saw
        // "(Parameter 'forward')".
        var network = Network.Create([784, 16, 16, 10], seed: 1);
        Func<ForwardPass, Matrix<double>, BackwardPass> notebooks = (pass, Y) => network.Backward(pass, Y);

        FailsOnMadeUpDigits(notebooks);

        Assert.Contains("✗ myBackward: your function calls the library's own Network.Backward", Printed);
        Assert.DoesNotContain("(Parameter", Printed);
        Assert.DoesNotContain("hard-coded", Printed);
    }

    [Fact]
    public void A_backward_pass_that_keeps_its_first_result_is_named()
    {
        BackwardPass? last = null;
        Func<ForwardPass, Matrix<double>, BackwardPass> cached = (pass, Y) => last ??= Student()(pass, Y);

        FailsOnMadeUpDigits(cached);

        Assert.Contains("returned the first call's result again: does yours keep (cache) a result from an earlier call?", Printed);
        Assert.DoesNotContain("hard-coded", Printed);
    }

    [Fact]
    public void Not_written_yet_says_so_and_runs_nothing()
    {
        Func<ForwardPass, Matrix<double>, BackwardPass>? myBackward = null;
        Assert.False(Check.Answer("Build it · your backward pass (myBackward)", myBackward, Exercises.Backward));
        Assert.StartsWith("◌ Build it · your backward pass (myBackward): not answered yet", Printed);
        Assert.Equal(ExerciseOutcome.NotAnswered, Check.Results[^1].Outcome);
    }

    [Theory]
    [InlineData(Slip.NoSlopeInBP1, "✗ δ³ = ∂C/∂z³ (BP1;", "this looks like σ′ left out of BP1: δ³ = (a³ − y) ⊙ σ′(z³); yours is a³ − y alone")]
    [InlineData(Slip.SlopeOfAInBP1, "✗ δ³", "this looks like σ′ applied to a instead of z: BP1 needs σ′(z³)")]
    [InlineData(Slip.ZTimesOneMinusZInBP1, "✗ δ³", "this looks like σ′(z) written as z(1 − z)")]
    [InlineData(Slip.SignFlipped, "✗ δ³", "this looks like a sign error, y − a instead of a − y")]
    [InlineData(Slip.DeltaDividedByM, "✗ δ³", "this looks like δ divided by m: δ has one column per example and no average")]
    [InlineData(Slip.NoSlopeInBP2, "✗ δ² = ∂C/∂z² (BP2;", "this looks like σ′ left out of BP2: δ² = ((W³)ᵀ δ³) ⊙ σ′(z²)")]
    [InlineData(Slip.SlopeOfAInBP2, "✗ δ²", "this looks like σ′ applied to a instead of z: BP2 needs σ′(z²)")]
    [InlineData(Slip.NoTransposeInBP2OnlyWhereSquare, "✗ δ¹", "this looks like W δ instead of Wᵀ δ: δ taken from the wrong side of BP2")]
    [InlineData(Slip.SquareOffByOne, "✗ δ¹", "this looks like σ′ of the layer above: an off-by-one layer index: BP2 multiplies by σ′(z¹) of layer 1 itself; yours uses σ′(z²)")]
    [InlineData(Slip.BiasSummed, "✗ ∂C/∂b³ (BP3", "this looks like a sum where the mean belongs: 10 times too large (off by exactly m)")]
    [InlineData(Slip.BiasWrongAxis, "✗ ∂C/∂b³", "this looks like summed over the wrong axis: ∂C/∂b³ has one entry per neuron of layer 3")]
    [InlineData(Slip.BiasFirstExampleOnly, "✗ ∂C/∂b³", "this looks like only the first example")]
    [InlineData(Slip.WeightSummed, "✗ ∂C/∂W³ (BP4", "this looks like a sum where the mean belongs: 10 times too large (off by exactly m)")]
    [InlineData(Slip.WeightTransposed, "✗ ∂C/∂W³", "this looks like the outer product the wrong way round, a² (δ³)ᵀ")]
    [InlineData(Slip.WeightWithOwnActivation, "✗ ∂C/∂W³", "this looks like a³ instead of a²: the wrong layer's activation in BP4")]
    [InlineData(Slip.WeightTwoLayersBack, "✗ ∂C/∂W³", "this looks like a¹ instead of a²: an off-by-one layer index")]
    [InlineData(Slip.WeightWithZ, "✗ ∂C/∂W³", "this looks like z² instead of a²")]
    [InlineData(Slip.CostSummed, "✗ C, the mean cost", "this looks like the sum over the examples")]
    public void A_wrong_value_is_named_by_the_mistake_it_matches(Slip slip, string line, string diagnosis)
    {
        Assert.Throws<CheckFailedException>(() => CheckBackward(slip));
        var failure = Printed.Split('\n').Single(l => l.StartsWith('✗'));
        Assert.StartsWith(line, failure);
        Assert.True(failure.Contains(diagnosis, StringComparison.Ordinal), failure);
        Assert.Equal(ExerciseOutcome.Failed, Check.Results[^1].Outcome);
        Assert.Equal(failure, Check.Results[^1].Message);
    }

    [Theory]
    [InlineData(Slip.NoSlopeInBP1, "nudging z³[0, 0] (neuron 0, example 0) by ±1e-5 changes that example's cost at a rate of")]
    [InlineData(Slip.BiasSummed, "nudging b³[0] by ±1e-5 changes C (the mean over the 10 examples) at a rate of")]
    [InlineData(Slip.WeightSummed, "nudging W³[0, 0] by ±1e-5 changes C (the mean over the 10 examples) at a rate of")]
    public void A_wrong_value_is_followed_by_what_the_definition_of_a_derivative_says_there(Slip slip, string evidence)
    {
        Assert.Throws<CheckFailedException>(() => CheckBackward(slip));
        var line = Printed.Split('\n').Single(l => l.StartsWith("  ↳", StringComparison.Ordinal));
        Assert.Contains("the definition of a derivative sides with the library: " + evidence, line);
        // The finite difference it quotes is the library's entry, to the accuracy of central differences, and yours is not.
        var numbers = System.Text.RegularExpressions.Regex.Match(line, @"at a rate of (\S+); the library's entry \[[^\]]*\] is (\S+), yours (\S+)\.$");
        Assert.True(numbers.Success, line);
        var (numerical, library, yours) = (Parse(numbers.Groups[1].Value), Parse(numbers.Groups[2].Value), Parse(numbers.Groups[3].Value));
        Assert.Equal(library, numerical, Math.Abs(library) * 1e-4 + 1e-9);
        Assert.NotEqual(library, yours, Math.Abs(library) * 1e-4 + 1e-9);
    }

    [Fact]
    public void A_sign_error_shows_the_step_going_uphill()
    {
        Assert.Throws<CheckFailedException>(() => CheckBackward(Slip.SignFlipped));
        var match = System.Text.RegularExpressions.Regex.Match(Printed, @"takes the cost of these 10 examples from ([\d.]+) to ([\d.]+); against yours, to ([\d.]+)");
        Assert.True(match.Success, Printed);
        var (before, down, up) = (Parse(match.Groups[1].Value), Parse(match.Groups[2].Value), Parse(match.Groups[3].Value));
        Assert.True(down < before && up > before, $"{before} → {down} (right) or {up} (yours)");
    }

    [Theory]
    [InlineData(Slip.NoTransposeInBP2, "That is W³ (10 × 16) times δ³ (10 × 10): δ taken from the wrong side of BP2")]
    [InlineData(Slip.WeightWithoutTranspose, "That is δ³ (10 × 10) times a² (16 × 10) without the transpose: BP4 is δ³ (a²)ᵀ")]
    [InlineData(Slip.SlopeOfTheLayerAbove, "⊙ σ′ of the layer above")]
    [InlineData(Slip.DeltaUsedBeforeSet, "Something was still null when your code used it")]
    [InlineData(Slip.LoopToZero, "An off-by-one layer index: pass[l] and backward[l] exist for l = 1…3")]
    public void An_exception_is_explained_by_the_shapes_of_this_network(Slip slip, string hint)
    {
        Assert.Throws<CheckFailedException>(() => CheckBackward(slip));
        var failure = Printed.Split('\n').Single(l => l.StartsWith('✗'));
        Assert.StartsWith("✗ your backward pass runs on 10 made-up digits: it threw ", failure);
        Assert.True(failure.Contains(hint, StringComparison.Ordinal), failure);
    }

    [Theory]
    [InlineData(Slip.ReturnsNull, "it returned null: end with return new BackwardPass(layers, cost, Y);")]
    [InlineData(Slip.Reversed, "its records are in reverse order, numbered 3, 2, 1")]
    [InlineData(Slip.StoredAtIndexL, "it has 4 records and the first is null: you stored layer l at index l")]
    public void A_list_of_layers_out_of_order_is_named(Slip slip, string diagnosis)
    {
        Assert.Throws<CheckFailedException>(() => CheckBackward(slip));
        var failure = Printed.Split('\n').Single(l => l.StartsWith('✗'));
        Assert.StartsWith("✗ your backward pass returns one LayerBackward per layer on 10 made-up digits", failure);
        Assert.True(failure.Contains(diagnosis, StringComparison.Ordinal), failure);
    }

    [Theory]
    [InlineData(Slip.HardCodedThreeLayers, "✗ your backward pass runs on a 7-5-4-3-2 tanh network (L = 4) and 6 examples", "is L hard-coded as 3, or a size?")]
    [InlineData(Slip.HardCodedTen, "✗ ∂C/∂b⁴ (BP3: δ⁴ averaged over the 6 examples), on a 7-5-4-3-2 tanh network", "this looks like m hard-coded as 10")]
    // A student's audit (L4): σ′ written as the sigmoid's a(1 − a) passed every check while every network was sigmoid.
    [InlineData(Slip.SigmoidSlopeEverywhere, "✗ δ⁴ = ∂C/∂z⁴ (BP1;", "this looks like the sigmoid's σ′, a(1 − a), on a tanh layer")]
    public void A_backward_pass_that_works_only_for_784_16_16_10_and_ten_examples_is_caught(Slip slip, string line, string diagnosis)
    {
        Assert.Throws<CheckFailedException>(() => CheckBackward(slip));
        var failure = Printed.Split('\n').Single(l => l.StartsWith('✗'));
        Assert.StartsWith(line, failure);
        Assert.True(failure.Contains(diagnosis, StringComparison.Ordinal), failure);
        Assert.Equal(3, Printed.Split('\n').Count(l => l.StartsWith("✓ layer", StringComparison.Ordinal)));   // it passed on the digits first
    }

    [Fact]
    public void With_throwing_turned_off_the_check_stops_at_the_first_wrong_quantity()
    {
        Check.ThrowOnFailure = false;
        Assert.False(CheckBackwardQuietly(Slip.NoSlopeInBP1));
        Assert.Single(Printed.Split('\n'), l => l.StartsWith('✗'));
        Assert.Single(Printed.Split('\n'), l => l.StartsWith("  ↳", StringComparison.Ordinal));
        Assert.DoesNotContain("layer 2", Printed);
    }

    private bool CheckBackwardQuietly(Slip slip) =>
        Check.Answer("Build it · your backward pass (myBackward)", Student(slip), f => Exercises.Backward(f, Digits(), Targets(), "10 made-up digits"));

    // ───────────────────────────── 08's exercises ─────────────────────────────

    [Fact]
    public void Cross_entropy_delta_right_and_its_three_likely_mistakes()
    {
        Assert.True(Check.Answer("Exercise 1 (myCrossEntropyDelta)", (Func<Vector<double>, Vector<double>, Vector<double>>)((a, y) => a - y), Exercises.CrossEntropyDelta));
        Assert.Contains("✓ your cross-entropy δᴸ", Printed);
        foreach (var (wrong, name) in new (Func<Vector<double>, Vector<double>, Vector<double>>, string)[]
        {
            ((a, y) => (a - y).PointwiseDivide(a.PointwiseMultiply(1 - a)), "this looks like ∂C/∂a alone"),
            ((a, y) => (a - y).PointwiseMultiply(a.PointwiseMultiply(1 - a)), "this looks like the quadratic cost's δ"),
            ((a, y) => y - a, "this looks like a sign error, y − a"),
        })
        {
            output.GetStringBuilder().Clear();
            Assert.Throws<CheckFailedException>(() => Check.Answer("Exercise 1 (myCrossEntropyDelta)", wrong, Exercises.CrossEntropyDelta));
            Assert.Contains(name, Printed);
        }
    }

    [Fact]
    public void The_chain_input_slope_right_and_its_likely_mistakes()
    {
        var chain = Network.Create([1, 1, 1, 1], seed: 3);
        double x = 0.8, y = 1;
        var check = Exercises.ChainInputSlope(chain, x, y);
        var backward = chain.Backward(chain.Forward(Matrix<double>.Build.Dense(1, 1, x)), Matrix<double>.Build.Dense(1, 1, y));
        double dz1 = backward[1].Delta[0, 0], w1 = chain.W(1)[0, 0];
        Assert.True(Check.Answer("Exercise 2 (dC_dx)", (double?)(w1 * dz1), check));
        Assert.Contains("✓ your ∂C/∂x = the measured slope", Printed);
        foreach (var (wrong, name) in new[] { (x * dz1, "∂C/∂w¹, the weight's slope"), (dz1, "∂C/∂z¹ = δ¹, one link short"), (-w1 * dz1, "the sign flipped") })
        {
            output.GetStringBuilder().Clear();
            Assert.Throws<CheckFailedException>(() => Check.Answer("Exercise 2 (dC_dx)", (double?)wrong, check));
            Assert.Contains($"this looks like {name}", Printed);
        }
        // 1 % off is wrong (an absolute 10⁻⁸ let 0.5 % of 08's slope through), and the ✗ never prints the slope, which
        // could be copied, nor a tolerance it could be worked out from.
        output.GetStringBuilder().Clear();
        Assert.Throws<CheckFailedException>(() => Check.Answer("Exercise 2 (dC_dx)", (double?)(1.01 * w1 * dz1), check));
        Assert.Contains(w1 * dz1 > 0 ? "above the right value" : "below the right value", Printed);
        Assert.DoesNotContain(Check.Number(w1 * dz1), Printed);
        Assert.Matches(@"\(tolerance 1e-\d+\)", Printed);
        Assert.True(Check.Answer("Exercise 2 (dC_dx)", (double?)(1.00005 * w1 * dz1), check));
        double? unanswered = null;
        output.GetStringBuilder().Clear();
        Assert.False(Check.Answer("Exercise 2 (dC_dx)", unanswered, check));
        Assert.Contains(Check.NotAnsweredYet, Printed);
    }

    [Fact]
    public void The_count_of_zero_weight_gradients_right_and_its_likely_mistakes()
    {
        var network = Network.Create([784, 16, 16, 10], seed: 1);
        var X = Digits();
        var check = Exercises.ZeroWeightGradients(network, X, Targets());
        int blackInAll = Enumerable.Range(0, 784).Count(k => X.Row(k).All(v => v == 0));
        Assert.True(blackInAll > 0);
        Assert.True(Check.Answer("Check yourself (myZeroGradients)", (int?)(16 * blackInAll), check));
        foreach (var (wrong, name) in new[] { (16 * X.Column(0).Count(v => v == 0), "the first digit's black pixels only"), (blackInAll, "pixels, not weights") })
        {
            output.GetStringBuilder().Clear();
            Assert.Throws<CheckFailedException>(() => Check.Answer("Check yourself (myZeroGradients)", (int?)wrong, check) ? throw new InvalidOperationException(Printed) : false);
            Assert.Contains($"this looks like {name}", Printed);
        }
    }

    // ───────────────────────────── 09's epoch ─────────────────────────────

    /// <summary>105 made-up digits: ten full mini-batches of 10 and a last one of 5.</summary>
    internal static DataSet EpochDigitsForDump() => EpochDigits.Value;

    private static readonly Lazy<DataSet> EpochDigits = new(() =>
    {
        var X = Digits(105, seed: 3);
        var pixels = new byte[105 * 784];
        for (int i = 0; i < 105; i++)
            for (int k = 0; k < 784; k++) pixels[i * 784 + k] = (byte)Math.Round(X[k, i] * 255);
        return new DataSet(pixels, Enumerable.Range(0, 105).Select(i => (byte)(i * 7 % 10)).ToArray(), 784, 10, "made-up digits", 28, 28);
    });

    public enum EpochSlip { None, NoShuffle, Uphill, LastBatchDropped, BiasesStill, WeightsStill, EtaOverM, EtaOverBatchLength, OneStep, Unchanged, FreshOrder, ReturnsNull, Throws, EtaTypedIn, BatchSizeTypedIn, BothTypedIn }

    /// <summary>An epoch written as a student would, with one slip.</summary>
    internal static TrainingEpoch StudentEpoch(EpochSlip slip = EpochSlip.None) => (network, training, order, random, eta, m) =>
    {
        if (slip is EpochSlip.EtaTypedIn or EpochSlip.BothTypedIn) eta = 3;
        if (slip is EpochSlip.BatchSizeTypedIn or EpochSlip.BothTypedIn) m = 10;
        if (slip == EpochSlip.ReturnsNull) return null!;
        if (slip == EpochSlip.Unchanged) return network;
        if (slip == EpochSlip.Throws) throw new InvalidOperationException("Sequence contains no elements");
        if (slip == EpochSlip.FreshOrder) order = Enumerable.Range(0, order.Length).ToArray();
        if (slip != EpochSlip.NoShuffle) random.Shuffle(order);
        int end = slip == EpochSlip.LastBatchDropped ? order.Length / m * m : order.Length;
        for (int start = 0; start < end; start += m)
        {
            var batch = order[start..Math.Min(start + m, order.Length)];
            var gradients = Student()(network.Forward(training.Images(batch)), training.Targets(batch));
            double step = slip switch { EpochSlip.Uphill => -eta, EpochSlip.EtaOverM => eta / m, EpochSlip.EtaOverBatchLength => eta / batch.Length, _ => eta };
            network = network.WithParameters(
                Enumerable.Range(1, network.LayerCount).Select(l => slip == EpochSlip.WeightsStill ? network.W(l) : network.W(l) - step * gradients[l].GradW).ToArray(),
                Enumerable.Range(1, network.LayerCount).Select(l => slip == EpochSlip.BiasesStill ? network.b(l) : network.b(l) - step * gradients[l].GradB).ToArray());
            if (slip == EpochSlip.OneStep) return network;
        }
        return network;
    };

    private void CheckEpoch(EpochSlip slip) => Check.Answer("Build it · your epoch (myEpoch)", StudentEpoch(slip), e => Exercises.Epoch(e, EpochDigits.Value));

    [Fact]
    public void A_right_epoch_equals_GradientDescent_for_two_epochs_and_lowers_the_cost()
    {
        CheckEpoch(EpochSlip.None);
        Assert.DoesNotContain("✗", Printed);
        Assert.Contains("✓ epoch 1 of yours on 105 digits, η = 3, m = 10, seed 1 = GradientDescent.Train's epoch 1: holds", Printed);
        Assert.Contains("✓ epoch 2 of yours, which shuffles epoch 1's order again = GradientDescent.Train's epoch 2: holds", Printed);
        Assert.Contains("✓ the cost of these 105 digits fell: holds (C = ", Printed);
        Assert.Contains("✓ your epoch uses the η and m it is given (one epoch of 105 digits, η = 0.5, m = 7, seed 2): holds", Printed);
    }

    [Fact]
    public void The_library_epoch_is_GradientDescent_one_epoch_at_a_time()
    {
        TrainingEpoch sameAsTheLibrary = (network, training, order, random, eta, m) => Exercises.LibraryEpoch(network, training, order, random, eta, m);
        Check.Answer("Build it · your epoch (myEpoch)", sameAsTheLibrary, e => Exercises.Epoch(e, EpochDigits.Value));
        Assert.DoesNotContain("✗", Printed);
        Assert.Matches(@"epoch 2 .* holds \(every weight and bias within 0\)", Printed);
    }

    [Fact]
    public void An_epoch_not_written_yet_says_so()
    {
        TrainingEpoch? myEpoch = null;
        Assert.False(Check.Answer("Build it · your epoch (myEpoch)", myEpoch, Exercises.Epoch));
        Assert.StartsWith("◌ Build it · your epoch (myEpoch): not answered yet", Printed);
    }

    [Theory]
    [InlineData(EpochSlip.NoShuffle, "epoch 1", "you did not shuffle")]
    [InlineData(EpochSlip.Uphill, "epoch 1", "your steps go uphill: yours equals W + η ∂C/∂W")]
    [InlineData(EpochSlip.LastBatchDropped, "epoch 1", "the last mini-batch is missing: 5 digits are left after 10 full batches of 10")]
    [InlineData(EpochSlip.BiasesStill, "epoch 1", "only the weights moved")]
    [InlineData(EpochSlip.WeightsStill, "epoch 1", "only the biases moved")]
    [InlineData(EpochSlip.EtaOverM, "epoch 1", "η divided by m")]
    // A student's audit (2026-12-06): Nielsen's eta/len(mini_batch) had no name; η or m typed in passed.
    [InlineData(EpochSlip.EtaOverBatchLength, "epoch 1", "η divided by the batch's length (Nielsen's eta/len(mini_batch)")]
    [InlineData(EpochSlip.EtaTypedIn, "your epoch uses the η and m it is given (one epoch of 105 digits, η = 0.5, m = 7, seed 2)", "yours stepped by η = 3 when it was given η = 0.5: use the learningRate parameter")]
    [InlineData(EpochSlip.BatchSizeTypedIn, "your epoch uses the η and m it is given", "yours took batches of 10 when it was given m = 7: use the batchSize parameter")]
    [InlineData(EpochSlip.BothTypedIn, "your epoch uses the η and m it is given", "yours took η = 3 and batches of 10 when it was given η = 0.5 and m = 7")]
    [InlineData(EpochSlip.OneStep, "epoch 1", "your epoch took one step and stopped")]
    [InlineData(EpochSlip.Unchanged, "epoch 1", "your epoch returned the network it was given, unchanged")]
    [InlineData(EpochSlip.FreshOrder, "epoch 2", "epoch 1 matched but epoch 2 did not: you shuffled a fresh 0, 1, 2, …")]
    [InlineData(EpochSlip.ReturnsNull, "epoch 1", "your epoch returned null")]
    [InlineData(EpochSlip.Throws, "your epoch 1 runs", "it threw InvalidOperationException: Sequence contains no elements")]
    public void A_wrong_epoch_is_named_by_what_it_did(EpochSlip slip, string line, string diagnosis)
    {
        Assert.Throws<CheckFailedException>(() => CheckEpoch(slip));
        var failure = Printed.Split('\n').Single(l => l.StartsWith('✗'));
        Assert.StartsWith($"✗ {line}", failure);
        Assert.True(failure.Contains(diagnosis, StringComparison.Ordinal), failure);
    }

    [Fact]
    public void Going_uphill_is_shown_by_the_cost_rising()
    {
        Assert.Throws<CheckFailedException>(() => CheckEpoch(EpochSlip.Uphill));
        var match = System.Text.RegularExpressions.Regex.Match(Printed, @"went from ([\d.]+) to ([\d.]+) with yours, to ([\d.]+) with GradientDescent");
        Assert.True(match.Success, Printed);
        Assert.True(Parse(match.Groups[2].Value) > Parse(match.Groups[1].Value), Printed);
        Assert.True(Parse(match.Groups[3].Value) < Parse(match.Groups[1].Value), Printed);
    }

    private static double Parse(string s) => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The public checks on the real MNIST digits, as the notebooks call them.</summary>
public sealed class ExercisesBackpropMnistTests : IDisposable
{
    private readonly StringWriter output = new();

    public ExercisesBackpropMnistTests() => Check.Scoped.Value = new Check.Session { Writer = output };

    public void Dispose() => Check.Scoped.Value = null;

    [Fact]
    [Trait("Category", Category.Mnist)]
    public void The_backward_check_on_the_first_ten_training_digits_passes_a_right_answer_and_names_a_wrong_one()
    {
        Assert.True(Check.Answer("Build it (myBackward)", ExercisesBackpropTests.Student(), Exercises.Backward));
        Assert.Contains("✓ layer 1: your δ¹ (BP2), ∂C/∂b¹ (BP3) and ∂C/∂W¹ (BP4) = Backward's on the first 10 training digits", output.ToString());
        Assert.Throws<CheckFailedException>(() => Check.Answer("Build it (myBackward)", ExercisesBackpropTests.Student(ExercisesBackpropTests.Slip.NoSlopeInBP1), Exercises.Backward));
        Assert.Contains("this looks like σ′ left out of BP1", output.ToString());
    }

    [Fact]
    [Trait("Category", Category.Mnist)]
    public void The_epoch_check_on_1005_training_digits_passes_a_right_answer()
    {
        Assert.True(Check.Answer("Build it (myEpoch)", ExercisesBackpropTests.StudentEpoch(), Exercises.Epoch));
        Assert.Contains("✓ epoch 1 of yours on 1,005 digits, η = 3, m = 10, seed 1 = GradientDescent.Train's epoch 1", output.ToString());
    }
}
