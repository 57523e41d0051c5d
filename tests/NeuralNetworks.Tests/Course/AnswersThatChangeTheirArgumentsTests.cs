using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Course;
using NeuralNetworks.Model;

namespace NeuralNetworks.Tests.Course;

/// <summary>
/// A build-it function that writes into what it is given (<c>a.Subtract(y, a)</c>, <c>MapInplace</c>, <c>w[k] *= a[k]</c>)
/// returns the right value, so a check that only compared values gave it ✓ — and then the notebook's own cells, which hand
/// it the notebook's data, failed in cells the student did not write (found by a student's audit, 2026-12-06). Each such
/// answer must get a ✗ that names the argument, the entry and both values; the right answers (their own tests) still ✓.
/// </summary>
public sealed class AnswersThatChangeTheirArgumentsTests : IDisposable
{
    private readonly StringWriter output = new();
    private readonly ITestOutputHelper log;

    public AnswersThatChangeTheirArgumentsTests(ITestOutputHelper log)
    {
        this.log = log;
        Check.Scoped.Value = new Check.Session { Writer = output };
    }

    public void Dispose()
    {
        Check.Scoped.Value = null;
        log.WriteLine(output.ToString());
    }

    private static readonly NeuralNetworks.Data.DataSet Digits = ExercisesDescentTests.MadeUpDigits(108, seed: 4);

    /// <summary>The ✗ line of an answer that must fail, after checking it was printed and names the change.</summary>
    internal static string FailsForChanging<T>(T answer, Action<T> check, string function, string argument, string entry, StringWriter printed) where T : class
    {
        var failure = Assert.Throws<CheckFailedException>(() => Check.Answer("the exercise", answer, check));
        Assert.Contains(failure.Message, printed.ToString());
        Assert.StartsWith($"✗ {function} leaves its arguments as they were: your {function} changed its argument {argument}: {entry}", failure.Message);
        Assert.Contains("compute into a new vector or matrix instead", failure.Message);
        Assert.Equal(ExerciseOutcome.Failed, Check.Results[^1].Outcome);
        return failure.Message;
    }

    [Fact]
    public void A_cost_that_subtracts_into_a_fails_though_its_value_is_right()
    {
        var line = FailsForChanging<Func<Vector<double>, Vector<double>, double>>((a, y) => { a.Subtract(y, a); return 0.5 * a.DotProduct(a); },
            f => Exercises.QuadraticCost(f, Digits), "myCost", "a", "a[", output);
        Assert.Contains(" went from ", line);
    }

    [Fact]
    public void A_mean_cost_that_subtracts_into_A_fails()
    {
        FailsForChanging<Func<Matrix<double>, Matrix<double>, double>>(
            (A, Y) => { A.Subtract(Y, A); return 0.5 * A.PointwisePower(2).RowSums().Sum() / A.ColumnCount; },
            f => Exercises.MeanCost(f, Digits), "myMeanCost", "A", "A[", output);
    }

    [Fact]
    public void A_cost_gradient_returned_in_a_fails()
    {
        FailsForChanging<Func<Vector<double>, Vector<double>, Vector<double>>>((a, y) => { a.Subtract(y, a); return a; },
            f => Exercises.CostGradient(f, Digits), "myCostGradient", "a", "a[", output);
    }

    [Fact]
    public void A_bowl_step_that_moves_v_itself_fails_and_says_which_entry()
    {
        var line = FailsForChanging<Func<Vector<double>, double, Vector<double>>>(
            (v, eta) => { v.Subtract(eta * Exercises.BowlGradient(v), v); return v; },
            Exercises.BowlStep, "myBowlStep", "v", "v[0] went from -2.5 to -2.125", output);
        Assert.Contains("v[0] went from -2.5 to -2.125", line);   // v₁ − η v₁ = −2.5 + 0.15 · 2.5
    }

    [Fact]
    public void A_backward_pass_that_writes_sigma_prime_into_the_passes_z_fails()
    {
        // The audit's answer: σ′ computed in place, pass[l].Z.MapInplace(σ′); the gradients are right.
        Func<ForwardPass, Matrix<double>, BackwardPass> inPlace = (pass, Y) =>
        {
            var right = ExercisesBackpropTests.Student()(pass, Y);
            for (int l = 1; l <= pass.Layers.Count; l++) pass[l].Z.MapInplace(pass[l].Activation.Derivative);
            return right;
        };
        FailsForChanging(inPlace, f => Exercises.Backward(f, ExercisesBackpropTests.Digits(), ExercisesBackpropTests.Targets(), "10 made-up digits"),
            "myBackward", "pass", "pass[1].Z[0, 0] went from ", output);
    }

    [Fact]
    public void A_cross_entropy_delta_returned_in_a_fails()
    {
        FailsForChanging<Func<Vector<double>, Vector<double>, Vector<double>>>((a, y) => { a.Subtract(y, a); return a; },
            Exercises.CrossEntropyDelta, "myCrossEntropyDelta", "a", "a[", output);
    }

    [Fact]
    public void A_softmax_that_exponentiates_z_in_place_fails()
    {
        FailsForChanging<Func<Vector<double>, Vector<double>>>(z => { z.Subtract(z.Maximum(), z); z.PointwiseExp(z); return z / z.Sum(); },
            Exercises.Softmax, "mySoftmax", "z", "z[", output);
    }

    [Fact]
    public void A_change_is_told_once_even_when_a_cross_does_not_stop_the_check()
    {
        // A student's audit (2026-12-06): with Check.ThrowOnFailure = false a softmax that wrote into z printed the same ✗
        // for each of its eight cases and again for the edge cases.
        Check.ThrowOnFailure = false;
        Assert.False(Check.Answer<Func<Vector<double>, Vector<double>>>("the exercise", z => { z.Subtract(z.Maximum(), z); z.PointwiseExp(z); return z / z.Sum(); },
            Exercises.Softmax));
        Assert.Single(output.ToString().Split('\n'), l => l.StartsWith("✗ mySoftmax leaves its arguments as they were", StringComparison.Ordinal));
    }

    [Fact]
    public void A_big_endian_reader_that_reverses_the_files_bytes_in_place_fails()
    {
        // A student's audit (2026-12-06): the common recipe Array.Reverse(bytes, offset, 4) gives the right number and
        // turns the file's bytes round, so a second read of the same offset gives another.
        var failure = Assert.Throws<CheckFailedException>(() => Check.Answer<Func<byte[], int, int>>("the exercise",
            (bytes, offset) => { Array.Reverse(bytes, offset, 4); return BitConverter.ToInt32(bytes, offset); }, Exercises.BigEndianInt32));
        Assert.StartsWith("✗ myReadInt32 leaves its arguments as they were: your myReadInt32 changed its argument bytes: bytes[0] went from 0 to 3", failure.Message);
        Assert.Contains("read them without writing (Array.Reverse(bytes, …)", failure.Message);
    }
}

/// <summary>The same for notebooks 00–05, whose checks run on MNIST's test digits.</summary>
[Trait("Category", Category.Mnist)]
public sealed class AnswersThatChangeTheirArgumentsMnistTests : IDisposable
{
    private readonly StringWriter output = new();

    public AnswersThatChangeTheirArgumentsMnistTests() => Check.Scoped.Value = new Check.Session { Writer = output };

    public void Dispose() => Check.Scoped.Value = null;

    [Fact]
    public void A_weighted_sum_that_multiplies_into_w_fails_on_the_case_to_follow_by_hand()
    {
        // w = (1, 2, 3), a = (1, 10, 100): the sum is 321 and right, but w[1] became 20.
        AnswersThatChangeTheirArgumentsTests.FailsForChanging<Func<Vector<double>, Vector<double>, double>>(
            (w, a) => { for (int k = 0; k < w.Count; k++) w[k] *= a[k]; return w.Sum(); },
            Exercises.WeightedSum, "myWeightedSum", "w", "w[1] went from 2 to 20", output);
    }

    [Fact]
    public void Weighted_sums_that_clear_W_or_add_into_b_fail()
    {
        AnswersThatChangeTheirArgumentsTests.FailsForChanging<Func<Matrix<double>, Vector<double>, Vector<double>>>(
            (W, a) => { var z = W * a; W.Clear(); return z; }, Exercises.WeightedSums, "myWeightedSums", "W", "W[0, 0] went from 1 to 0", output);
        AnswersThatChangeTheirArgumentsTests.FailsForChanging<Func<Matrix<double>, Vector<double>, Vector<double>, Vector<double>>>(
            (W, a, b) => { b.Add(W * a, b); return b; }, Exercises.WeightedSumsPlusBiases, "myZ", "b", "b[0] went from ", output);
    }

    [Fact]
    public void Inked_pixels_that_turn_the_image_black_and_white_fail()
    {
        AnswersThatChangeTheirArgumentsTests.FailsForChanging<Func<Vector<double>, int>>(
            image => { image.MapInplace(p => p > 0 ? 1 : 0); return (int)image.Sum(); }, Exercises.InkedPixels, "inkedPixels", "image", "image[", output);
    }

    [Fact]
    public void A_forward_pass_that_changes_the_network_or_x_fails()
    {
        AnswersThatChangeTheirArgumentsTests.FailsForChanging<Func<Network, Vector<double>, IReadOnlyList<(Vector<double> Z, Vector<double> A)>>>(
            (network, x) => { var layers = Exercises.ForwardLayers(network, x); network.b(1).Clear(); return layers; },
            Exercises.ForwardPass, "myForward", "network", "network.b(1)[0] went from ", output);
        AnswersThatChangeTheirArgumentsTests.FailsForChanging<Func<Network, Vector<double>, IReadOnlyList<(Vector<double> Z, Vector<double> A)>>>(
            (network, x) => { var layers = Exercises.ForwardLayers(network, x); x.Clear(); return layers; },
            Exercises.ForwardPass, "myForward", "x", "x[", output);
    }
}
