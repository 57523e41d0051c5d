using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Course;
using NeuralNetworks.Data;
using NeuralNetworks.Model;

namespace NeuralNetworks.Tests.Course;

/// <summary>
/// The build-it-yourself checks of notebooks 06 and 07 (<see cref="Exercises"/>), each tested three ways: the right
/// answer gives ✓, every named mistake gives ✗ with its own diagnosis, and an unanswered exercise says "not answered
/// yet". They run on made-up digits (the notebooks run them on the first MNIST training digits, tested once below).
/// </summary>
public sealed class ExercisesDescentTests : IDisposable
{
    private static readonly VectorBuilder<double> V = Vector<double>.Build;

    private readonly StringWriter output = new();

    public ExercisesDescentTests(ITestOutputHelper log)
    {
        this.log = log;
        Check.Scoped.Value = new Check.Session { Writer = output };
    }

    private readonly ITestOutputHelper log;

    public void Dispose()
    {
        Check.Scoped.Value = null;
        log.WriteLine(Printed);   // what a student would have seen
    }

    private string Printed => output.ToString();

    /// <summary>108 made-up 28 × 28 "digits": mostly black, some ink, labels 0–9 (enough for every check here).</summary>
    private static readonly DataSet Digits = MadeUpDigits(108, seed: 4);

    internal static DataSet MadeUpDigits(int count, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[count * 784];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = random.NextDouble() < 0.2 ? (byte)random.Next(1, 256) : (byte)0;
        var labels = Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray();
        return new DataSet(pixels, labels, 784, 10, "made-up digits", 28, 28);
    }

    private bool Passes<T>(string exercise, T answer, Action<T> check) where T : class
    {
        bool passed = Check.Answer(exercise, answer, check);
        Assert.True(passed, Printed);
        Assert.DoesNotContain("✗", Printed);
        return passed;
    }

    /// <summary>Runs an answer that must fail; returns the ✗ line (the exception's message), after checking it was printed.</summary>
    private string Fails<T>(string exercise, T answer, Action<T> check) where T : class
    {
        var failure = Assert.Throws<CheckFailedException>(() => Check.Answer(exercise, answer, check));
        Assert.StartsWith("✗ ", failure.Message);
        Assert.Contains(failure.Message, Printed);
        Assert.Equal(ExerciseOutcome.Failed, Check.Results[^1].Outcome);
        return failure.Message;
    }

    private void AssertNotAnswered<T>(string exercise, T? answer, Action<T> check) where T : class
    {
        Assert.False(Check.Answer(exercise, answer, check));
        Assert.StartsWith($"◌ {exercise}: {Check.NotAnsweredYet}", Printed);
        Assert.DoesNotContain("✓", Printed);
        Assert.DoesNotContain("✗", Printed);
        Assert.Equal(ExerciseOutcome.NotAnswered, Check.Results[^1].Outcome);
    }

    // ---------------------------------------------------------------- 06, build it 1: the cost of one example

    private static void CostCheck(Func<Vector<double>, Vector<double>, double> yours) => Exercises.QuadraticCost(yours, Digits);

    private static double RightCost(Vector<double> a, Vector<double> y)
    {
        double sum = 0;
        for (int j = 0; j < a.Count; j++) sum += (a[j] - y[j]) * (a[j] - y[j]);
        return sum / 2;
    }

    private static readonly Dictionary<string, Func<Vector<double>, Vector<double>, double>> WrongCosts = new()
    {
        ["the ½ left out"] = (a, y) => (a - y).DotProduct(a - y),
        ["the sum squared instead of the squares summed"] = (a, y) => 0.5 * Math.Pow((a - y).Sum(), 2),
        ["the length ‖a − y‖ where its square belongs"] = (a, y) => 0.5 * (a - y).L2Norm(),
        ["an average over the ten outputs"] = (a, y) => 0.5 * (a - y).PointwiseMultiply(a - y).Average(),
        ["the misses not squared"] = (a, y) => 0.5 * (a - y).Sum(),
        ["the sizes of the misses, |aⱼ − yⱼ|, where their squares belong"] = (a, y) => 0.5 * (a - y).L1Norm(),
        ["a loop that stops one output early"] = (a, y) =>
        {
            double sum = 0;
            for (int j = 0; j < a.Count - 1; j++) sum += (a[j] - y[j]) * (a[j] - y[j]);
            return sum / 2;
        },
    };

    [Fact]
    public void The_right_cost_of_one_example_passes() =>
        Passes("Build it 1 (myCost)", RightCost, CostCheck);

    [Fact]
    public void An_unanswered_cost_says_not_answered_yet() =>
        AssertNotAnswered<Func<Vector<double>, Vector<double>, double>>("Build it 1 (myCost)", null, CostCheck);

    [Theory]
    [InlineData("the ½ left out", "twice the cost")]
    [InlineData("the sum squared instead of the squares summed", "Square each of the ten misses first")]
    [InlineData("the length ‖a − y‖ where its square belongs", "(a - y).L2Norm() is the length")]
    [InlineData("an average over the ten outputs", "yours is Cₓ / 10")]
    [InlineData("the misses not squared", "Without the square")]
    [InlineData("the sizes of the misses, |aⱼ − yⱼ|, where their squares belong", "the L1 norm")]
    [InlineData("a loop that stops one output early", "loop while j < a.Count, not j < a.Count − 1")]
    public void A_wrong_cost_is_named_by_its_mistake(string mistake, string explanation)
    {
        var message = Fails("Build it 1 (myCost)", WrongCosts[mistake], CostCheck);
        Assert.Contains($"this looks like {mistake}: ", message);
        Assert.Contains(explanation, message);
        Assert.Contains("the first at [0]: yours ", message);   // and the numbers
    }

    [Fact]
    public void A_cost_wrong_in_no_known_way_names_the_first_entry_that_differs()
    {
        var message = Fails<Func<Vector<double>, Vector<double>, double>>("Build it 1 (myCost)", (a, y) => RightCost(a, y) + (y[3] == 1 ? 0.25 : 0), CostCheck);
        Assert.DoesNotContain("this looks like", message);
        Assert.Contains("of 100 entries differ; the first at [3]: yours ", message);   // digit 3 is the first labelled 3
    }

    [Fact]
    public void A_cost_right_on_the_digits_but_not_zero_for_a_perfect_output_fails_there()
    {
        // Right wherever the output is not the target: a cost with a floor of 0.01.
        var message = Fails<Func<Vector<double>, Vector<double>, double>>("Build it 1 (myCost)", (a, y) => Math.Max(RightCost(a, y), 0.01), CostCheck);
        Assert.StartsWith("✗ your Cₓ of a perfect output, a = y: expected 0, actual 0.01", message);
    }

    // ---------------------------------------------------------------- 06, build it 2: the mean over a mini-batch

    private static void MeanCheck(Func<Matrix<double>, Matrix<double>, double> yours) => Exercises.MeanCost(yours, Digits);

    private static double RightMean(Matrix<double> A, Matrix<double> Y) =>
        Enumerable.Range(0, A.ColumnCount).Average(x => RightCost(A.Column(x), Y.Column(x)));

    private static double SumOfCosts(Matrix<double> A, Matrix<double> Y) =>
        Enumerable.Range(0, A.ColumnCount).Sum(x => RightCost(A.Column(x), Y.Column(x)));

    private static readonly Dictionary<string, Func<Matrix<double>, Matrix<double>, double>> WrongMeans = new()
    {
        ["a sum where the mean belongs"] = SumOfCosts,
        ["a division by the 10 outputs instead of the m examples"] = (A, Y) => SumOfCosts(A, Y) / A.RowCount,
        ["an average over every entry of A"] = (A, Y) => 0.5 * (A - Y).PointwiseMultiply(A - Y).Enumerate().Average(),
        ["the ½ left out"] = (A, Y) => 2 * RightMean(A, Y),
        ["m hard-coded as 100"] = (A, Y) => SumOfCosts(A, Y) / 100,
    };

    [Fact]
    public void The_right_mean_cost_passes() => Passes("Build it 2 (myMeanCost)", RightMean, MeanCheck);

    [Fact]
    public void An_unanswered_mean_cost_says_not_answered_yet() =>
        AssertNotAnswered<Func<Matrix<double>, Matrix<double>, double>>("Build it 2 (myMeanCost)", null, MeanCheck);

    [Theory]
    [InlineData("a sum where the mean belongs", "100 times too large for [0], 7 times for [1]")]
    [InlineData("a division by the 10 outputs instead of the m examples", "A.RowCount is the 10 outputs of one digit")]
    [InlineData("an average over every entry of A", "all 10 × m entries")]
    [InlineData("the ½ left out", "twice the mean cost")]
    [InlineData("m hard-coded as 100", "right for [0], which has 100 examples")]
    public void A_wrong_mean_cost_is_named_by_its_mistake(string mistake, string explanation)
    {
        var message = Fails("Build it 2 (myMeanCost)", WrongMeans[mistake], MeanCheck);
        Assert.Contains($"this looks like {mistake}: ", message);
        Assert.Contains(explanation, message);
    }

    [Fact]
    public void A_sum_where_the_mean_belongs_shows_the_factor_m_in_the_numbers()
    {
        var message = Fails("Build it 2 (myMeanCost)", WrongMeans["a sum where the mean belongs"], MeanCheck);
        var (A, Y) = (Exercises.CourseNetwork().Forward(Digits.Images(0, 100)).Output, Digits.Targets(0, 100));
        Assert.Contains($"the first at [0]: yours {Check.Number(SumOfCosts(A, Y))}, expected {Check.Number(RightMean(A, Y))}", message);
    }

    // ---------------------------------------------------------------- 06, build it 3: ∂C/∂a

    private static void GradientCheck(Func<Vector<double>, Vector<double>, Vector<double>> yours) => Exercises.CostGradient(yours, Digits);

    [Fact]
    public void A_gradient_written_into_one_vector_kept_between_calls_is_named()
    {
        // A student's audit: this got "990 of 1000 entries differ", showing numbers the function never returned for digit 0.
        var kept = V.Dense(10);
        var message = Fails<Func<Vector<double>, Vector<double>, Vector<double>>>("Build it 3 (myCostGradient)", (a, y) => { a.Subtract(y, kept); return kept; }, GradientCheck);

        Assert.Contains("each call of your ∂Cₓ/∂a gives a vector of its own", message);
        Assert.Contains("returned the same vector object for two digits", message);
    }

    private static readonly Dictionary<string, Func<Vector<double>, Vector<double>, Vector<double>>> WrongGradients = new()
    {
        ["the sign flipped: y − a"] = (a, y) => y - a,
        ["2(a − y), the derivative of (a − y)² without the ½"] = (a, y) => 2 * (a - y),
        ["each output's share of the cost, ½(a − y)², instead of its slope"] = (a, y) => 0.5 * (a - y).PointwiseMultiply(a - y),
        ["(a − y) ⊙ a ⊙ (1 − a), the derivative with respect to z"] = (a, y) => (a - y).PointwiseMultiply(a).PointwiseMultiply(1 - a),
    };

    [Fact]
    public void The_right_gradient_passes_against_the_library_and_against_the_slope_measured_numerically()
    {
        Passes<Func<Vector<double>, Vector<double>, Vector<double>>>("Build it 3 (myCostGradient)", (a, y) => V.Dense(a.Count, j => a[j] - y[j]), GradientCheck);
        Assert.Contains("✓ your ∂Cₓ/∂a of digit 0 = the slope measured numerically", Printed);
    }

    [Fact]
    public void A_gradient_measured_with_a_small_step_is_told_it_is_measured_not_derived()
    {
        // A student's audit (L5): a central difference misses the exact slope by about 10⁻¹⁰ and got "981 of 1000 entries
        // differ" with no hint. A float version of the right formula gets the float hint instead.
        static double Cost(Vector<double> a, Vector<double> y) => 0.5 * (a - y).DotProduct(a - y);
        var measured = Fails<Func<Vector<double>, Vector<double>, Vector<double>>>("Build it 3 (myCostGradient)", (a, y) => V.Dense(a.Count, j =>
        {
            const double h = 1e-5;
            var (up, down) = (a.Clone(), a.Clone());
            up[j] += h;
            down[j] -= h;
            return (Cost(up, y) - Cost(down, y)) / (2 * h);
        }), GradientCheck);
        Assert.Contains("closer than a float but not exact: is it measured, e.g. with a small step", measured);
        Assert.DoesNotContain("as a float would", measured);

        var inFloat = Fails<Func<Vector<double>, Vector<double>, Vector<double>>>("Build it 3 (myCostGradient)",
            (a, y) => V.Dense(a.Count, j => (double)((float)a[j] - (float)y[j])), GradientCheck);
        Assert.Contains("as a float would", inFloat);
        Assert.DoesNotContain("is it measured", inFloat);
    }

    [Fact]
    public void An_unanswered_gradient_says_not_answered_yet() =>
        AssertNotAnswered<Func<Vector<double>, Vector<double>, Vector<double>>>("Build it 3 (myCostGradient)", null, GradientCheck);

    [Theory]
    [InlineData("the sign flipped: y − a", "the gradient points uphill")]
    [InlineData("2(a − y), the derivative of (a − y)² without the ½", "the ½ of the cost cancels the 2")]
    [InlineData("each output's share of the cost, ½(a − y)², instead of its slope", "its derivative is a − y")]
    [InlineData("(a − y) ⊙ a ⊙ (1 − a), the derivative with respect to z", "a ⊙ (1 − a) is σ′(z)")]
    public void A_wrong_gradient_is_named_by_its_mistake(string mistake, string explanation)
    {
        var message = Fails("Build it 3 (myCostGradient)", WrongGradients[mistake], GradientCheck);
        Assert.StartsWith("✗ ∂Cₓ/∂a of the first 100 training digits", message);
        Assert.Contains($"this looks like {mistake}: ", message);
        Assert.Contains(explanation, message);
    }

    [Fact]
    public void A_gradient_of_one_number_instead_of_ten_is_told_by_its_shape()
    {
        var message = Fails<Func<Vector<double>, Vector<double>, Vector<double>>>("Build it 3 (myCostGradient)", (a, y) => V.Dense(1, (a - y).Sum()), GradientCheck);
        Assert.Equal("✗ ∂Cₓ/∂a for training digit 0: one entry per output: expected a vector of 10, yours has 1 entries", message);
    }

    // ---------------------------------------------------------------- 07, build it 1: one step on the bowl

    private static Vector<double> RightBowlStep(Vector<double> v, double eta) => V.Dense([v[0] - eta * v[0], v[1] - eta * 10 * v[1]]);

    private static readonly Dictionary<string, Func<Vector<double>, double, Vector<double>>> WrongBowlSteps = new()
    {
        ["a step uphill: v + η∇C"] = (v, eta) => V.Dense([v[0] + eta * v[0], v[1] + eta * 10 * v[1]]),
        ["the learning rate left out: v − ∇C"] = (v, eta) => V.Dense([v[0] - v[0], v[1] - 10 * v[1]]),
        ["η applied twice: v − η²∇C"] = (v, eta) => V.Dense([v[0] - eta * eta * v[0], v[1] - eta * eta * 10 * v[1]]),
        ["the change Δv = −η∇C instead of the new point"] = (v, eta) => V.Dense([-eta * v[0], -eta * 10 * v[1]]),
        ["∂C/∂v₂ = 5v₂"] = (v, eta) => V.Dense([v[0] - eta * v[0], v[1] - eta * 5 * v[1]]),
        ["the two partial derivatives swapped: ∇C = (10v₁, v₂)"] = (v, eta) => V.Dense([v[0] - eta * 10 * v[0], v[1] - eta * v[1]]),
    };

    [Fact]
    public void The_right_step_on_the_bowl_passes_and_goes_downhill()
    {
        Passes<Func<Vector<double>, double, Vector<double>>>("Build it 1 (myBowlStep)", RightBowlStep, Exercises.BowlStep);
        Assert.Contains("✓ your step goes downhill on the bowl: holds (from (-2.5, 1.5) with η = 0.15, C falls from 14.38 to 5.07)", Printed);
    }

    [Fact]
    public void The_librarys_step_on_the_bowl_is_v_minus_eta_times_the_gradient()
    {
        var v = V.Dense([-2.5, 1.5]);
        Assert.Equal(0.5 * 2.5 * 2.5 + 5 * 1.5 * 1.5, Exercises.BowlCost(v));
        Assert.Equal(V.Dense([-2.5, 15.0]), Exercises.BowlGradient(v));
        Assert.Equal(V.Dense([-2.5 + 0.15 * 2.5, 1.5 - 0.15 * 15]), Exercises.StepOnTheBowl(v, 0.15));
        Assert.Equal(V.Dense([-2.5, 1.5]), v);   // and v itself stays where it was
    }

    [Fact]
    public void An_unanswered_step_on_the_bowl_says_not_answered_yet() =>
        AssertNotAnswered<Func<Vector<double>, double, Vector<double>>>("Build it 1 (myBowlStep)", null, Exercises.BowlStep);

    [Theory]
    [InlineData("a step uphill: v + η∇C", "Yours climbs: C would go from 14.38 to 74.45, where the right step brings it down to 5.07")]
    [InlineData("the learning rate left out: v − ∇C", "Yours moves by the whole gradient: C would go from 14.38 to 911.2")]
    [InlineData("η applied twice: v − η²∇C", "η · η = 0.0225 times the gradient")]
    [InlineData("the change Δv = −η∇C instead of the new point", "your function returned how far to move")]
    [InlineData("∂C/∂v₂ = 5v₂", "the derivative of 5v₂² is 10v₂")]
    [InlineData("the two partial derivatives swapped: ∇C = (10v₁, v₂)", "∂C/∂v₁ = v₁ comes from ½v₁²")]
    public void A_wrong_step_on_the_bowl_is_named_by_its_mistake(string mistake, string explanation)
    {
        var message = Fails("Build it 1 (myBowlStep)", WrongBowlSteps[mistake], Exercises.BowlStep);
        Assert.StartsWith("✗ your step from v = (-2.5, 1.5) with η = 0.15: ", message);
        Assert.Contains($"this looks like {mistake}: ", message);
        Assert.Contains(explanation, message);
    }

    // ---------------------------------------------------------------- 07, build it 2: one step of the network

    private static void NetworkStepCheck(Func<Network, BackwardPass, double, Network> yours) => Exercises.NetworkStep(yours, Digits.Take(Exercises.StepDigits));

    /// <summary>A right step, written as a student would: a loop over the layers with W(l), b(l) and gradients[l].</summary>
    private static Network RightNetworkStep(Network network, BackwardPass gradients, double eta) => StepLayers(network, gradients, eta, from: 1, to: network.LayerCount);

    private static Network StepLayers(Network network, BackwardPass gradients, double eta, int from, int to, bool biases = true, double sign = -1)
    {
        var W = network.Weights.ToArray();
        var b = network.Biases.ToArray();
        for (int l = from; l <= to; l++)
        {
            W[l - 1] = network.W(l) + sign * eta * gradients[l].GradW;
            if (biases) b[l - 1] = network.b(l) + sign * eta * gradients[l].GradB;
        }
        return network.WithParameters(W, b);
    }

    private static Network StepInPlace(Network network, BackwardPass gradients, double eta)
    {
        for (int l = 1; l <= network.LayerCount; l++)
        {
            var W = network.W(l);
            var g = gradients[l].GradW;
            for (int j = 0; j < W.RowCount; j++)
                for (int k = 0; k < W.ColumnCount; k++) W[j, k] -= eta * g[j, k];
            var b = network.b(l);
            for (int j = 0; j < b.Count; j++) b[j] -= eta * gradients[l].GradB[j];
        }
        return network;
    }

    private static readonly Dictionary<string, Func<Network, BackwardPass, double, Network>> WrongNetworkSteps = new()
    {
        ["only the last layer"] = (n, g, eta) => StepLayers(n, g, eta, from: n.LayerCount, to: n.LayerCount),
        ["a loop that stops before the last layer"] = (n, g, eta) => StepLayers(n, g, eta, from: 1, to: n.LayerCount - 1),
        ["the biases left out"] = (n, g, eta) => StepLayers(n, g, eta, from: 1, to: n.LayerCount, biases: false),
        ["the gradient added"] = (n, g, eta) => StepLayers(n, g, eta, from: 1, to: n.LayerCount, sign: +1),
        ["the learning rate left out"] = (n, g, eta) => StepLayers(n, g, 1, from: 1, to: n.LayerCount),
        ["η applied twice"] = (n, g, eta) => StepLayers(n, g, eta * eta, from: 1, to: n.LayerCount),
        ["the gradients counted from 0"] = (n, g, eta) => n.WithParameters(
            Enumerable.Range(0, n.LayerCount).Select(i => n.Weights[i] - eta * g[i].GradW).ToArray(),
            Enumerable.Range(0, n.LayerCount).Select(i => n.Biases[i] - eta * g[i].GradB).ToArray()),
        ["the next layer's gradient"] = (n, g, eta) => n.WithParameters(
            Enumerable.Range(1, n.LayerCount).Select(l => n.W(l) - eta * g.Layers[l % n.LayerCount].GradW).ToArray(),
            Enumerable.Range(1, n.LayerCount).Select(l => n.b(l) - eta * g.Layers[l % n.LayerCount].GradB).ToArray()),
        ["the network changed in place"] = StepInPlace,
        ["a new Network(W, b)"] = (n, g, eta) => new Network(
            Enumerable.Range(1, n.LayerCount).Select(l => n.W(l) - eta * g[l].GradW).ToArray(),
            Enumerable.Range(1, n.LayerCount).Select(l => n.b(l) - eta * g[l].GradB).ToArray()),
        ["three layers, always"] = (n, g, eta) => n.WithParameters(
            Enumerable.Range(1, 3).Select(l => n.W(l) - eta * g[l].GradW).ToArray(),
            Enumerable.Range(1, 3).Select(l => n.b(l) - eta * g[l].GradB).ToArray()),
        ["nothing stepped"] = (n, g, eta) => n,
        ["η typed in as 3"] = (n, g, eta) => StepLayers(n, g, 3.0, from: 1, to: n.LayerCount),
        ["η divided by m"] = (n, g, eta) => StepLayers(n, g, eta / g.Target.ColumnCount, from: 1, to: n.LayerCount),
        ["the notebook's start stepped"] = (n, g, eta) => StepLayers(Exercises.CourseNetwork(), g, eta, from: 1, to: n.LayerCount),
    };

    [Fact]
    public void The_right_step_of_the_network_passes_every_layer_and_lowers_the_cost()
    {
        Passes<Func<Network, BackwardPass, double, Network>>("Build it 2 (myNetworkStep)", RightNetworkStep, NetworkStepCheck);
        foreach (var line in new[] { "✓ W¹ after your step", "✓ b¹ after your step", "✓ W³ after your step", "✓ b³ after your step",
                     "✓ the network you were given is unchanged", "✓ your step lowers this mini-batch's cost", "✓ your step works for any network",
                     "✓ your step uses the η it is given (η = 0.1 on that network)" })
            Assert.Contains(line, Printed);
    }

    [Fact]
    public void A_step_that_calls_the_librarys_own_step_fails_naming_it() =>
        Assert.Contains("your function calls the library's own Network.Step",
            Fails<Func<Network, BackwardPass, double, Network>>("Build it 2 (myNetworkStep)", (n, g, eta) => n.Step(g, eta), NetworkStepCheck));

    [Fact]
    public void An_unanswered_network_step_says_not_answered_yet() =>
        AssertNotAnswered<Func<Network, BackwardPass, double, Network>>("Build it 2 (myNetworkStep)", null, NetworkStepCheck);

    [Theory]
    [InlineData("only the last layer", "✗ W¹ after your step: this looks like W¹ not updated: your step left layer 1's weights as they were (it changed the weights of layer 3 only)", "did your loop start at l = 2")]
    [InlineData("a loop that stops before the last layer", "✗ W³ after your step: this looks like W³ not updated", "did your loop stop before the last layer (l < 3 where l ≤ 3 belongs)?")]
    [InlineData("the biases left out", "✗ b¹ after your step: this looks like b¹ not updated: your step left layer 1's biases as they were (it changed no layer's biases)", "The biases take a step too")]
    [InlineData("the gradient added", "✗ W¹ after your step: this looks like a step uphill: the gradient added", "this mini-batch's cost would rise from")]
    [InlineData("the learning rate left out", "✗ W¹ after your step: this looks like the learning rate left out", "with η = 3")]
    [InlineData("η applied twice", "✗ W¹ after your step: this looks like η applied twice", "(η² = 9)")]
    [InlineData("the gradients counted from 0", "✗ your step ran on the untrained 784-16-16-10 network", "an off-by-one layer index? W(l), b(l) and gradients[l] count the layers 1…3")]
    [InlineData("the next layer's gradient", "✗ your step ran on the untrained 784-16-16-10 network", "op1 is 16x784, op2 is 16x16. — matrices of two different shapes met")]
    [InlineData("the network changed in place", "✗ the network you were given is unchanged (a network is a value): does not hold (W¹[0, 0] was", "your step wrote into the network it was given")]
    [InlineData("a new Network(W, b)", "✗ your step works for any network", "new Network(W, b) makes a sigmoid network with the quadratic cost")]
    [InlineData("three layers, always", "✗ your step works for any network", "Count the layers with network.LayerCount (here 2), not a fixed 3")]
    [InlineData("nothing stepped", "✗ your step ran on the untrained 784-16-16-10 network", "nothing took a step")]
    // A student's audit (2026-12-06): η typed in passed every line; η/m had no name; a step of the notebook's start got the hint "not a fixed 3".
    [InlineData("η typed in as 3", "✗ your step uses the η it is given (η = 0.1 on that network)", "yours stepped by η = 3 when it was given η = 0.1: use the learningRate parameter")]
    [InlineData("η divided by m", "✗ W¹ after your step: this looks like η divided by m", "already the mean over the mini-batch")]
    [InlineData("the notebook's start stepped", "✗ your step works for any network", "step the network your function is given, not one of the notebook's (such as start)")]
    public void A_wrong_step_of_the_network_is_named_by_its_mistake(string mistake, string start, string explanation)
    {
        var message = Fails("Build it 2 (myNetworkStep)", WrongNetworkSteps[mistake], NetworkStepCheck);
        Assert.StartsWith(start, message);
        Assert.Contains(explanation, message);
    }

    [Fact]
    public void Biases_left_out_in_every_layer_is_not_blamed_on_the_loop_bounds()
    {
        // Found 2026-12-05 (likely wrong answers after Run All): "it changed no layer's biases … did your loop start at l = 2?"
        var message = Fails("Build it 2 (myNetworkStep)", WrongNetworkSteps["the biases left out"], NetworkStepCheck);
        Assert.Contains("it changed no layer's biases", message);
        Assert.DoesNotContain("did your loop", message);
    }

    [Fact]
    public void A_step_uphill_shows_the_cost_rising()
    {
        var message = Fails("Build it 2 (myNetworkStep)", WrongNetworkSteps["the gradient added"], NetworkStepCheck);
        var network = Exercises.CourseNetwork();
        var (X, Y) = (Digits.Images(0, Exercises.StepDigits), Digits.Targets(0, Exercises.StepDigits));
        var gradients = network.Backward(network.Forward(X), Y);
        double before = network.CostOf(X, Y), uphill = network.Step(gradients, -Exercises.StepLearningRate).CostOf(X, Y);
        Assert.True(uphill > before, $"{uphill} > {before}");
        Assert.Contains($"would rise from {before.ToString("g4", System.Globalization.CultureInfo.InvariantCulture)} to {uphill.ToString("g4", System.Globalization.CultureInfo.InvariantCulture)}", message);
    }

    [Fact]
    public void The_check_hands_the_student_a_copy_so_a_step_that_scales_the_gradients_in_place_is_still_diagnosed()
    {
        // Scales ∂C/∂W by η in place, then subtracts it twice: the check must compare against the untouched gradients.
        var message = Fails<Func<Network, BackwardPass, double, Network>>("Build it 2 (myNetworkStep)", (n, g, eta) =>
        {
            foreach (var layer in g.Layers) { layer.GradW.Multiply(eta, layer.GradW); layer.GradB.Multiply(eta, layer.GradB); }
            return RightNetworkStep(n, g, eta);
        }, NetworkStepCheck);
        Assert.Contains("this looks like η applied twice", message);
    }

    // ---------------------------------------------------------------- the checks on real digits, as the notebooks run them

    [Fact]
    [Trait("Category", Category.Mnist)]
    public void On_the_first_MNIST_training_digits_every_right_answer_passes()
    {
        Assert.True(Check.Answer<Func<Vector<double>, Vector<double>, double>>("06 · 1", RightCost, Exercises.QuadraticCost), Printed);
        Assert.True(Check.Answer<Func<Matrix<double>, Matrix<double>, double>>("06 · 2", RightMean, Exercises.MeanCost), Printed);
        Assert.True(Check.Answer<Func<Vector<double>, Vector<double>, Vector<double>>>("06 · 3", (a, y) => a - y, Exercises.CostGradient), Printed);
        Assert.True(Check.Answer<Func<Vector<double>, double, Vector<double>>>("07 · 1", RightBowlStep, Exercises.BowlStep), Printed);
        Assert.True(Check.Answer<Func<Network, BackwardPass, double, Network>>("07 · 2", RightNetworkStep, Exercises.NetworkStep), Printed);
        Assert.DoesNotContain("✗", Printed);
        Assert.Contains("Cₓ of the first 100 training digits", Printed);
    }
}
