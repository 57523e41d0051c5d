using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Data;
using NeuralNetworks.Model;

namespace NeuralNetworks.Course;

/// <summary>
/// The build-it-yourself checks of the course: each runs the function you wrote on real digits, compares it with the
/// library's shape first and then value by value, and when it is wrong names the likely mistake it matches, with the
/// numbers. A check cell reads <c>Check.Answer("Build it 1 · the cost of one example (myCost)", myCost, Exercises.QuadraticCost);</c>.
/// </summary>
/// <remarks>This part: notebooks 06 (the cost) and 07 (gradient descent), on the outputs of the course's untrained
/// 784-16-16-10 network (seed 1) for the first training digits.</remarks>
public static partial class Exercises
{
    /// <summary>How many training digits the cost checks of notebook 06 run on.</summary>
    internal const int CostDigits = 100;

    /// <summary>
    /// Notebook 06, build it 1: your quadratic cost of one example, Cₓ = ½‖a − y‖² = ½ Σⱼ (aⱼ − yⱼ)², against
    /// <c>Cost.Quadratic.Of</c> on the outputs of the untrained network for the first 100 training digits, then on a
    /// perfect output (a = y costs 0) and the worst one (a = 1 − y costs ½ · 10).
    /// </summary>
    /// <param name="yours">Your cost: (a, y) ↦ Cₓ, for an output a and its one-hot target y.</param>
    public static void QuadraticCost(Func<Vector<double>, Vector<double>, double> yours) => QuadraticCost(yours, CourseDigits(CostDigits));

    /// <summary><see cref="QuadraticCost(Func{Vector{double}, Vector{double}, double})"/> on the given digits.</summary>
    internal static void QuadraticCost(Func<Vector<double>, Vector<double>, double> yours, DataSet digits)
    {
        ArgumentNullException.ThrowIfNull(yours);
        if (!Check.YourOwn("myCost", yours, LibraryCalls.Named(typeof(Cost), nameof(Cost.Of), nameof(Cost.Value), nameof(Cost.OfWeightedSums)), LibraryCalls.Named(typeof(Network), nameof(Network.CostOf)))) return;
        yours = UnchangedArguments.Guard(yours, "myCost", "a", "y");
        ArgumentNullException.ThrowIfNull(digits);
        var (A, Y) = UntrainedOutputs(digits.Take(CostDigits));
        var a = Columns(A);
        var y = Columns(Y);
        double Right(int i) => Cost.Quadratic.Of(a[i], y[i]);
        Vector<double> Each(Func<int, double> cost) => Vector<double>.Build.Dense(a.Length, cost);

        var expected = Each(Right);
        var actual = Each(i => yours(a[i].Clone(), y[i].Clone()));
        Check.Equal($"Cₓ of the first {a.Length} training digits (entry i: digit i, a = the untrained network's output)",
            expected, actual, 1e-12,
            Mistake.Vector("the ½ left out",
                "yours is Σⱼ (aⱼ − yⱼ)², twice the cost. The cost is ½ Σⱼ (aⱼ − yⱼ)²: the ½ is there so that its derivative comes out as a − y (section 6)",
                () => Each(i => 2 * Right(i))),
            Mistake.Vector("the sum squared instead of the squares summed",
                "yours is ½ (Σⱼ (aⱼ − yⱼ))². Square each of the ten misses first, then add them up: ½ Σⱼ (aⱼ − yⱼ)². " +
                "Squared after adding, a miss upwards cancels a miss downwards, and a network wrong everywhere can cost 0",
                () => Each(i => 0.5 * Math.Pow((a[i] - y[i]).Sum(), 2))),
            Mistake.Vector("the length ‖a − y‖ where its square belongs",
                "yours is ½ ‖a − y‖ = ½ √(Σⱼ (aⱼ − yⱼ)²). (a - y).L2Norm() is the length of a − y; the cost is half its square: " +
                "Math.Pow((a - y).L2Norm(), 2) / 2, or (a - y).DotProduct(a - y) / 2",
                () => Each(i => 0.5 * (a[i] - y[i]).L2Norm())),
            Mistake.Vector("an average over the ten outputs",
                "yours is Cₓ / 10. One example's cost adds up the ten squared misses, ½ Σⱼ (aⱼ − yⱼ)²; the mean comes later (section 4), over examples, never over the outputs of one",
                () => Each(i => Right(i) / a[i].Count)),
            Mistake.Vector("the misses not squared",
                "yours is ½ Σⱼ (aⱼ − yⱼ). Without the square an output that is too high (aⱼ > yⱼ) makes the cost smaller; squared, every miss costs",
                () => Each(i => 0.5 * (a[i] - y[i]).Sum())),
            // A student's audit (L3): these two got only "entries differ".
            Mistake.Vector("the sizes of the misses, |aⱼ − yⱼ|, where their squares belong",
                "yours is ½ Σⱼ |aⱼ − yⱼ| (the L1 norm). The quadratic cost squares each miss, ½ Σⱼ (aⱼ − yⱼ)²: a miss twice as large costs four times as much",
                () => Each(i => 0.5 * (a[i] - y[i]).L1Norm())),
            Mistake.Vector("a loop that stops one output early",
                $"yours adds up the squared misses of outputs 0 to {a[0].Count - 2} and leaves out output {a[0].Count - 1}: loop while j < a.Count, not j < a.Count − 1",
                () => Each(i => 0.5 * Enumerable.Range(0, a[i].Count - 1).Sum(j => (a[i][j] - y[i][j]) * (a[i][j] - y[i][j])))));

        var target = y[0];
        Check.Equal("your Cₓ of a perfect output, a = y", 0.0, yours(target.Clone(), target.Clone()), 1e-12);
        Check.Equal($"your Cₓ of the worst output, a = 1 − y (every output wrong): ½ · {target.Count}", 0.5 * target.Count,
            yours(1 - target, target.Clone()), 1e-12);
    }

    /// <summary>
    /// Notebook 06, build it 2: your mean cost of a mini-batch, C = (1/m) Σₓ Cₓ, for outputs A and targets Y of one example
    /// per column, against <c>Cost.Quadratic.Value(A, Y)</c> on three mini-batches of the first training digits, of
    /// m = 100, 7 and 1 examples (no m of 10, so that dividing by the ten outputs cannot pass for the mean).
    /// </summary>
    /// <param name="yours">Your mean cost: (A, Y) ↦ C, A and Y of 10 rows and one column per example.</param>
    public static void MeanCost(Func<Matrix<double>, Matrix<double>, double> yours) => MeanCost(yours, CourseDigits(CostDigits + 8));

    /// <summary><see cref="MeanCost(Func{Matrix{double}, Matrix{double}, double})"/> on the given digits (at least 108).</summary>
    internal static void MeanCost(Func<Matrix<double>, Matrix<double>, double> yours, DataSet digits)
    {
        ArgumentNullException.ThrowIfNull(yours);
        if (!Check.YourOwn("myMeanCost", yours, LibraryCalls.Named(typeof(Cost), nameof(Cost.Value)), LibraryCalls.Named(typeof(Network), nameof(Network.CostOf)))) return;
        yours = UnchangedArguments.Guard(yours, "myMeanCost", "A", "Y");
        var (A, Y) = UntrainedOutputs(digits);
        (int Start, int M)[] batches = [(0, 100), (100, 7), (107, 1)];
        var outputs = batches.Select(b => A.SubMatrix(0, A.RowCount, b.Start, b.M)).ToArray();
        var targets = batches.Select(b => Y.SubMatrix(0, Y.RowCount, b.Start, b.M)).ToArray();
        double Sum(int k) => Enumerable.Range(0, batches[k].M).Sum(x => Cost.Quadratic.Of(outputs[k].Column(x), targets[k].Column(x)));
        Vector<double> Each(Func<int, double> value) => Vector<double>.Build.Dense(batches.Length, value);
        int rows = A.RowCount;

        var expected = Each(k => Sum(k) / batches[k].M);
        var actual = Each(k => yours(outputs[k].Clone(), targets[k].Clone()));
        Check.Equal("mean cost C of three mini-batches: [0] m = 100 digits, [1] m = 7, [2] m = 1", expected, actual, 1e-12,
            Mistake.Vector("a sum where the mean belongs",
                "yours is Σₓ Cₓ, the m costs added up: 100 times too large for [0], 7 times for [1], right only for m = 1. " +
                "C = (1/m) Σₓ Cₓ: divide by m = A.ColumnCount, the number of examples (one per column)",
                () => Each(Sum)),
            Mistake.Vector($"a division by the {rows} outputs instead of the m examples",
                $"yours is Σₓ Cₓ / {rows}. A.RowCount is the {rows} outputs of one digit; the examples are the columns: divide by m = A.ColumnCount",
                () => Each(k => Sum(k) / rows)),
            Mistake.Vector("an average over every entry of A",
                $"yours is C / {rows}: the mean of ½(aⱼ − yⱼ)² over all {rows} × m entries. Each example's cost adds up its {rows} squared misses; only the examples are averaged",
                () => Each(k => Sum(k) / batches[k].M / rows)),
            Mistake.Vector("the ½ left out",
                "yours is twice the mean cost: each Cₓ is ½ Σⱼ (aⱼ − yⱼ)², with the ½",
                () => Each(k => 2 * Sum(k) / batches[k].M)),
            // A student's audit (L3): right for the batch of 100 only, and it got only "entries differ".
            Mistake.Vector("m hard-coded as 100",
                "yours divides every batch's sum by 100: right for [0], which has 100 examples, wrong for [1] and [2]. m is the batch's own count, A.ColumnCount",
                () => Each(k => Sum(k) / 100)));
    }

    /// <summary>
    /// Notebook 06, build it 3: your gradient of one example's quadratic cost with respect to the outputs,
    /// ∂Cₓ/∂a = a − y, against the library's on the first 100 training digits, then against the slope measured
    /// numerically, (Cₓ(a + εeⱼ) − Cₓ(a − εeⱼ)) / 2ε, for the first digit.
    /// </summary>
    /// <param name="yours">Your gradient: (a, y) ↦ ∂Cₓ/∂a, a vector of one entry per output.</param>
    public static void CostGradient(Func<Vector<double>, Vector<double>, Vector<double>> yours) => CostGradient(yours, CourseDigits(CostDigits));

    /// <summary><see cref="CostGradient(Func{Vector{double}, Vector{double}, Vector{double}})"/> on the given digits.</summary>
    internal static void CostGradient(Func<Vector<double>, Vector<double>, Vector<double>> yours, DataSet digits)
    {
        ArgumentNullException.ThrowIfNull(yours);
        if (!Check.YourOwn("myCostGradient", yours, LibraryCalls.Named(typeof(Cost), nameof(Cost.GradientWithRespectToOutput), nameof(Cost.OutputError)))) return;
        yours = UnchangedArguments.Guard(yours, "myCostGradient", "a", "y");
        ArgumentNullException.ThrowIfNull(digits);
        var (A, Y) = UntrainedOutputs(digits.Take(CostDigits));
        var expected = Cost.Quadratic.GradientWithRespectToOutput(A, Y);
        var columns = Enumerable.Range(0, A.ColumnCount).Select(x => yours(A.Column(x), Y.Column(x))).ToArray();
        var mistakes = new[]
        {
            new Mistake("the sign flipped: y − a",
                "∂Cₓ/∂aⱼ = aⱼ − yⱼ, positive where an output is too high: the gradient points uphill, towards more cost. " +
                "Yours points the other way; for the label's output, which is too low, it says \"going down raises the cost\"",
                () => Y - A),
            new Mistake("2(a − y), the derivative of (a − y)² without the ½",
                "the ½ of the cost cancels the 2 that comes down from the square: d/da ½(a − y)² = a − y",
                () => 2 * (A - Y)),
            new Mistake("each output's share of the cost, ½(a − y)², instead of its slope",
                "that is the term of Cₓ that output j contributes; its derivative is a − y",
                () => 0.5 * (A - Y).PointwiseMultiply(A - Y)),
            new Mistake("(a − y) ⊙ a ⊙ (1 − a), the derivative with respect to z",
                "a ⊙ (1 − a) is σ′(z): multiplied in, you get ∂Cₓ/∂z, one link further down the chain (notebook 08). " +
                "Asked for here is the derivative with respect to the outputs a: a − y",
                () => (A - Y).PointwiseMultiply(A).PointwiseMultiply(1 - A)),
        };
        for (int x = 0; x < columns.Length; x++)
        {
            if (columns[x] is { } column && column.Count == A.RowCount) continue;
            Check.Equal($"∂Cₓ/∂a for training digit {x}: one entry per output", expected.Column(x), columns[x], 1e-12, []);
            return;
        }
        // One vector written again on every call: each caller would see the last call's numbers (a student's audit).
        if (columns.Distinct(ReferenceEqualityComparer.Instance).Count() < columns.Length)
        {
            Check.Fail("each call of your ∂Cₓ/∂a gives a vector of its own", "yours returned the same vector object for two digits: it writes every result " +
                "into one vector kept between calls, so whoever holds an earlier result sees the last call's numbers. Make a new vector in each call " +
                "(a - y makes one; a.Subtract(y, kept) writes into kept)");
            return;
        }
        var actual = Matrix<double>.Build.DenseOfColumnVectors(columns);
        Check.Equal($"∂Cₓ/∂a of the first {A.ColumnCount} training digits (10 × {A.ColumnCount}: row j = output j, column x = digit x)",
            expected, actual, 1e-12, mistakes);

        const double epsilon = 1e-6;
        var a = A.Column(0);
        var y = Y.Column(0);
        var numerical = Vector<double>.Build.Dense(a.Count, j =>
        {
            var up = a.Clone();
            var down = a.Clone();
            up[j] += epsilon;
            down[j] -= epsilon;
            return (Cost.Quadratic.Of(up, y) - Cost.Quadratic.Of(down, y)) / (2 * epsilon);
        });
        Check.Equal("your ∂Cₓ/∂a of digit 0 = the slope measured numerically, (Cₓ(a + εeⱼ) − Cₓ(a − εeⱼ)) / 2ε, ε = 10⁻⁶",
            numerical, yours(a.Clone(), y.Clone()), 1e-8);
    }

    /// <summary>The bowl of notebook 07: C(v) = ½v₁² + 5v₂², steep along v₂ and shallow along v₁.</summary>
    /// <param name="v">The point (v₁, v₂).</param>
    public static double BowlCost(Vector<double> v)
    {
        ArgumentNullException.ThrowIfNull(v);
        return 0.5 * v[0] * v[0] + 5 * v[1] * v[1];
    }

    /// <summary>The gradient of <see cref="BowlCost"/>: ∇C(v) = (∂C/∂v₁, ∂C/∂v₂) = (v₁, 10v₂).</summary>
    /// <param name="v">The point (v₁, v₂).</param>
    public static Vector<double> BowlGradient(Vector<double> v)
    {
        ArgumentNullException.ThrowIfNull(v);
        return Vector<double>.Build.Dense([v[0], 10 * v[1]]);
    }

    /// <summary>One step of gradient descent on the bowl: v ← v − η ∇C(v) (the library's answer to notebook 07's build it 1).</summary>
    /// <param name="v">Where the step starts.</param>
    /// <param name="learningRate">η, how far it moves.</param>
    /// <returns>The new point; <paramref name="v"/> is not changed.</returns>
    public static Vector<double> StepOnTheBowl(Vector<double> v, double learningRate) => v - learningRate * BowlGradient(v);

    /// <summary>
    /// Notebook 07, build it 1: your step of gradient descent on the bowl C(v) = ½v₁² + 5v₂², v ← v − η∇C(v) with
    /// ∇C = (v₁, 10v₂), from two points with two learning rates; then that your step goes downhill.
    /// </summary>
    /// <param name="yours">Your step: (v, η) ↦ the point after one step.</param>
    public static void BowlStep(Func<Vector<double>, double, Vector<double>> yours)
    {
        ArgumentNullException.ThrowIfNull(yours);
        yours = UnchangedArguments.Guard(yours, "myBowlStep", "v", "η");
        (double V1, double V2, double Eta)[] cases = [(-2.5, 1.5, 0.15), (2, -0.5, 0.05)];
        foreach (var (v1, v2, eta) in cases)
        {
            var v = Vector<double>.Build.Dense([v1, v2]);
            var g = BowlGradient(v);
            var right = StepOnTheBowl(v, eta);
            string Costs(Vector<double> wrong) =>
                $"C would go from {Number(BowlCost(v))} to {Number(BowlCost(wrong))}, where the right step brings it down to {Number(BowlCost(right))}";
            var uphill = v + eta * g;
            var unscaled = v - g;
            Check.Equal($"your step from v = ({Number(v1)}, {Number(v2)}) with η = {Number(eta)}", right, yours(v.Clone(), eta), 1e-12,
                Mistake.Vector("a step uphill: v + η∇C",
                    $"the gradient points uphill, so the step goes against it: v − η∇C. Yours climbs: {Costs(uphill)}",
                    () => uphill),
                Mistake.Vector("the learning rate left out: v − ∇C",
                    $"η scales the step: v − η∇C with η = {Number(eta)}. Yours moves by the whole gradient: {Costs(unscaled)}",
                    () => unscaled),
                Mistake.Vector("η applied twice: v − η²∇C",
                    $"the step is v − η∇C, with η once; yours moves by η · η = {Number(eta * eta)} times the gradient, a much smaller step",
                    () => v - eta * eta * g),
                Mistake.Vector("the change Δv = −η∇C instead of the new point",
                    "your function returned how far to move; the step returns where you land: v + Δv = v − η∇C",
                    () => -eta * g),
                Mistake.Vector("∂C/∂v₂ = 5v₂",
                    "the derivative of 5v₂² is 10v₂: the 2 of the square comes down (and of ½v₁² it is v₁). ∇C = (v₁, 10v₂)",
                    () => v - eta * Vector<double>.Build.Dense([v1, 5 * v2])),
                Mistake.Vector("the two partial derivatives swapped: ∇C = (10v₁, v₂)",
                    "∂C/∂v₁ = v₁ comes from ½v₁², ∂C/∂v₂ = 10v₂ from 5v₂²: ∇C = (v₁, 10v₂)",
                    () => v - eta * Vector<double>.Build.Dense([10 * v1, v2])));
        }
        var start = Vector<double>.Build.Dense([-2.5, 1.5]);
        var stepped = yours(start.Clone(), 0.15);
        Check.That("your step goes downhill on the bowl", BowlCost(stepped) < BowlCost(start),
            $"from ({Number(start[0])}, {Number(start[1])}) with η = 0.15, C falls from {Number(BowlCost(start))} to {Number(BowlCost(stepped))}");
    }

    /// <summary>The mini-batch <see cref="NetworkStep(Func{Network, BackwardPass, double, Network})"/> checks on: the first 10 training digits.</summary>
    internal const int StepDigits = 10;

    /// <summary>The learning rate of that check: 3, Nielsen's.</summary>
    internal const double StepLearningRate = 3.0;

    /// <summary>
    /// Notebook 07, build it 2: your step of stochastic gradient descent for a whole network from given gradients,
    /// Wˡ ← Wˡ − η ∂C/∂Wˡ and bˡ ← bˡ − η ∂C/∂bˡ for every layer l = 1…L, on the untrained 784-16-16-10 network with the
    /// gradients of a mini-batch of the first 10 training digits and η = 3: every layer compared with <c>network.Step</c>;
    /// the network you were given must be unchanged (a network is a value); the step must lower the mini-batch's cost;
    /// and the network it returns must keep the activations and the cost of the one you were given.
    /// </summary>
    /// <param name="yours">Your step: (network, gradients, η) ↦ the network after one step.</param>
    public static void NetworkStep(Func<Network, BackwardPass, double, Network> yours) => NetworkStep(yours, CourseDigits(StepDigits));

    /// <summary><see cref="NetworkStep(Func{Network, BackwardPass, double, Network})"/> on the given digits (one mini-batch).</summary>
    internal static void NetworkStep(Func<Network, BackwardPass, double, Network> yours, DataSet digits)
    {
        ArgumentNullException.ThrowIfNull(yours);
        if (!Check.YourOwn("myNetworkStep", yours, LibraryCalls.Named(typeof(Network), nameof(Network.Step)), LibraryCalls.Named(typeof(Training.Momentum), nameof(Training.Momentum.Step)))) return;
        ArgumentNullException.ThrowIfNull(digits);
        const double eta = StepLearningRate;
        var network = CourseNetwork();
        var X = digits.Images(0, digits.Count);
        var Y = digits.Targets(0, digits.Count);
        var gradients = network.Backward(network.Forward(X), Y);
        var right = network.Step(gradients, eta);
        double CostOf(Network n) => n.CostOf(X, Y);
        var uphill = network.Step(gradients, -eta);
        int L = network.LayerCount;

        var given = network.Clone();
        var givenGradients = Copy(gradients);   // yours may scale them in place; the mistakes below need the originals
        const string ran = "your step ran on the untrained 784-16-16-10 network, the gradients of a mini-batch of 10 digits and η = 3";
        Network? yoursStepped;
        try
        {
            yoursStepped = yours(given, givenGradients, eta);
        }
        catch (Exception e) when (e is IndexOutOfRangeException || (e is ArgumentException && e is not ArgumentNullException))
        {
            Check.Fail(ran, $"it threw {e.GetType().Name}: {FirstLine(e.Message)} — " + (FromMathNet(e)
                ? "matrices of two different shapes met, such as Wˡ and the gradient of another layer (W¹ is 16 × 784, ∂C/∂W² is 16 × 16): " +
                  "an off-by-one layer index? Each layer takes its own gradient: Wˡ − η ∂C/∂Wˡ"
                : $"an off-by-one layer index? W(l), b(l) and gradients[l] count the layers 1…{L} as the maths does; " +
                  "the lists network.Weights[i], network.Biases[i] and gradients.Layers[i] count from 0 (i = l − 1)"));
            return;
        }
        if (yoursStepped is null)
        {
            Check.Fail(ran, "it returned null: return the new network, e.g. network.WithParameters(W, b)");
            return;
        }
        if (yoursStepped.Shape != network.Shape)
        {
            Check.Fail(ran, $"it returned a {yoursStepped.Shape} network; one step keeps the shape {network.Shape}");
            return;
        }

        if (FirstChange(network, yoursStepped) is null)
        {
            Check.Fail(ran, "it returned a network with every weight and bias as it was: nothing took a step. " +
                "Did you compute the new matrices and then return the network you were given (or leave η at 0)?");
            return;
        }
        static string Which(int[] layers, string what) => layers.Length switch
        {
            0 => $"it changed no layer's {what}",
            1 => $"it changed the {what} of layer {layers[0]} only",
            _ => $"it changed the {what} of layers {string.Join(", ", layers)}",
        };
        var stepped = Enumerable.Range(1, L).Where(l => !network.W(l).Equals(yoursStepped.W(l))).ToArray();
        var steppedB = Enumerable.Range(1, L).Where(l => !network.b(l).Equals(yoursStepped.b(l))).ToArray();
        for (int l = 1; l <= L; l++)
        {
            // Ask about the loop's bounds only where another layer did take its step: a kind left out everywhere is no loop slip.
            string Left(int[] changed) => changed.Length == 0 ? ""
                : l == 1 ? "; did your loop start at l = 2 (or at index 1 of a list that counts from 0)?"
                : l == L ? $"; did your loop stop before the last layer (l < {L} where l ≤ {L} belongs)?"
                : "";
            var g = gradients[l];
            var layer = l;
            Check.Equal($"W{Sup(l)} after your step", right.W(l), yoursStepped.W(l), 1e-12,
                new Mistake($"W{Sup(l)} not updated", $"your step left layer {l}'s weights as they were ({Which(stepped, "weights")}). Every layer takes its step, Wˡ − η ∂C/∂Wˡ for l = 1…{L}{Left(stepped)}",
                    () => network.W(layer)),
                new Mistake("a step uphill: the gradient added",
                    $"Wˡ + η ∂C/∂Wˡ climbs: this mini-batch's cost would rise from {Number(CostOf(network))} to {Number(CostOf(uphill))} " +
                    $"instead of falling to {Number(CostOf(right))}. Step against the gradient: Wˡ − η ∂C/∂Wˡ",
                    () => network.W(layer) + eta * g.GradW),
                new Mistake("the learning rate left out", $"yours is Wˡ − ∂C/∂Wˡ; the step is Wˡ − η ∂C/∂Wˡ with η = {Number(eta)}",
                    () => network.W(layer) - g.GradW),
                new Mistake("η applied twice", $"yours is Wˡ − η² ∂C/∂Wˡ (η² = {Number(eta * eta)}); the step uses η once",
                    () => network.W(layer) - eta * eta * g.GradW),
                new Mistake("η divided by m", $"yours is Wˡ − (η/m) ∂C/∂Wˡ with m = {digits.Count}: the gradients you are given are already the mean over the " +
                    "mini-batch (BP3, BP4; Nielsen's network.py sums them, so it divides). The step is Wˡ − η ∂C/∂Wˡ",
                    () => network.W(layer) - eta / digits.Count * g.GradW));
            Check.Equal($"b{Sup(l)} after your step", right.b(l), yoursStepped.b(l), 1e-12,
                Mistake.Vector($"b{Sup(l)} not updated", $"your step left layer {l}'s biases as they were ({Which(steppedB, "biases")}). The biases take a step too: bˡ − η ∂C/∂bˡ{Left(steppedB)}",
                    () => network.b(layer)),
                Mistake.Vector("a step uphill: the gradient added",
                    $"bˡ + η ∂C/∂bˡ climbs (this mini-batch's cost would rise from {Number(CostOf(network))} to {Number(CostOf(uphill))}). Step against it: bˡ − η ∂C/∂bˡ",
                    () => network.b(layer) + eta * g.GradB),
                Mistake.Vector("the learning rate left out", $"yours is bˡ − ∂C/∂bˡ; the step is bˡ − η ∂C/∂bˡ with η = {Number(eta)}",
                    () => network.b(layer) - g.GradB),
                Mistake.Vector("η applied twice", $"yours is bˡ − η² ∂C/∂bˡ; the step uses η once",
                    () => network.b(layer) - eta * eta * g.GradB),
                Mistake.Vector("η divided by m", $"yours is bˡ − (η/m) ∂C/∂bˡ with m = {digits.Count}: the gradients are already the mini-batch's mean. The step is bˡ − η ∂C/∂bˡ",
                    () => network.b(layer) - eta / digits.Count * g.GradB));
        }

        var change = FirstChange(network, given);
        Check.That("the network you were given is unchanged (a network is a value)", change is null,
            change is not null
                ? $"{change}: your step wrote into the network it was given. network.W(l) hands you that network's own matrix; " +
                  "W(l) - eta * gradients[l].GradW makes a new one. Build new matrices and return network.WithParameters(W, b)"
                : "every weight and bias as it was");
        double before = CostOf(network), after = CostOf(yoursStepped);
        Check.That("your step lowers this mini-batch's cost", after < before, $"C = {Number(before)} before, {Number(after)} after");

        var kind = Network.Create([4, 3, 2], seed: 2, Activation.Tanh, Cost.CrossEntropy);
        var kindX = Matrix<double>.Build.Dense(4, 1, [0.0, 0.5, 1.0, 0.25]);
        var kindY = Matrix<double>.Build.Dense(2, 1, [1.0, 0.0]);
        const string anyKind = "your step works for any network (tried on a 4-3-2 network, L = 2, tanh hidden neurons, cross-entropy cost)";
        const double kindEta = 0.1;
        var kindGradients = kind.Backward(kind.Forward(kindX), kindY);
        Network? kindStepped;
        try
        {
            kindStepped = yours(kind, Copy(kindGradients), kindEta);
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            Check.Fail(anyKind, $"it threw {e.GetType().Name}: {FirstLine(e.Message).TrimEnd('.')}. Count the layers with network.LayerCount (here 2), " +
                "not a fixed 3, and step the network your function is given, not one of the notebook's (such as start)");
            return;
        }
        bool sameKind = kindStepped is not null && kindStepped.Activation == kind.Activation && kindStepped.OutputActivation == kind.OutputActivation
                        && kindStepped.Cost == kind.Cost;
        Check.That(anyKind, sameKind,
            kindStepped is null ? "it returned null"
                : sameKind ? $"it returned a {kindStepped.Shape} network with {kindStepped.Activation} hidden neurons and the {kindStepped.Cost} cost"
                : $"yours returned {kindStepped.Activation} hidden neurons and the {kindStepped.Cost} cost. new Network(W, b) makes a sigmoid network with the " +
                  "quadratic cost; network.WithParameters(W, b) keeps the activations and the cost of the network it is called on");
        if (kindStepped is null || kindStepped.Shape != kind.Shape) return;

        // The η it is given, not the notebook's 3: the values of that step too.
        double off = MaxParameterDifference(kind.Step(kindGradients, kindEta), kindStepped);
        Check.That($"your step uses the η it is given (η = {Number(kindEta)} on that network)", off <= 1e-12,
            off <= 1e-12 ? "every weight and bias as network.Step gives them"
            : MaxParameterDifference(kind.Step(kindGradients, eta), kindStepped) <= 1e-12
                ? $"yours stepped by η = {Number(eta)} when it was given η = {Number(kindEta)}: use the learningRate parameter, not a number"
            : $"the largest difference from network.Step(gradients, {Number(kindEta)}) is {Number(off)}");
    }


    /// <summary>The first <paramref name="count"/> MNIST training digits.</summary>
    private static DataSet CourseDigits(int count) => Mnist.LoadTraining().Take(count);

    /// <summary>The untrained network's outputs A and the targets Y for every digit, one column each.</summary>
    private static (Matrix<double> A, Matrix<double> Y) UntrainedOutputs(DataSet digits)
    {
        ArgumentNullException.ThrowIfNull(digits);
        return (CourseNetwork().Forward(digits.Images(0, digits.Count)).Output, digits.Targets(0, digits.Count));
    }

    /// <summary>A backward pass whose matrices are its own.</summary>
    private static BackwardPass Copy(BackwardPass pass) =>
        new(pass.Layers.Select(r => r with { Delta = r.Delta.Clone(), GradW = r.GradW.Clone(), GradB = r.GradB.Clone() }).ToArray(), pass.Cost, pass.Target.Clone());

    private static Vector<double>[] Columns(Matrix<double> m) => Enumerable.Range(0, m.ColumnCount).Select(m.Column).ToArray();

    /// <summary>Where two networks of one shape first differ: "W¹[0, 3] was 0.1 and is now 0.2", or null.</summary>
    private static string? FirstChange(Network before, Network after)
    {
        for (int l = 1; l <= before.LayerCount; l++)
        {
            var (W, V) = (before.W(l), after.W(l));
            for (int j = 0; j < W.RowCount; j++)
                for (int k = 0; k < W.ColumnCount; k++)
                    if (!W[j, k].Equals(V[j, k])) return $"W{Sup(l)}[{j}, {k}] was {Number(W[j, k])} and is now {Number(V[j, k])}";
            var (b, c) = (before.b(l), after.b(l));
            for (int j = 0; j < b.Count; j++)
                if (!b[j].Equals(c[j])) return $"b{Sup(l)}[{j}] was {Number(b[j])} and is now {Number(c[j])}";
        }
        return null;
    }

    /// <summary>Whether MathNet threw it: matrices whose shapes do not fit.</summary>
    private static bool FromMathNet(Exception e) =>
        e.TargetSite?.DeclaringType?.Namespace?.StartsWith("MathNet", StringComparison.Ordinal) == true;

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();


    private static string Number(double x) => x.ToString("g4", CultureInfo.InvariantCulture);
}
