using System.Globalization;
using System.Text.RegularExpressions;
using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Data;
using NeuralNetworks.Model;
using NeuralNetworks.Training;

namespace NeuralNetworks.Course;

/// <summary>
/// One epoch of mini-batch stochastic gradient descent, as notebook 09 asks you to write it: shuffle
/// <paramref name="order"/> in place with <paramref name="random"/>, then for every mini-batch of <paramref name="batchSize"/>
/// examples in that order a forward pass, a backward pass and one step Wˡ ← Wˡ − η ∂C/∂Wˡ, bˡ ← bˡ − η ∂C/∂bˡ.
/// </summary>
/// <param name="network">The network at the start of the epoch (do not change it: return a new one).</param>
/// <param name="training">The training examples.</param>
/// <param name="order">The order of the examples, kept from one epoch to the next: it starts as 0, 1, …, n − 1 and each
/// epoch shuffles the previous epoch's order, as <see cref="GradientDescent.Train"/> does.</param>
/// <param name="random">The seeded generator that shuffles, <c>random.Shuffle(order)</c>.</param>
/// <param name="learningRate">η.</param>
/// <param name="batchSize">m; the last mini-batch is smaller when m does not divide n.</param>
/// <returns>The network after the epoch's last step.</returns>
public delegate Network TrainingEpoch(Network network, DataSet training, int[] order, Random random, double learningRate, int batchSize);

/// <summary>
/// The checks of the build-it-yourself exercises: each runs your function on real digits (and on cases chosen to catch
/// what a digit would not), compares it with the library, and when it is wrong says which well-known mistake the numbers
/// point to, with the numbers.
/// </summary>
public static partial class Exercises
{
    /// <summary>The network your backward pass is checked on: 784-16-16-10, sigmoid neurons, quadratic cost, seed 1 (notebook 08's).</summary>

    /// <summary>A network of another shape, L = 4 layers and no square weight matrix, for "does it work for any network?".</summary>
    private static readonly int[] OtherShape = [7, 5, 4, 3, 2];

    /// <summary>Examples in the batch on <see cref="OtherShape"/>: a number that is no layer's size, so a transpose shows.</summary>
    private const int OtherBatch = 6;

    /// <summary>ε of the finite differences the checks quote.</summary>
    private const double Nudge = 1e-5;

    // ───────────────────────────── notebook 08: the backward pass ─────────────────────────────

    /// <summary>
    /// The library's backward pass for the course's quadratic cost, as a function of the same kind as yours: from a
    /// forward pass (zˡ, aˡ and the Wˡ it used) and the targets Y, BP1 δᴸ = (aᴸ − y) ⊙ σ′(zᴸ), BP2
    /// δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ′(zˡ), BP3 ∂C/∂bˡ = (1/m) Σₓ δˡₓ, BP4 ∂C/∂Wˡ = (1/m) δˡ (aˡ⁻¹)ᵀ.
    /// For <c>Check.YoursOr(myBackward, Exercises.LibraryBackward, "backward pass")</c>.
    /// </summary>
    public static Func<ForwardPass, Matrix<double>, BackwardPass> LibraryBackward { get; } = (pass, Y) => QuadraticNetworkOf(pass).Backward(pass, Y);

    /// <summary>
    /// Checks your backward pass for a mini-batch, <c>(pass, Y) =&gt; BackwardPass</c>: on the first 10 MNIST training digits
    /// through notebook 08's untrained 784-16-16-10 network, each δˡ, ∂C/∂bˡ and ∂C/∂Wˡ against
    /// <see cref="Network.Backward(ForwardPass, Matrix{double})"/> (layer L first, in the order you compute them), then your
    /// gradient against finite differences of the cost, then the whole thing on a network of another shape (L = 4).
    /// A wrong value is named by the mistake it matches (σ′ left out or applied to a, a transposed W or outer product, a sum
    /// where the mean belongs, the wrong layer's activation, …), and the definition of the derivative is asked for its
    /// value at the first entry that differs.
    /// </summary>
    /// <param name="yours">Your backward pass: from the forward pass and the targets (one column per example), one
    /// <see cref="LayerBackward"/>(l, δˡ, ∂C/∂Wˡ, ∂C/∂bˡ) per layer, layer 1 first, in a <see cref="BackwardPass"/> with the cost.</param>
    public static void Backward(Func<ForwardPass, Matrix<double>, BackwardPass> yours)
    {
        var digits = Mnist.LoadTraining();
        Backward(yours, digits.Images(0, 10), digits.Targets(0, 10), "the first 10 training digits");
    }

    /// <summary><see cref="Backward(Func{ForwardPass, Matrix{double}, BackwardPass})"/> on the given inputs (784 × m) and targets (10 × m).</summary>
    internal static void Backward(Func<ForwardPass, Matrix<double>, BackwardPass> yours, Matrix<double> X, Matrix<double> Y, string examples)
    {
        ArgumentNullException.ThrowIfNull(yours);
        if (!Check.YourOwn("myBackward", yours, LibraryCalls.Named(typeof(Network), nameof(Network.Backward)), LibraryCalls.Named(typeof(Exercises), "get_" + nameof(LibraryBackward)))) return;
        yours = UnchangedArguments.Guard(yours, "myBackward", "pass", "Y");
        var network = CourseNetwork();
        if (!SameAsLibrary(yours, network, X, Y, examples, quiet: false)) return;
        if (!KeepsEachResult(yours, network, X, Y, examples)) return;
        if (!AgreesWithFiniteDifferences(yours, network, X, Y, examples)) return;

        // Any network: another shape, L = 4, a batch size that is no layer's size, and tanh neurons, whose σ′ is not the
        // sigmoid's a(1 − a) (a student's audit, L4: a sigmoid-only σ′ passed every check).
        var random = new Random(4);
        var other = Network.Create(OtherShape, seed: 4, activation: Activation.Tanh, outputActivation: Activation.Tanh);
        var otherX = Matrix<double>.Build.Dense(OtherShape[0], OtherBatch, (_, _) => random.NextDouble());
        var otherY = Matrix<double>.Build.Dense(OtherShape[^1], OtherBatch, (j, x) => j == x % OtherShape[^1] ? 1.0 : 0.0);
        string where = $"a {other.Shape} tanh network (L = {other.LayerCount}) and {OtherBatch} examples";
        if (!SameAsLibrary(yours, other, otherX, otherY, where, quiet: true)) return;
        var check = GradientCheck.Run(other, otherX, otherY, yours(other.Forward(otherX), otherY));
        Check.That($"it works for any network: on {where}, every one of your {check.Count} weight and bias gradients agrees with finite differences",
            check.Agrees, $"max relative error {GradientCheckResult.Short(check.MaxRelativeError)}");
    }

    /// <summary>
    /// Calls yours on the examples, then on the same examples at half the brightness (other δ and gradients, same shapes), and
    /// checks that the second call left the first call's result as it was and is not that result again: a backward pass that
    /// writes into matrices it keeps between calls, or keeps a result, hands every caller the last call's numbers (a
    /// student's audit: such an answer passed, and a later cell that compares two calls then blamed the physics).
    /// </summary>
    private static bool KeepsEachResult(Func<ForwardPass, Matrix<double>, BackwardPass> yours, Network network, Matrix<double> X, Matrix<double> Y, string examples)
    {
        var dimmer = X.Map(v => v / 2);
        string what = $"each call of your backward pass gives a result of its own: a second call, on {examples} at half the brightness, leaves the first call's as it was";
        BackwardPass first, second;
        try
        {
            first = yours(network.Forward(X), Y.Clone());
            var kept = first.Layers.Select(r => (Delta: r.Delta.Clone(), GradW: r.GradW.Clone(), GradB: r.GradB.Clone())).ToArray();
            second = yours(network.Forward(dimmer), Y.Clone());
            for (int l = 0; l < kept.Length; l++)
            {
                var r = first.Layers[l];
                if (!r.Delta.Equals(kept[l].Delta) || !r.GradW.Equals(kept[l].GradW) || !r.GradB.Equals(kept[l].GradB))
                    return Check.Fail(what, $"the second call changed the δ{Sup(l + 1)} or ∂C/∂W{Sup(l + 1)} the first call returned: yours writes each result into " +
                        "matrices it keeps between calls (CopyTo into a kept matrix, or a matrix made once outside the lambda), so whoever still holds the " +
                        "first result sees the second's numbers. Make new matrices in each call (delta * a.Transpose() makes a new one)");
            }
        }
        catch (Exception e) when (e is not CheckFailedException and not OutOfMemoryException)
        {
            return Check.Fail($"your backward pass runs twice on {examples}", Explain(e, network, X.ColumnCount));
        }
        var right = network.Backward(network.Forward(dimmer), Y);
        bool sameAgain = ReferenceEquals(first, second)
                         || first.Layers.Zip(second.Layers).All(p => p.First.GradW.Equals(p.Second.GradW) && p.First.Delta.Equals(p.Second.Delta));
        if (sameAgain && !right.Layers.Zip(first.Layers).All(p => p.First.GradW.Equals(p.Second.GradW)))
            return Check.Fail(what, "the second call, on other inputs, returned the first call's result again: does yours keep (cache) a result from an " +
                "earlier call? Work out δ and the gradients from pass and Y in every call");
        return Check.That(what, true, "");
    }

    /// <summary>
    /// Compares yours with the library layer by layer (L first: δ, then ∂C/∂b, then ∂C/∂W); prints a ✓ per layer (or one
    /// ✓ for all when <paramref name="quiet"/>), or the first ✗ with its diagnosis. False when a ✗ was printed.
    /// </summary>
    private static bool SameAsLibrary(Func<ForwardPass, Matrix<double>, BackwardPass> yours, Network network, Matrix<double> X, Matrix<double> Y,
        string examples, bool quiet)
    {
        int L = network.LayerCount, m = X.ColumnCount;
        var pass = network.Forward(X);
        var right = network.Backward(pass, Y);
        BackwardPass? mine;
        try
        {
            mine = yours(network.Forward(X), Y.Clone());   // your own copies: nothing you do to them changes ours
        }
        catch (Exception e) when (e is not CheckFailedException and not OutOfMemoryException)
        {
            return Check.Fail($"your backward pass runs on {examples}", Explain(e, network, m));
        }
        if (Structure(mine, L, examples) is { } wrong) return Check.Fail($"your backward pass returns one LayerBackward per layer on {examples}", wrong);

        if (!quiet && !CostMatches($"C, the mean cost of {examples} (the Cost your BackwardPass carries)", right.Cost, mine!.Cost, m))
            return false;

        var diffs = new List<double>();
        for (int l = L; l >= 1; l--)
        {
            var r = right[l];
            var y = mine![l];
            string n = Sup(l), bp = l == L ? "BP1" : "BP2";
            double worst = 0;
            if (!Quantity(r.Delta, y.Delta, $"δ{n} = ∂C/∂z{n} ({bp}; rows: neurons j of layer {l}, columns: the {m} examples)", DeltaMistakes(network, pass, right, Y, l),
                    e => (GradientCheck.Delta(network, X, Y, l, e.Row, e.Column, Nudge), $"nudging z{n}[{e.Row}, {e.Column}] (neuron {e.Row}, example {e.Column}) by ±{Short(Nudge)} changes that example's cost at a rate of"),
                    examples, quiet, ref worst))
                return false;
            if (!Quantity(r.GradB.ToColumnMatrix(), y.GradB?.ToColumnMatrix(), $"∂C/∂b{n} (BP3: δ{n} averaged over the {m} examples)", BiasMistakes(pass, right, l),
                    e => (GradientCheck.Bias(network, X, Y, l, e.Row, Nudge), $"nudging b{n}[{e.Row}] by ±{Short(Nudge)} changes C (the mean over the {m} examples) at a rate of"),
                    examples, quiet, ref worst, vector: true))
                return false;
            if (!Quantity(r.GradW, y.GradW, $"∂C/∂W{n} (BP4; {r.GradW.RowCount} × {r.GradW.ColumnCount} like W{n})", WeightMistakes(pass, right, l),
                    e => (GradientCheck.Weight(network, X, Y, l, e.Row, e.Column, Nudge), $"nudging W{n}[{e.Row}, {e.Column}] by ±{Short(Nudge)} changes C (the mean over the {m} examples) at a rate of"),
                    examples, quiet, ref worst))
                return false;
            diffs.Add(worst);
            if (!quiet)
                Check.That($"layer {l}: your δ{n} ({bp}), ∂C/∂b{n} (BP3) and ∂C/∂W{n} (BP4) = Backward's on {examples}", true,
                    $"max |difference| {Check.Small(worst)}");
        }
        if (quiet)
            Check.That($"on {examples} your δˡ, ∂C/∂bˡ and ∂C/∂Wˡ = Backward's in every layer", true, $"max |difference| {Check.Small(diffs.Max())}");
        return true;
    }

    /// <summary>What is wrong with the list of layers, or null when it has one record per layer, numbered 1…L in order.</summary>
    private static string? Structure(BackwardPass? mine, int L, string examples)
    {
        if (mine is null) return "it returned null: end with return new BackwardPass(layers, cost, Y);";
        if (mine.Layers is null) return "its Layers are null: give new BackwardPass(layers, cost, Y) the array of your LayerBackward records";
        var layers = mine.Layers;
        if (layers.Count == L + 1 && layers[0] is null)
            return $"it has {L + 1} records and the first is null: you stored layer l at index l. A BackwardPass keeps layer l at index l − 1 " +
                   $"(var layers = new LayerBackward[{L}]; layers[l - 1] = new LayerBackward(l, …)), and backward[l] counts from 1 again";
        if (layers.Count != L)
            return $"it has {layers.Count} record{(layers.Count == 1 ? "" : "s")} for a network of L = {L} layers (on {examples}): " +
                   (layers.Count == 3 && L != 3 ? "is L hard-coded as 3? Use pass.LayerCount" : $"one LayerBackward per layer l = 1…{L}");
        for (int i = 0; i < L; i++)
            if (layers[i] is null)
                return $"layers[{i}] is null: layer {i + 1} was never filled in. Does your loop run over every l from L = {L} down to 1, storing layers[l - 1]?";
        var numbers = layers.Select(r => r.Layer).ToArray();
        if (numbers.SequenceEqual(Enumerable.Range(1, L).Reverse()) && L > 1)
            return $"its records are in reverse order, numbered {string.Join(", ", numbers)}: you computed them from the output back (right) but " +
                   $"stored them in that order. Keep layer l at index l − 1 (layers[l - 1] = …, or reverse the list)";
        if (!numbers.SequenceEqual(Enumerable.Range(1, L)))
            return $"its records are numbered {string.Join(", ", numbers)}; they should be 1…{L}, layer l at index l − 1 (new LayerBackward(l, δ, ∂C/∂W, ∂C/∂b))";
        return null;
    }

    /// <summary>
    /// One quantity of one layer against the library: silently when it matches (its largest difference joins
    /// <paramref name="worst"/>); otherwise <see cref="Check.Equal(string, Matrix{double}, Matrix{double}?, double, Mistake[])"/>
    /// prints the ✗ with the diagnosis, followed by what the finite difference says at the first entry that differs.
    /// </summary>
    private static bool Quantity(Matrix<double> right, Matrix<double>? mine, string what, Mistake[] likely,
        Func<(int Row, int Column), (double Numerical, string How)> numerical, string examples, bool quiet, ref double worst, bool vector = false)
    {
        double tolerance = Tolerance(right);
        if (mine is not null && mine.RowCount == right.RowCount && mine.ColumnCount == right.ColumnCount)
        {
            double difference = MaxDifference(right, mine);
            if (difference <= tolerance)
            {
                worst = Math.Max(worst, difference);
                return true;
            }
        }
        string label = quiet ? $"{what}, on {examples}" : what;
        var first = mine is null || mine.RowCount != right.RowCount || mine.ColumnCount != right.ColumnCount ? ((int, int)?)null : FirstDifference(right, mine, tolerance);
        string? evidence = null;
        if (first is { } at)
        {
            var (n, how) = numerical(at);
            string entry = vector ? $"[{at.Item1}]" : $"[{at.Item1}, {at.Item2}]";
            evidence = $"  ↳ the definition of a derivative sides with the library: {how} {Check.Number(n)}; the library's entry {entry} is " +
                       $"{Check.Number(right[at.Item1, at.Item2])}, yours {Check.Number(mine![at.Item1, at.Item2])}.";
        }
        try
        {
            bool passed = vector
                ? Check.Equal(label, right.Column(0), mine?.Column(0), tolerance,
                    likely.Select(k => Mistake.Vector(k.Name, k.Explanation, () => AsVector(k.WouldGive()))).ToArray())
                : Check.Equal(label, right, mine, tolerance, likely);
            if (passed) return true;   // cannot happen (it differed), but a ✓ is a ✓
        }
        catch (CheckFailedException)
        {
            if (evidence is not null) Out.WriteLine(evidence);
            throw;
        }
        if (evidence is not null) Out.WriteLine(evidence);
        return false;
    }

    /// <summary>After the library comparison: a few of your gradients (each layer's largest) against central differences.</summary>
    private static bool AgreesWithFiniteDifferences(Func<ForwardPass, Matrix<double>, BackwardPass> yours, Network network, Matrix<double> X,
        Matrix<double> Y, string examples)
    {
        var mine = yours(network.Forward(X), Y.Clone());
        var entries = new List<GradientCheckEntry>();
        for (int l = 1; l <= network.LayerCount; l++)
        {
            var g = mine[l];
            foreach (var (j, k, v) in g.GradW.EnumerateIndexed().OrderByDescending(t => Math.Abs(t.Item3)).Take(3))
                entries.Add(new GradientCheckEntry(l, false, j, k, v, GradientCheck.Weight(network, X, Y, l, j, k, Nudge)));
            foreach (var (j, v) in g.GradB.EnumerateIndexed().OrderByDescending(t => Math.Abs(t.Item2)).Take(2))
                entries.Add(new GradientCheckEntry(l, true, j, 0, v, GradientCheck.Bias(network, X, Y, l, j, Nudge)));
        }
        var disagrees = entries.FirstOrDefault(e => !e.Agrees);
        return Check.That($"the definition of a derivative agrees with your gradient: {entries.Count} weights and biases (each layer's largest) " +
                          $"nudged by ±{Short(Nudge)} on {examples}",
            disagrees is null, $"max relative error {GradientCheckResult.Short(entries.Max(e => e.RelativeError))}" + (disagrees is null ? "" : $"; {disagrees}"));
    }

    // The likely mistakes, each computed from the library's right intermediates of the layer (and the right δ of the layer above).

    private static Mistake[] DeltaMistakes(Network network, ForwardPass pass, BackwardPass right, Matrix<double> Y, int l)
    {
        int L = pass.LayerCount, m = pass.ExampleCount;
        var layer = pass[l];
        var (Z, A, sigma) = (layer.Z, layer.A, layer.Activation);
        var slope = sigma.Derivative(Z);
        string n = Sup(l), L1 = Sup(l + 1);
        var list = new List<Mistake>();
        if (l == L)
        {
            var downhill = network.Step(right, 3.0).CostOf(pass.Input, Y);
            var uphill = network.Step(Negated(right), 3.0).CostOf(pass.Input, Y);
            list.Add(new("σ′ left out of BP1",
                $"δ{n} = (a{n} − y) ⊙ σ′(z{n}); yours is a{n} − y alone, which is δ{n} only for the cross-entropy cost. " +
                $"Multiply it element by element by σ′(z{n}): .PointwiseMultiply(pass[{l}].Activation.Derivative(pass[{l}].Z))", () => A - Y));
            list.Add(new("σ′ applied to a instead of z",
                $"BP1 needs σ′(z{n}), the slope of σ at the weighted sum; yours is σ′(a{n}), the slope at the activation, which squashes twice. " +
                $"Use pass[{l}].Z, not pass[{l}].A", () => (A - Y).PointwiseMultiply(sigma.Derivative(A))));
            list.Add(new("σ′(z) written as z(1 − z)",
                "σ′(z) = σ(z)(1 − σ(z)) = a(1 − a), with a = σ(z); yours multiplies by z(1 − z)", () => (A - Y).PointwiseMultiply(Z.PointwiseMultiply(1 - Z))));
            if (SigmoidSlopeOnAnother(sigma, l) is { } bp1) list.Add(new(bp1.Name, bp1.Explanation, () => (A - Y).PointwiseMultiply(A.PointwiseMultiply(1 - A))));
            list.Add(new("a sign error, y − a instead of a − y",
                $"for C = ½‖a − y‖², ∂C/∂a = a − y. Yours is the negative of δ{n}, and every gradient below it flips too: they point uphill. " +
                $"A step of η = 3 against the right gradient takes the cost of these {m} examples from {Check.Number(right.Cost)} to {Check.Number(downhill)}; " +
                $"against yours, to {Check.Number(uphill)}", () => (Y - A).PointwiseMultiply(slope)));
            list.Add(new("δ divided by m",
                $"δ has one column per example and no average: it is ∂Cₓ/∂z for each example x. The 1/m of the mean belongs to ∂C/∂b and ∂C/∂W " +
                $"(BP3, BP4). Yours is δ{n} / {m}", () => right[l].Delta / m));
        }
        else
        {
            var W = pass[l + 1].W;
            var above = right[l + 1].Delta;
            var back = W.TransposeThisAndMultiply(above);
            list.Add(new("σ′ left out of BP2",
                $"δ{n} = ((W{L1})ᵀ δ{L1}) ⊙ σ′(z{n}); yours is (W{L1})ᵀ δ{L1} alone: the error reaching layer {l} still has to pass through its own σ", () => back));
            list.Add(new("σ′ applied to a instead of z",
                $"BP2 needs σ′(z{n}); yours is σ′(a{n}), the slope at the activation. Use pass[{l}].Z", () => back.PointwiseMultiply(sigma.Derivative(A))));
            list.Add(new("σ′(z) written as z(1 − z)",
                "σ′(z) = σ(z)(1 − σ(z)) = a(1 − a), with a = σ(z); yours multiplies by z(1 − z)", () => back.PointwiseMultiply(Z.PointwiseMultiply(1 - Z))));
            if (SigmoidSlopeOnAnother(sigma, l) is { } bp2) list.Add(new(bp2.Name, bp2.Explanation, () => back.PointwiseMultiply(A.PointwiseMultiply(1 - A))));
            list.Add(new("W δ instead of Wᵀ δ: δ taken from the wrong side of BP2",
                $"the error flows backwards through the transpose: row j of (W{L1})ᵀ δ{L1} adds up W{L1}ₖⱼ δ{L1}ₖ over the neurons k of layer {l + 1} that " +
                $"neuron j feeds. Yours is W{L1} δ{L1}, which has the right shape only because W{L1} is square ({W.RowCount} × {W.ColumnCount}). " +
                $"Use pass[{l + 1}].W.Transpose() * delta",
                () => (W * above).PointwiseMultiply(slope)));
            list.Add(new("σ′ of the layer above: an off-by-one layer index",
                $"BP2 multiplies by σ′(z{n}) of layer {l} itself; yours uses σ′(z{L1}), layer {l + 1}'s: pass[{l}].Z, not pass[{l + 1}].Z",
                () => back.PointwiseMultiply(pass[l + 1].Activation.Derivative(pass[l + 1].Z))));
            list.Add(new("δ divided by m",
                $"δ has one column per example and no average; the 1/m belongs to ∂C/∂b and ∂C/∂W. Yours is δ{n} / {m}", () => right[l].Delta / m));
        }
        return [.. list];
    }

    /// <summary>The mistake of the sigmoid's slope, a(1 − a), written for layer <paramref name="l"/> whose activation is another.</summary>
    private static (string Name, string Explanation)? SigmoidSlopeOnAnother(Activation sigma, int l) =>
        sigma == Activation.Sigmoid
            ? null
            : ($"the sigmoid's σ′, a(1 − a), on a {sigma.Name} layer",
               $"a(1 − a) is the slope of the sigmoid only; layer {l} here is {sigma.Name}, whose slope is another. " +
               $"Use pass[{l}].Activation.Derivative(pass[{l}].Z), which is right for every activation");

    private static Mistake[] BiasMistakes(ForwardPass pass, BackwardPass right, int l)
    {
        int m = pass.ExampleCount;
        var delta = right[l].Delta;
        string n = Sup(l);
        var list = new List<Mistake>
        {
            new($"a sum where the mean belongs: {m} times too large (off by exactly m)",
                $"∂C/∂b{n} is the mean of δ{n} over the {m} examples, (1/m) Σₓ δ{n}ₓ, because C is the mean cost; yours is the sum. " +
                "Divide by m = pass.ExampleCount", () => delta.RowSums().ToColumnMatrix()),
            new("summed over the wrong axis",
                $"∂C/∂b{n} has one entry per neuron of layer {l}: each row of δ{n} (one neuron, across the {m} examples) averaged, delta.RowSums() / m. " +
                "Yours averages each column (one example, across the neurons): ColumnSums", () => (delta.ColumnSums() / m).ToColumnMatrix()),
            new("summed over the wrong axis, and not averaged",
                $"∂C/∂b{n} = delta.RowSums() / m, one entry per neuron of layer {l}; yours is delta.ColumnSums(), one per example", () => delta.ColumnSums().ToColumnMatrix()),
            new("only the first example",
                $"yours is δ{n} of example 0 alone; ∂C/∂b{n} averages all {m} columns of δ{n}", () => delta.Column(0).ToColumnMatrix()),
        };
        if (m != 10)
            list.Add(new("m hard-coded as 10",
                $"this batch has m = {m} examples, and yours is the sum of δ{n} divided by 10. Use pass.ExampleCount", () => (delta.RowSums() / 10).ToColumnMatrix()));
        if (Outputs(pass) is var outputs && outputs != m && outputs != 10)
            list.Add(new("m taken as Y.RowCount, the number of outputs",
                $"Y has one row per output neuron ({outputs}) and one column per example ({m}): m = Y.ColumnCount = pass.ExampleCount, not Y.RowCount",
                () => (delta.RowSums() / outputs).ToColumnMatrix()));
        return [.. list];
    }

    private static int Outputs(ForwardPass pass) => pass[pass.LayerCount].A.RowCount;

    private static Mistake[] WeightMistakes(ForwardPass pass, BackwardPass right, int l)
    {
        int m = pass.ExampleCount;
        var delta = right[l].Delta;
        var input = pass[l].Input;
        string n = Sup(l), before = Sup(l - 1);
        var list = new List<Mistake>
        {
            new($"a sum where the mean belongs: {m} times too large (off by exactly m)",
                $"∂C/∂W{n} = (1/m) δ{n} (a{before})ᵀ, the mean over the {m} examples of each example's δ{n}ₓ (a{before}ₓ)ᵀ; yours is the sum. " +
                "Divide by m = pass.ExampleCount", () => delta.TransposeAndMultiply(input)),
            new($"the outer product the wrong way round, a{before} (δ{n})ᵀ",
                $"∂C/∂W{n} has the shape of W{n}, {delta.RowCount} × {input.RowCount}: row j for neuron j of layer {l}, column k for neuron k of layer {l - 1}, " +
                $"so it is δ{n} (a{before})ᵀ / m = delta * pass[{l}].Input.Transpose() / m. Yours is its transpose",
                () => input.TransposeAndMultiply(delta) / m),
            new($"a{n} instead of a{before}: the wrong layer's activation in BP4",
                $"BP4 pairs δ{n} with the activations coming into layer {l}, a{before} = pass[{l}].Input; yours uses a{n} = pass[{l}].A, what layer {l} puts out",
                () => delta.TransposeAndMultiply(pass[l].A) / m),
            new("only the first example",
                $"yours is δ{n}₀ (a{before}₀)ᵀ, example 0 alone; ∂C/∂W{n} averages the outer products of all {m} examples: delta * pass[{l}].Input.Transpose() / m",
                () => delta.Column(0).OuterProduct(input.Column(0))),
        };
        if (l >= 2)
        {
            string twoBefore = Sup(l - 2);
            list.Add(new($"a{twoBefore} instead of a{before}: an off-by-one layer index",
                $"BP4 for layer {l} uses a{before} = pass[{l}].Input (= pass[{l - 1}].A); yours uses a{twoBefore} = pass[{l - 1}].Input, one layer too far back",
                () => delta.TransposeAndMultiply(pass[l - 1].Input) / m));
            list.Add(new($"z{before} instead of a{before}",
                $"the weights of layer {l} multiply the activations a{before} = σ(z{before}), not the weighted sums z{before}: use pass[{l}].Input",
                () => delta.TransposeAndMultiply(pass[l - 1].Z) / m));
        }
        if (m != 10)
            list.Add(new("m hard-coded as 10",
                $"this batch has m = {m} examples, and yours is δ{n} (a{before})ᵀ divided by 10. Use pass.ExampleCount", () => delta.TransposeAndMultiply(input) / 10));
        if (Outputs(pass) is var outputs && outputs != m && outputs != 10)
            list.Add(new("m taken as Y.RowCount, the number of outputs",
                $"Y has one row per output neuron ({outputs}) and one column per example ({m}): m = Y.ColumnCount = pass.ExampleCount, not Y.RowCount",
                () => delta.TransposeAndMultiply(input) / outputs));
        return [.. list];
    }

    /// <summary>What an exception from your backward pass most likely means, given the shapes of this network.</summary>
    private static string Explain(Exception e, Network network, int m)
    {
        int L = network.LayerCount;
        // An ArgumentException's "(Parameter 'forward')" names the library's parameter, not anything of the student's.
        string message = e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;
        string text = $"it threw {e.GetType().Name}: {OneLine(message)}{Diagnosis.Where(e)}";
        if (e is ArgumentException && e.Message.Contains("was made by a network of another shape", StringComparison.Ordinal))
            return $"{text} Yours hands this pass to a network of its own (the notebook's network.Backward, say), not the one that made it: " +
                   "work from pass alone (pass[l].W, pass[l].Z, pass[l].A, pass.LayerCount), which holds every layer of whichever network ran it.";
        if (L != 3)   // it ran on the notebook's network (L = 3) before this one: a hard-coded 3, or size, is the likeliest cause
            return $"{text} This network has L = {L} layers ({network.Shape}) and m = {m} examples: is L hard-coded as 3, or a size? " +
                   "Use pass.LayerCount, pass.ExampleCount and the shapes of the matrices.";
        string? hint = e switch
        {
            ArgumentOutOfRangeException when e.Message.Contains("are numbered", StringComparison.Ordinal) =>
                $"An off-by-one layer index: pass[l] and backward[l] exist for l = 1…{L}. The input a⁰ is pass[1].Input, and the loop of BP2 stops at l = 1.",
            IndexOutOfRangeException =>
                $"An index outside an array: with var layers = new LayerBackward[{L}], layer l is layers[l - 1], from 0 to {L - 1}.",
            NullReferenceException =>
                "Something was still null when your code used it: the δ of the layer above, before BP1 set it? Go from l = L down to 1, BP1 first.",
            ArgumentException when Regex.Match(e.Message, @"op1 is (\d+)x(\d+), op2 is (\d+)x(\d+)") is { Success: true } shapes =>
                ShapeHint(network, m, [.. shapes.Groups.Values.Skip(1).Select(g => int.Parse(g.Value, CultureInfo.InvariantCulture))]),
            _ => null,
        };
        return hint is null ? text : $"{text} {hint}";
    }

    /// <summary>Names the two matrices of a failed product or ⊙ by their shapes, and says which equation wants what.</summary>
    private static string ShapeHint(Network network, int m, int[] shape)
    {
        var (r1, c1, r2, c2) = (shape[0], shape[1], shape[2], shape[3]);
        var n = network.Sizes;
        int L = network.LayerCount;
        for (int l = 1; l < L; l++)
            if ((r1, c1) == (n[l + 1], n[l]) && (r2, c2) == (n[l + 1], m))
                return $"That is W{Sup(l + 1)} ({r1} × {c1}) times δ{Sup(l + 1)} ({r2} × {c2}): δ taken from the wrong side of BP2. The error flows backwards " +
                       $"through the transpose, (W{Sup(l + 1)})ᵀ δ{Sup(l + 1)} = pass[{l + 1}].W.Transpose() * delta, a {n[l]} × {m} matrix like z{Sup(l)}.";
        for (int l = 1; l <= L; l++)
            if ((r1, c1) == (n[l], m) && (r2, c2) == (n[l - 1], m))
                return $"That is δ{Sup(l)} ({r1} × {c1}) times a{Sup(l - 1)} ({r2} × {c2}) without the transpose: BP4 is δ{Sup(l)} (a{Sup(l - 1)})ᵀ = " +
                       $"delta * pass[{l}].Input.Transpose() (then / m), a {n[l]} × {n[l - 1]} matrix like W{Sup(l)}.";
        for (int l = 1; l < L; l++)
            if (n[l] != n[l + 1] && (((r1, c1) == (n[l], m) && (r2, c2) == (n[l + 1], m)) || ((r1, c1) == (n[l + 1], m) && (r2, c2) == (n[l], m))))
                return $"That is a {n[l]} × {m} matrix, like z{Sup(l)}, ⊙ a {n[l + 1]} × {m} one, like z{Sup(l + 1)}: ⊙ σ′ of the layer above? BP2 multiplies by " +
                       $"σ′(z{Sup(l)}) of layer {l} itself: pass[{l}].Z, not pass[{l + 1}].Z.";
        if ((r1, c1) == (r2, c2))
            return $"Two {r1} × {c1} matrices multiplied with *, the matrix product, which needs the first one's columns to equal the second one's rows. " +
                   "The ⊙ of BP1 and BP2 multiplies entry by entry: PointwiseMultiply.";
        return $"The first is {Names(network, m, r1, c1)}, the second {Names(network, m, r2, c2)}. A product A * B needs A's columns = B's rows; " +
               $"⊙ (PointwiseMultiply) needs equal shapes. In BP2 the shapes are (W{Sup(L)})ᵀ: {n[L - 1]} × {n[L]} times δ{Sup(L)}: {n[L]} × {m}, ⊙ σ′(z{Sup(L - 1)}): {n[L - 1]} × {m}.";
    }

    private static string Names(Network network, int m, int rows, int columns)
    {
        var n = network.Sizes;
        var names = new List<string>();
        for (int l = 1; l <= network.LayerCount; l++)
        {
            if ((rows, columns) == (n[l], n[l - 1])) names.Add($"W{Sup(l)}");
            if ((rows, columns) == (n[l - 1], n[l])) names.Add($"(W{Sup(l)})ᵀ");
            if ((rows, columns) == (n[l], m)) names.Add($"δ{Sup(l)}, z{Sup(l)} or a{Sup(l)}");
            if ((rows, columns) == (m, n[l])) names.Add($"(δ{Sup(l)})ᵀ");
        }
        if ((rows, columns) == (n[0], m)) names.Add("a⁰, the input");
        return $"{rows} × {columns}" + (names.Count == 0 ? "" : $" ({string.Join("; ", names.Distinct())})");
    }

    // ───────────────────────────── notebook 08: the exercises ─────────────────────────────

    /// <summary>
    /// Checks your δᴸ for the cross-entropy cost with sigmoid outputs, <c>(a, y) =&gt; δᴸ</c>: BP1 δᴸ = ∇ₐC ⊙ σ′(zᴸ) with
    /// ∇ₐC = (a − y) / (a(1 − a)) and σ′(z) = a(1 − a), which cancel to δᴸ = a − y. Checked on ten output neurons from
    /// badly wrong and saturated (z = −8 for the label: a ≈ 0.0003) to right and sure, against <see cref="Cost.OutputError(LayerForward, Matrix{double})"/>.
    /// </summary>
    public static void CrossEntropyDelta(Func<Vector<double>, Vector<double>, Vector<double>> yours)
    {
        ArgumentNullException.ThrowIfNull(yours);
        if (!Check.YourOwn("myCrossEntropyDelta", yours, LibraryCalls.Named(typeof(Cost), nameof(Cost.OutputError), nameof(Cost.GradientWithRespectToOutput)), LibraryCalls.Named(typeof(Activation), nameof(Activation.Backpropagate)))) return;
        yours = UnchangedArguments.Guard(yours, "myCrossEntropyDelta", "a", "y");
        var sigma = Activation.Sigmoid;
        var z = Vector<double>.Build.DenseOfArray([-8, -2, 0, 1, 3, 8, -8, 2, 0.5, 6]);
        var a = sigma.Apply(z);
        var y = DataSet.OneHot(0, 10);
        var right = Cost.CrossEntropy.OutputError(z.ToColumnMatrix(), a.ToColumnMatrix(), y.ToColumnMatrix(), sigma).Column(0);
        var slope = sigma.Derivative(z);
        Check.Equal("your cross-entropy δᴸ for ten output neurons (the label's, neuron 0, saturated and wrong at z = −8) = Cost.CrossEntropy.OutputError",
            right, yours(a.Clone(), y.Clone()), 1e-12,
            Mistake.Vector("∂C/∂a alone", "that is ∇ₐC = (a − y) / (a(1 − a)), BP1's first factor. Multiply by σ′(z) = a(1 − a) and they cancel: " +
                $"for the saturated label neuron, yours is {Check.Number((a[0] - 1) / (a[0] * (1 - a[0])))}, where δ = a − y = {Check.Number(a[0] - 1)}",
                () => (a - y).PointwiseDivide(a.PointwiseMultiply(1 - a))),
            Mistake.Vector("the quadratic cost's δ", "(a − y) ⊙ σ′(z) is BP1 for C = ½‖a − y‖². For cross-entropy ∇ₐC is (a − y) / (a(1 − a)), " +
                $"and σ′ cancels: no σ′ is left. Yours gives the saturated label neuron δ = {Check.Number((a[0] - 1) * slope[0])}, nearly 0: the learning " +
                "slowdown cross-entropy was made to remove", () => (a - y).PointwiseMultiply(slope)),
            Mistake.Vector("a sign error, y − a", "∂C/∂a of −[y ln a + (1 − y) ln(1 − a)] is −y/a + (1 − y)/(1 − a) = (a − y) / (a(1 − a)): a − y, not y − a",
                () => y - a));
    }

    /// <summary>
    /// Checks your ∂C/∂x for the 1-1-1-1 chain of notebook 08: the chain rule one link further than ∂C/∂w¹,
    /// ∂C/∂x = ∂z¹/∂x · ∂C/∂z¹ = w¹ σ′(z¹) ∂C/∂a¹, against the slope (C(x + ε) − C(x − ε)) / 2ε.
    /// </summary>
    /// <param name="chain">The chain (every layer of one neuron).</param>
    /// <param name="x">The input x = a⁰.</param>
    /// <param name="y">The target.</param>
    /// <returns>The check for <c>Check.Answer("…", dC_dx, Exercises.ChainInputSlope(chain, x0, target))</c>.</returns>
    public static Action<double> ChainInputSlope(Network chain, double x, double y)
    {
        ArgumentNullException.ThrowIfNull(chain);
        if (chain.Sizes.Any(s => s != 1)) throw new ArgumentException($"A chain has one neuron per layer, not {chain.Shape}.", nameof(chain));
        var X = Matrix<double>.Build.Dense(1, 1, x);
        var Y = Matrix<double>.Build.Dense(1, 1, y);
        var backward = chain.Backward(chain.Forward(X), Y);
        double w1 = chain.W(1)[0, 0], dz1 = backward[1].Delta[0, 0], slope1 = chain.ActivationOf(1).Derivative(chain.W(1)[0, 0] * x + chain.b(1)[0]);
        double dC_da1 = dz1 / slope1;
        double Cost(double input) => chain.CostOf(Matrix<double>.Build.Dense(1, 1, input), Y);
        double measured = (Cost(x + 1e-6) - Cost(x - 1e-6)) / 2e-6;
        // A thousandth of the slope's power of ten (10⁻⁹ for notebook 08's 2·10⁻⁶): a fixed tolerance would accept wrong
        // numbers for so small a slope, and one of 0.1 % of the slope, printed on a ✗, would give the slope away.
        var tolerance = measured == 0 ? 1e-12 : Math.Pow(10, Math.Floor(Math.Log10(Math.Abs(measured))) - 3);
        return yours => Check.Equal("your ∂C/∂x = the measured slope (C(x + ε) − C(x − ε)) / 2ε", measured, yours, tolerance,
            Mistake.Number("∂C/∂w¹, the weight's slope", $"∂z¹/∂w¹ = x but ∂z¹/∂x = w¹: the input enters z¹ = w¹ x + b¹ multiplied by the weight. Yours is x σ′(z¹) ∂C/∂a¹ = ∂C/∂w¹",
                () => x * dz1),
            Mistake.Number("∂C/∂z¹ = δ¹, one link short", "that is how C changes with z¹; x reaches z¹ through w¹, so multiply by ∂z¹/∂x = w¹", () => dz1),
            Mistake.Number("σ′(z¹) left out", "the input reaches C through z¹ and then a¹ = σ(z¹): every link of the chain is there, including σ′(z¹)", () => w1 * dC_da1),
            Mistake.Number("∂C/∂a¹", "that is how C changes with a¹, one neuron later; go two more links back: ∂a¹/∂z¹ = σ′(z¹), ∂z¹/∂x = w¹", () => dC_da1),
            Mistake.Number("the sign flipped", "each link keeps its sign: w¹ σ′(z¹) ∂C/∂a¹", () => -measured));
    }

    /// <summary>
    /// Checks a count of the entries of ∂C/∂W¹ that are exactly 0 for a mini-batch: by BP4, ∂C/∂W¹ⱼₖ = (1/m) Σₓ δ¹ⱼₓ a⁰ₖₓ, which is 0
    /// for every neuron j when pixel k is 0 in every example of the batch (and a sigmoid network's δ¹ⱼₓ is never exactly 0).
    /// </summary>
    /// <param name="network">The network.</param>
    /// <param name="X">The inputs, one column per example.</param>
    /// <param name="Y">The targets.</param>
    /// <returns>The check for <c>Check.Answer("…", myZeros, Exercises.ZeroWeightGradients(network, X, Y))</c>.</returns>
    public static Action<int> ZeroWeightGradients(Network network, Matrix<double> X, Matrix<double> Y)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(X);
        int counted = network.Backward(network.Forward(X), Y)[1].GradW.Enumerate().Count(v => v == 0);
        int neurons = network.Sizes[1], m = X.ColumnCount;
        int blackInAll = Enumerable.Range(0, X.RowCount).Count(k => X.Row(k).All(v => v == 0));
        int blackInFirst = X.Column(0).Count(v => v == 0);
        int blackSummed = Enumerable.Range(0, m).Sum(x => X.Column(x).Count(v => v == 0));
        return yours => Check.Equal($"entries of ∂C/∂W¹ that are exactly 0 for these {m} digits (counted in Backward's gradient)", counted, yours, 0,
            Mistake.Number("the first digit's black pixels only", $"∂C/∂W¹ⱼₖ averages δ¹ⱼₓ a⁰ₖₓ over all {m} digits: column k is 0 only where pixel k is black in every one " +
                $"of them ({blackInAll} pixels), not just in the first ({blackInFirst})", () => neurons * blackInFirst),
            Mistake.Number("black pixels counted digit by digit", $"a pixel that is black in one digit but lit in another gets a gradient from the other; count the pixels " +
                $"black in all {m} digits ({blackInAll}), once each", () => neurons * blackSummed),
            Mistake.Number("pixels, not weights", $"each of the {blackInAll} always-black pixels is a whole column of ∂C/∂W¹: {neurons} weights, one per neuron of layer 1",
                () => blackInAll));
    }

    // ───────────────────────────── notebook 09: the epoch ─────────────────────────────

    /// <summary>
    /// The library's epoch, of the same kind as yours: <see cref="GradientDescent.Train"/>'s loop for one epoch
    /// (shuffle the order with the generator; for each mini-batch, Forward, Backward, and Wˡ − η ∂C/∂Wˡ, bˡ − η ∂C/∂bˡ), so that
    /// <c>Check.YoursOr(myEpoch, Exercises.LibraryEpoch, "epoch")</c> has one to fall back on.
    /// </summary>
    public static TrainingEpoch LibraryEpoch { get; } = (network, training, order, random, learningRate, batchSize) =>
    {
        random.Shuffle(order);
        for (int start = 0; start < order.Length; start += batchSize)
        {
            var batch = order[start..Math.Min(start + batchSize, order.Length)];
            var X = training.Images(batch);
            network = network.Step(network.Backward(network.Forward(X), training.Targets(batch)), learningRate);
        }
        return network;
    };

    /// <summary>
    /// Checks your epoch on the first 1,005 MNIST training digits (η = 3, m = 10, so the last mini-batch has 5; seed 1), from
    /// Nielsen's starting network: after one epoch and after a second one (which shuffles the first epoch's order again) your
    /// weights and biases must equal <see cref="GradientDescent.Train"/>'s, step for step. When they differ it says what your
    /// epoch did instead (no shuffle, a step uphill, the last mini-batch dropped, a fresh order each epoch, …).
    /// </summary>
    public static void Epoch(TrainingEpoch yours) => Epoch(yours, Mnist.LoadTraining().Take(1_005));

    /// <summary><see cref="Epoch(TrainingEpoch)"/> on the given digits.</summary>
    internal static void Epoch(TrainingEpoch yours, DataSet digits)
    {
        ArgumentNullException.ThrowIfNull(yours);
        if (!Check.YourOwn("myEpoch", yours, LibraryCalls.Named(typeof(Trainer), nameof(Trainer.Train)), LibraryCalls.Named(typeof(GradientDescent), nameof(GradientDescent.Train)))) return;
        ArgumentNullException.ThrowIfNull(digits);
        const double eta = 3;
        const int m = 10, seed = 1;
        int count = digits.Count;
        var start = TrainingRecipe.Nielsen.Network(seed);
        var reference = GradientDescent.Train(start, digits,
            new TrainingOptions { LearningRate = eta, BatchSize = m, Epochs = 2, Seed = seed, RecordSnapshots = true });
        var snapshots = reference.History.Snapshots!;
        var expected = snapshots.Skip(1).Select(s => start.WithParameters(s.Weights, s.Biases)).ToArray();
        string setting = $"{count:N0} digits, η = {eta}, m = {m}, seed {seed}";

        var random = new Random(seed);
        var order = Enumerable.Range(0, count).ToArray();
        var networks = new List<Network>();
        for (int epoch = 1; epoch <= 2; epoch++)
        {
            Network? after;
            try
            {
                after = yours((networks.Count == 0 ? start : networks[^1]).Clone(), digits, order, random, eta, m);
            }
            catch (Exception e) when (e is not CheckFailedException and not OutOfMemoryException)
            {
                Check.Fail($"your epoch {epoch} runs on {setting}", $"it threw {e.GetType().Name}: {OneLine(e.Message)}{Diagnosis.Where(e)}");
                return;
            }
            string what = epoch == 1
                ? $"epoch 1 of yours on {setting} = GradientDescent.Train's epoch 1"
                : "epoch 2 of yours, which shuffles epoch 1's order again = GradientDescent.Train's epoch 2";
            if (after is null)
            {
                Check.Fail(what, "your epoch returned null: return the network after the last step");
                return;
            }
            if (after.Shape != start.Shape)
            {
                Check.Fail(what, $"your epoch returned a {after.Shape} network; it should keep the shape {start.Shape}");
                return;
            }
            double difference = MaxParameterDifference(expected[epoch - 1], after);
            if (difference > 1e-9)
            {
                Check.Fail(what, epoch == 1
                    ? WhatEpochOneDid(after, start, digits, eta, m, seed, expected[0])
                    : WhatEpochTwoDid(after, expected[0], digits, eta, m, seed, expected[1]));
                return;
            }
            Check.That(what, true, $"every weight and bias within {Check.Small(difference)}");
            networks.Add(after);
        }
        var X = digits.Images(0, count);
        var Y = digits.Targets(0, count);
        double before = start.CostOf(X, Y), one = networks[0].CostOf(X, Y), two = networks[1].CostOf(X, Y);
        Check.That($"the cost of these {count:N0} digits fell", two < before,
            $"C = {before.ToString("0.####", CultureInfo.InvariantCulture)} at the start → {one.ToString("0.####", CultureInfo.InvariantCulture)} → {two.ToString("0.####", CultureInfo.InvariantCulture)}");
        OtherSettings(yours, digits.Take(Math.Min(count, 200)), start, eta, m);
    }

    /// <summary>
    /// One more epoch with another η, m and seed than the notebook's 3, 10 and 1: an epoch that ignores the learning rate
    /// or the batch size it is given (a 3.0 or a 10 typed in) matches the notebook's settings and nothing else.
    /// </summary>
    private static void OtherSettings(TrainingEpoch yours, DataSet digits, Network start, double notebookEta, int notebookM)
    {
        const double eta = 0.5;
        const int m = 7, seed = 2;
        int n = digits.Count;
        string what = $"your epoch uses the η and m it is given (one epoch of {n:N0} digits, η = {eta}, m = {m}, seed {seed})";
        var right = GradientDescent.Train(start, digits, new TrainingOptions { LearningRate = eta, BatchSize = m, Epochs = 1, Seed = seed }).Network;
        Network? after;
        try
        {
            after = yours(start.Clone(), digits, Enumerable.Range(0, n).ToArray(), new Random(seed), eta, m);
        }
        catch (Exception e) when (e is not CheckFailedException and not OutOfMemoryException)
        {
            Check.Fail(what, $"it threw {e.GetType().Name}: {OneLine(e.Message)}{Diagnosis.Where(e)}");
            return;
        }
        if (after is null || after.Shape != start.Shape)
        {
            Check.Fail(what, after is null ? "your epoch returned null" : $"your epoch returned a {after.Shape} network");
            return;
        }
        double difference = MaxParameterDifference(right, after);
        if (difference <= 1e-9)
        {
            Check.That(what, true, $"every weight and bias within {Check.Small(difference)} of GradientDescent.Train's");
            return;
        }
        var order = Enumerable.Range(0, n).ToArray();
        new Random(seed).Shuffle(order);
        bool Took(double stepEta, int batch) => MaxParameterDifference(Steps(start, digits, order, batch, (net, g) => net.Step(g, stepEta)), after) <= 1e-9;
        var (name, mine, theirs) = FirstParameterDifference(right, after);
        Check.Fail(what,
            Took(notebookEta, notebookM) ? $"yours took η = {notebookEta} and batches of {notebookM} when it was given η = {eta} and m = {m}: use the learningRate and batchSize parameters, not numbers"
            : Took(notebookEta, m) ? $"yours stepped by η = {notebookEta} when it was given η = {eta}: use the learningRate parameter, not a number"
            : Took(eta, notebookM) ? $"yours took batches of {notebookM} when it was given m = {m}: use the batchSize parameter, not a number"
            : $"the first parameter that differs is {name}: yours {Check.Number(mine)}, GradientDescent's {Check.Number(theirs)}");
    }

    /// <summary>Which well-known slip makes an epoch give <paramref name="yours"/>: each is run and compared.</summary>
    private static string WhatEpochOneDid(Network yours, Network start, DataSet digits, double eta, int m, int seed, Network right)
    {
        int n = digits.Count;
        var X = digits.Images(0, n);
        var Y = digits.Targets(0, n);
        string Costs() => $"the cost of these digits went from {Check.Number(start.CostOf(X, Y))} to {Check.Number(yours.CostOf(X, Y))} with yours, " +
                          $"to {Check.Number(right.CostOf(X, Y))} with GradientDescent";
        if (MaxParameterDifference(start, yours) == 0)
            return "your epoch returned the network it was given, unchanged: inside the loop, keep the stepped network (network = …) and return it at the end";
        int[] Shuffled() { var order = Enumerable.Range(0, n).ToArray(); new Random(seed).Shuffle(order); return order; }
        var variants = new (string Diagnosis, Func<Network> Run)[]
        {
            ("you did not shuffle: yours equals an epoch over the digits in the order 0, 1, 2, …. Start the epoch with random.Shuffle(order)",
                () => Steps(start, digits, Enumerable.Range(0, n).ToArray(), m, (net, g) => net.Step(g, eta))),
            ($"your steps go uphill: yours equals W + η ∂C/∂W, a plus where the minus belongs; {{costs}}",
                () => Steps(start, digits, Shuffled(), m, (net, g) => net.Step(g, -eta))),
            ($"the last mini-batch is missing: {n % m} digits are left after {n / m} full batches of {m}, and the library takes them as a smaller last batch: " +
             "order[start..Math.Min(start + m, order.Length)]",
                () => Steps(start, digits, Shuffled()[..(n / m * m)], m, (net, g) => net.Step(g, eta))),
            ("only the weights moved: yours leaves every bias where it started. The step is bˡ − η ∂C/∂bˡ too",
                () => Steps(start, digits, Shuffled(), m, (net, g) => net.WithParameters(Enumerable.Range(1, net.LayerCount).Select(l => net.W(l) - eta * g[l].GradW).ToArray(), net.Biases))),
            ("only the biases moved: yours leaves every weight where it started. The step is Wˡ − η ∂C/∂Wˡ too",
                () => Steps(start, digits, Shuffled(), m, (net, g) => net.WithParameters(net.Weights, Enumerable.Range(1, net.LayerCount).Select(l => net.b(l) - eta * g[l].GradB).ToArray()))),
            ($"η divided by m: yours equals steps of (η/m) ∂C/∂W. The gradient of a mini-batch is already the mean over its {m} examples (BP3, BP4): step by η ∂C/∂W",
                () => Steps(start, digits, Shuffled(), m, (net, g) => net.Step(g, eta / m))),
            ("η divided by the batch's length (Nielsen's eta/len(mini_batch), which divides because his gradients are sums): yours equals steps of " +
             $"(η/{m}) ∂C/∂W, and η/{n % m} for the last batch. The gradient of a mini-batch is already its mean (BP3, BP4): step by η ∂C/∂W",
                () => Steps(start, digits, Shuffled(), m, (net, g) => net.Step(g, eta / g.Target.ColumnCount))),
            ("your epoch took one step and stopped: yours equals the network after the first mini-batch. Is the return inside the loop?",
                () => Steps(start, digits, Shuffled()[..m], m, (net, g) => net.Step(g, eta))),
        };
        foreach (var (diagnosis, run) in variants)
            if (MaxParameterDifference(run(), yours) <= 1e-9) return diagnosis.Replace("{costs}", Costs(), StringComparison.Ordinal);
        var (name, mine, theirs) = FirstParameterDifference(right, yours);
        return $"the first parameter that differs is {name}: yours {Check.Number(mine)}, GradientDescent's {Check.Number(theirs)}; {Costs()}. " +
               "Check the order (random.Shuffle(order) once, at the start), the batches (order[start..Math.Min(start + m, order.Length)]) and the step " +
               "(Wˡ − η ∂C/∂Wˡ, bˡ − η ∂C/∂bˡ, with the gradient of that batch)";
    }

    private static string WhatEpochTwoDid(Network yours, Network afterOne, DataSet digits, double eta, int m, int seed, Network right)
    {
        int n = digits.Count;
        // A fresh 0…n − 1, shuffled by the generator as it stands after epoch 1, instead of epoch 1's order shuffled again.
        var random = new Random(seed);
        random.Shuffle(Enumerable.Range(0, n).ToArray());
        var fresh = Enumerable.Range(0, n).ToArray();
        random.Shuffle(fresh);
        if (MaxParameterDifference(Steps(afterOne, digits, fresh, m, (net, g) => net.Step(g, eta)), yours) <= 1e-9)
            return "epoch 1 matched but epoch 2 did not: you shuffled a fresh 0, 1, 2, … instead of the order you were given. GradientDescent shuffles " +
                   "the previous epoch's order again (random.Shuffle(order) on the array passed in), so epoch 2 starts from epoch 1's order";
        var (name, mine, theirs) = FirstParameterDifference(right, yours);
        return $"epoch 1 matched but epoch 2 did not (first difference {name}: yours {Check.Number(mine)}, GradientDescent's {Check.Number(theirs)}). " +
               "Use the generator and the order you are given, every epoch: a new Random, or a new order, gives other mini-batches";
    }

    /// <summary>Steps through the examples in the given order, a mini-batch of m at a time, with the given step.</summary>
    private static Network Steps(Network network, DataSet digits, int[] order, int m, Func<Network, BackwardPass, Network> step)
    {
        for (int start = 0; start < order.Length; start += m)
        {
            var batch = order[start..Math.Min(start + m, order.Length)];
            network = step(network, network.Backward(network.Forward(digits.Images(batch)), digits.Targets(batch)));
        }
        return network;
    }

    // ───────────────────────────── plumbing ─────────────────────────────

    /// <summary>An exception's message on one line (ArgumentOutOfRangeException adds "Actual value was …" on a line of its own).</summary>
    private static string OneLine(string message) => string.Join(" ", message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Where the checks write: the running cell (or a test's session).</summary>
    private static TextWriter Out => Check.Scoped.Value?.Writer ?? Console.Out;

    /// <summary>A network of quadratic cost with the forward pass's weights, biases and activations, to call Backward on.</summary>
    private static Network QuadraticNetworkOf(ForwardPass pass)
    {
        ArgumentNullException.ThrowIfNull(pass);
        int L = pass.LayerCount;
        return new Network(pass.Layers.Select(r => r.W).ToArray(), pass.Layers.Select(r => r.b).ToArray(),
            L > 1 ? pass[1].Activation : null, Cost.Quadratic, pass[L].Activation);
    }

    /// <summary><see cref="Check.Equal(string, double, double, double, Mistake[])"/> for the cost a backward pass carries.</summary>
    private static bool CostMatches(string what, double expected, double actual, int m) =>
        Check.Equal(what, expected, actual, 1e-9 * Math.Max(1, Math.Abs(expected)),
            Mistake.Number("the sum over the examples", $"C is the mean cost, (1/m) Σₓ Cₓ: yours is the sum, {m} times too large. Cost.Quadratic.Value(pass.Output, Y) gives the mean",
                () => expected * m),
            Mistake.Number("C without the ½", "the quadratic cost is C = ½‖a − y‖², averaged over the examples: yours is twice that", () => 2 * expected),
            Mistake.Number("0", "the BackwardPass carries the cost it differentiated: Cost.Quadratic.Value(pass.Output, Y)", () => 0));

    private static BackwardPass Negated(BackwardPass pass) =>
        new(pass.Layers.Select(r => new LayerBackward(r.Layer, -r.Delta, -r.GradW, -r.GradB)).ToArray(), pass.Cost, pass.Target);

    private static double Tolerance(Matrix<double> right) => 1e-9 * right.Enumerate().Select(Math.Abs).DefaultIfEmpty(0).Max() + 1e-18;

    /// <summary>max |aᵢⱼ − bᵢⱼ| (infinite when a difference is NaN), for matrices of one shape.</summary>
    private static double MaxDifference(Matrix<double> a, Matrix<double> b)
    {
        var differences = (a - b).Enumerate().Select(Math.Abs).ToArray();
        return differences.Any(double.IsNaN) ? double.PositiveInfinity : differences.DefaultIfEmpty(0).Max();
    }

    /// <summary>The first entry (row by row, as <see cref="Check"/> reports it) that differs by more than the tolerance.</summary>
    private static (int, int)? FirstDifference(Matrix<double> right, Matrix<double> mine, double tolerance)
    {
        for (int i = 0; i < right.RowCount; i++)
            for (int j = 0; j < right.ColumnCount; j++)
                if (!(Math.Abs(right[i, j] - mine[i, j]) <= tolerance)) return (i, j);
        return null;
    }

    private static Vector<double> AsVector(Matrix<double> m) => m.ColumnCount == 1 ? m.Column(0) : m.Row(0);

    private static double MaxParameterDifference(Network a, Network b) =>
        Enumerable.Range(1, a.LayerCount).Max(l => Math.Max(MaxDifference(a.W(l), b.W(l)), MaxDifference(a.b(l).ToColumnMatrix(), b.b(l).ToColumnMatrix())));

    private static (string Name, double Yours, double Right) FirstParameterDifference(Network right, Network yours)
    {
        for (int l = 1; l <= right.LayerCount; l++)
        {
            if (FirstDifference(right.W(l), yours.W(l), 1e-9) is { } w) return ($"W{Sup(l)}[{w.Item1}, {w.Item2}]", yours.W(l)[w.Item1, w.Item2], right.W(l)[w.Item1, w.Item2]);
            if (FirstDifference(right.b(l).ToColumnMatrix(), yours.b(l).ToColumnMatrix(), 1e-9) is { } b) return ($"b{Sup(l)}[{b.Item1}]", yours.b(l)[b.Item1], right.b(l)[b.Item1]);
        }
        return ("none", 0, 0);
    }


    private static string Short(double x) => GradientCheckResult.Short(x);
}
