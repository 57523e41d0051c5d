using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Data;
using NeuralNetworks.Model;

namespace NeuralNetworks.Course;

/// <summary>
/// The build-it-yourself checks of the course. Each takes the function a student wrote, runs it on cases small enough to
/// follow by hand and on real MNIST digits, compares it with the library through <see cref="Check"/>, and when it is wrong
/// names the likely mistake the numbers match. A check cell reads
/// <c>Check.Answer("Build it 2 · a layer's weighted sums (myWeightedSums)", myWeightedSums, Exercises.WeightedSums);</c>
/// </summary>
public static partial class Exercises
{
    // Notebooks 01–05: the flattening rule, a weighted sum, a layer's W a, z = W a + b, σ and σ′, the forward pass,
    // and the detector for the top bar of a 7. The shared plumbing is in NeuronChecks below.

    /// <summary>
    /// Notebook 00: a one-line LINQ function that counts an image's inked pixels, those above 0. Checked on an all-black image
    /// (0) and on test digits 0–99 against the library's count; names counting every pixel (≥ 0), counting the black ones
    /// (== 0), counting only the bright ones (&gt; ½) and summing the ink instead of counting pixels.
    /// </summary>
    /// <param name="yours">The student's function image → number of entries above 0.</param>
    public static void InkedPixels(Func<Vector<double>, int> yours)
    {
        ArgumentNullException.ThrowIfNull(yours);
        yours = UnchangedArguments.Guard(yours, "inkedPixels", "image");
        var digits = NeuronChecks.TestDigits();
        var images = new[] { NeuronChecks.V.Dense(784) }.Concat(Enumerable.Range(0, 100).Select(digits.Image)).ToArray();
        if (!NeuronChecks.TryRun("inkedPixels runs on an all-black image and on test digits 0–99",
                () => NeuronChecks.V.DenseOfEnumerable(images.Select(image => (double)yours(image))), "", out var mine)) return;
        Vector<double> Counts(Func<Vector<double>, double> count) => NeuronChecks.V.DenseOfEnumerable(images.Select(count));
        Mistake[] likely =
        [
            Mistake.Vector("every pixel counted", "v >= 0 holds for all 784 pixels, black ones included (a black pixel is exactly 0): " +
                "count the pixels with v > 0", () => Counts(_ => 784)),
            Mistake.Vector("the black pixels counted", "v == 0 counts the background; the inked pixels are the others, v > 0",
                () => Counts(image => image.Count(v => v == 0))),
            Mistake.Vector("only the bright pixels counted", "v > 0.5 leaves out the faint grey edge of every stroke; any pixel above 0 " +
                "holds some ink", () => Counts(image => image.Count(v => v > 0.5))),
            Mistake.Vector("the ink summed", "Sum() adds up the brightness of the pixels (a pixel at 0.5 adds a half); count them instead: " +
                "image.Count(v => v > 0)", () => Counts(image => (int)image.Sum())),
        ];
        if (!NeuronChecks.QuietlyVector("inkedPixels for an all-black image (entry [0]) and test digits 0–99 (entries [1]…[100])",
                Counts(image => image.Count(v => v > 0)), mine, likely)) return;
    }

    /// <summary>
    /// Notebook 01: the flattening rule for a picture of any width, k = w r + c: the entry of the row-by-row list that holds
    /// pixel (row r, column c) of a picture w pixels wide. Checked on all 784 pixels of a 28 × 28 MNIST digit (test digit 7:
    /// <c>test.Image(7)[yours(r, c, 28)]</c> must be pixel (r, c) of <c>test.ImageMatrix(7)</c>), then on a picture of 20 rows
    /// and 30 columns read row by row. Names a picture read column by column, counting from 1, rows one pixel short, row and
    /// column added, a width fixed at 28, and the number of rows used where the row length belongs.
    /// </summary>
    /// <param name="yours">The student's function (row, column, columns) → k.</param>
    public static void EntryOfPixel(Func<int, int, int, int> yours)
    {
        ArgumentNullException.ThrowIfNull(yours);
        foreach (var (rows, columns) in new[] { (28, 28), (20, 30) })
        {
            string picture = $"a {rows} × {columns} picture";
            if (!NeuronChecks.TryRun($"entryOf runs for every pixel of {picture}",
                    () => NeuronChecks.M.Dense(rows, columns, (r, c) => yours(r, c, columns)), "", out var entries)) return;
            Matrix<double> Rule(Func<int, int, int> k) => NeuronChecks.M.Dense(rows, columns, (r, c) => k(r, c));
            Mistake[] likely =
            [
                new("the picture read column by column", $"yours walks down each column first ({rows}·c + r); the picture is read " +
                    $"row by row, like a page of text: row r starts at entry {columns}·r, so k = {columns}·r + c",
                    () => Rule((r, c) => rows * c + r)),
                new("counting from 1", $"C# and the course count from 0: pixel (0, 0) is entry 0 and the last pixel is entry " +
                    $"{rows * columns - 1}, so k = {columns}·r + c with no + 1",
                    () => Rule((r, c) => columns * r + c + 1)),
                new("rows one pixel short", $"a row has {columns} pixels, columns 0 to {columns - 1}, so one row down is {columns} " +
                    $"entries on, not {columns - 1} (with {columns - 1}, the last pixel of a row and the first of the next share an entry)",
                    () => Rule((r, c) => (columns - 1) * r + c)),
                new("row and column added", "r + c gives every pixel on a diagonal the same entry; each row must start a whole row " +
                    $"length after the previous one: k = {columns}·r + c", () => Rule((r, c) => r + c)),
                new("a width fixed at 28", $"28·r + c is right for MNIST's 28 × 28 digits only; this picture is {columns} pixels " +
                    "wide: use the width you are given, k = columns·r + c", () => Rule((r, c) => 28 * r + c)),
                new("the number of rows where the row length belongs", $"yours moves {rows} entries per row, the picture's height; " +
                    $"one row down skips a whole row of {columns} pixels, its width: k = {columns}·r + c", () => Rule((r, c) => rows * r + c)),
            ];
            if (!NeuronChecks.Quietly($"entryOf(r, c, {columns}) for every pixel of {picture} (row r down, column c across)",
                    Rule((r, c) => columns * r + c), entries, likely)) return;
        }
        var digits = NeuronChecks.TestDigits();
        var image = digits.ImageMatrix(7);
        var flat = digits.Image(7);
        var wide = NeuronChecks.M.Dense(20, 30, (r, c) => 1000 * r + c).ToRowMajorArray();
        int agree = Enumerable.Range(0, 784).Count(k => flat[yours(k / 28, k % 28, 28)] == image[k / 28, k % 28]) +
                    Enumerable.Range(0, 600).Count(k => wide[yours(k / 30, k % 30, 30)] == 1000 * (k / 30) + k % 30);
        Check.That("entryOf is the flattening rule: pixel (r, c) sits at entryOf(r, c, width) of the row-by-row list, for all 784 " +
            "pixels of test digit 7 and all 600 of a 20 × 30 picture", agree == 784 + 600,
            $"entryOf(20, 7, 28) = {yours(20, 7, 28)}, entryOf(19, 29, 30) = {yours(19, 29, 30)}");
    }

    /// <summary>
    /// Build it 1 (notebook 02): one neuron's weighted sum Σₖ wₖ aₖ, written as a loop. Checked first on a case to follow
    /// by hand, w = (1, 2, 3) and a = (1, 10, 100), where Σₖ wₖ aₖ = 321 and every term shows (a skipped first or last term,
    /// a kept last term, w + a in place of w · a), then for the 16 neurons of layers 1 and 2 of the course's network on
    /// test digits 0–9, against the dot product w · a.
    /// </summary>
    /// <param name="yours">The student's function (w, a) → Σₖ wₖ aₖ.</param>
    public static void WeightedSum(Func<Vector<double>, Vector<double>, double> yours)
    {
        ArgumentNullException.ThrowIfNull(yours);
        yours = UnchangedArguments.Guard(yours, "myWeightedSum", "w", "a");
        var w = NeuronChecks.V.DenseOfArray([1.0, 2, 3]);
        var a = NeuronChecks.V.DenseOfArray([1.0, 10, 100]);
        if (!NeuronChecks.TryRun("myWeightedSum runs on w = (1, 2, 3), a = (1, 10, 100)", () => yours(w, a),
                "Is a loop bound fixed at 784? Loop k from 0 while k < w.Count, so the function fits vectors of any length.", out var small)) return;
        Mistake[] likely = NeuronChecks.SumMistakes(w, a);
        if (!Check.Equal("Σₖ wₖaₖ for w = (1, 2, 3), a = (1, 10, 100): 1·1 + 2·10 + 3·100 = 321", 321, small, NeuronChecks.Tolerance, likely)) return;

        var network = NeuronChecks.CourseNetwork();
        var digits = NeuronChecks.TestDigits();
        var X = digits.Images(0, 10);
        var A1 = network.Forward(X)[1].A;
        foreach (var (l, input) in new[] { (1, X), (2, A1) })
        {
            var W = network.W(l);
            var expected = W * input;
            string where = $"layer {l}'s 16 neurons on test digits 0–9 (a{Notation.Superscript(l - 1)} has {input.RowCount} entries)";
            if (!NeuronChecks.TryRun($"myWeightedSum runs for {where}",
                    () => NeuronChecks.M.Dense(W.RowCount, input.ColumnCount, (j, i) => yours(W.Row(j), input.Column(i))),
                    "Does it use the notebook's w or x instead of its parameters w and a?", out var mine)) return;
            var mistakes = NeuronChecks.SumMistakesOnRows(W, input);
            if (!NeuronChecks.Quietly($"myWeightedSum(row j of W{Notation.Superscript(l)}, a) for {where}", expected, mine, mistakes)) return;
        }
        Check.That("myWeightedSum(w, a) = w · a for every neuron of layers 1 and 2 on test digits 0–9 (320 sums, beside the 321 above)", true,
            $"e.g. neuron 0 of layer 1 on test digit 0: {NeuronChecks.Number(yours(network.W(1).Row(0), X.Column(0)))}");
    }

    /// <summary>
    /// Build it 2 (notebook 02): a layer's weighted sums W a, one per neuron (row j of W times a). Checked first on
    /// W = (1 2 3; 4 5 6) and a = (1, 10, 100), where W a = (321, 654), then on all three layers of the course's network,
    /// Wˡ aˡ⁻¹ for test digits 0–9, against the library's product. Names a transposed W, a sum down the wrong axis, a[j]
    /// where a[k] belongs, a loop that skips a term or a neuron, a running total across neurons, and a function that works
    /// for layer 1 only (a bound fixed at 784, or the notebook's W1 in place of its parameter W).
    /// </summary>
    /// <param name="yours">The student's function (W, a) → W a.</param>
    public static void WeightedSums(Func<Matrix<double>, Vector<double>, Vector<double>> yours)
    {
        ArgumentNullException.ThrowIfNull(yours);
        yours = UnchangedArguments.Guard(yours, "myWeightedSums", "W", "a");
        var W = NeuronChecks.M.DenseOfArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var a = NeuronChecks.V.DenseOfArray([1.0, 10, 100]);
        if (!NeuronChecks.TryRun("myWeightedSums runs on W = (1 2 3; 4 5 6), a = (1, 10, 100)", () => yours(W, a),
                "W is 2 × 3 here: loop j over W.RowCount (the neurons) and k over W.ColumnCount (the inputs), not up to a fixed 16 or 784, " +
                "and use the parameters W and a, not the notebook's W1 or x.",
                out var small)) return;
        if (!NeuronChecks.QuietlyVector("W a for W = (1 2 3; 4 5 6), a = (1, 10, 100): (1·1 + 2·10 + 3·100, 4·1 + 5·10 + 6·100) = (321, 654)",
                W * a, small, NeuronChecks.LayerSumMistakes(W, a))) return;
        NeuronChecks.OnEveryLayer("myWeightedSums", (Wl, al, _) => yours(Wl, al), (Wl, al, _) => Wl * al,
            (Wl, al, _) => NeuronChecks.LayerSumMistakes(Wl, al), "W");
    }

    /// <summary>
    /// Build it 3 (notebook 03): z = W a + b, a layer's weighted sums plus one bias per neuron. Checked first on
    /// W = (1 2 3; 4 5 6), a = (1, 10, 100), b = (0.5, −2), where z = (321.5, 652), then on all three layers of the course's
    /// network for test digits 0–9, against the library's forward pass. Names a forgotten or subtracted bias, a bias added
    /// once per input (inside the loop over k) or one bias for every neuron (a broadcast gone wrong), and on the square layer
    /// 2 a bias added to the input, W (a + b): the wrong axis.
    /// </summary>
    /// <param name="yours">The student's function (W, a, b) → W a + b.</param>
    public static void WeightedSumsPlusBiases(Func<Matrix<double>, Vector<double>, Vector<double>, Vector<double>> yours)
    {
        ArgumentNullException.ThrowIfNull(yours);
        yours = UnchangedArguments.Guard(yours, "myZ", "W", "a", "b");
        var W = NeuronChecks.M.DenseOfArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var a = NeuronChecks.V.DenseOfArray([1.0, 10, 100]);
        var b = NeuronChecks.V.DenseOfArray([0.5, -2]);
        if (!NeuronChecks.TryRun("myZ runs on W = (1 2 3; 4 5 6), a = (1, 10, 100), b = (0.5, −2)", () => yours(W, a, b),
                NeuronChecks.BiasShapeHint(W, a, b), out var small)) return;
        if (!NeuronChecks.QuietlyVector("z = W a + b for W = (1 2 3; 4 5 6), a = (1, 10, 100), b = (0.5, −2): (321 + 0.5, 654 − 2) = (321.5, 652)",
                W * a + b, small, NeuronChecks.BiasMistakes(W, a, b))) return;
        NeuronChecks.OnEveryLayer("myZ", yours, (Wl, al, bl) => Wl * al + bl, NeuronChecks.BiasMistakes, "z");
    }

    /// <summary>
    /// Build it 4 (notebook 04): σ(z) = 1 / (1 + e^(−z)). Checked on z = −10, −9.5, …, 10 against
    /// <see cref="Activation.Sigmoid"/>, then at z = ±40, ±710 and ±800, where e^800 overflows to ∞: σ must give 1 and 0 there,
    /// not NaN (e^z / (1 + e^z) is ∞/∞ = NaN at z = 800). Names the mirror image σ(−z) (a sign in the exponent),
    /// 1 / 1 + e^(−z) (operator precedence) and 1 / e^(−z) (the 1 + left out).
    /// </summary>
    /// <param name="yours">The student's σ.</param>
    public static void Sigmoid(Func<double, double> yours)
    {
        ArgumentNullException.ThrowIfNull(yours);
        if (!Check.YourOwn("mySigmoid", yours, LibraryCalls.Named(typeof(Activation), nameof(Activation.Apply), nameof(Activation.Derivative)))) return;
        NeuronChecks.OnGridAndFarOut("mySigmoid", yours, Activation.Sigmoid.Apply, grid =>
        [
            Mistake.Vector("the mirror image σ(−z)", "yours rises where σ falls: a sign slipped in the exponent, 1 / (1 + e^z), " +
                "or e^(−z) went on top, e^(−z) / (1 + e^(−z)) = 1 − σ(z). σ(z) = 1 / (1 + e^(−z)): for a large z, e^(−z) ≈ 0 and σ ≈ 1",
                () => grid.Map(z => 1 / (1 + Math.Exp(z)))),
            Mistake.Vector("operator precedence", "1 / 1 + Math.Exp(-z) divides first, giving 1 + e^(−z); the whole denominator needs " +
                "brackets: 1 / (1 + Math.Exp(-z))", () => grid.Map(z => 1 + Math.Exp(-z))),
            Mistake.Vector("the 1 + left out", "1 / e^(−z) is e^z, which grows without bound; the 1 + in 1 / (1 + e^(−z)) is what keeps σ " +
                "between 0 and 1", () => grid.Map(Math.Exp)),
            Mistake.Vector("e^z where e^(−z) belongs, and the 1 + left out", "1 / e^z is e^(−z); σ(z) = 1 / (1 + e^(−z))",
                () => grid.Map(z => Math.Exp(-z))),
        ],
            "e^z / (1 + e^z) or e^(−z) / (1 + e^(−z)) divide ∞ by ∞ there. 1 / (1 + e^(−z)) keeps the huge exponential alone in the " +
            "denominator: for z = −800 it gives 1 / ∞ = 0, for z = 800 it gives 1 / (1 + 0) = 1. " +
            "(Math.Exp overflows to ∞ above z ≈ 709.8: the largest double is about 1.8 · 10³⁰⁸.)",
            "σ", () => $"σ(0) = {NeuronChecks.Number(yours(0))}, σ(−800) = {NeuronChecks.Number(yours(-800))}, σ(800) = {NeuronChecks.Number(yours(800))}");
    }

    /// <summary>
    /// Build it 5 (notebook 04): σ′(z) = σ(z) (1 − σ(z)), computed from σ. Checked on z = −10, −9.5, …, 10 against
    /// <see cref="Activation.Derivative(double)"/> of the sigmoid, then at z = ±40, ±710 and ±800 without NaN (the first fraction
    /// of the derivation, e^(−z) / (1 + e^(−z))², is ∞/∞ at z = −800). Names σ′ = σ, the formula a (1 − a) applied to z instead
    /// of to a = σ(z), σ′ taken at σ(z), and a factor left out.
    /// </summary>
    /// <param name="yours">The student's σ′.</param>
    public static void SigmoidPrime(Func<double, double> yours)
    {
        ArgumentNullException.ThrowIfNull(yours);
        if (!Check.YourOwn("mySigmoidPrime", yours, LibraryCalls.Named(typeof(Activation), nameof(Activation.Derivative), nameof(Activation.Jacobian), nameof(Activation.Backpropagate)))) return;
        var sigma = Activation.Sigmoid;
        NeuronChecks.OnGridAndFarOut("mySigmoidPrime", yours, sigma.Derivative, grid =>
        [
            Mistake.Vector("σ′ = σ", "yours returns σ(z) itself; the slope of σ is σ(z)(1 − σ(z)), at most ¼ (at z = 0), " +
                "while σ climbs to 1", () => grid.Map(sigma.Apply)),
            Mistake.Vector("σ′ applied to z instead of to a = σ(z)", "z(1 − z) is the formula a(1 − a) with z put in for a: " +
                "a = σ(z) first, then σ′(z) = a(1 − a)", () => grid.Map(z => z * (1 - z))),
            Mistake.Vector("σ′ taken at σ(z)", "yours is σ(a)(1 − σ(a)) with a = σ(z): σ applied twice. Once a = σ(z) is known, " +
                "σ′(z) = a(1 − a), with no second σ", () => grid.Map(z => sigma.Derivative(sigma.Apply(z)))),
            Mistake.Vector("a factor left out: 1 − σ(z)", "σ′(z) is the product σ(z) · (1 − σ(z)); yours is the second factor alone",
                () => grid.Map(z => 1 - sigma.Apply(z))),
            Mistake.Vector("a factor left out: σ(z)²", "σ′(z) = σ(z)(1 − σ(z)) = σ(z) − σ(z)²; yours is σ(z)², a minus sign and the σ(z) " +
                "term lost", () => grid.Map(z => sigma.Apply(z) * sigma.Apply(z))),
        ],
            "The first fraction of the derivation, e^(−z) / (1 + e^(−z))², is ∞/∞ at z = −800 (and e^z / (1 + e^z)² at z = 800). " +
            "σ(z)(1 − σ(z)) needs only σ(z), which stays between 0 and 1 for every z: compute σ′ from σ.",
            "σ′", () => $"σ′(0) = {NeuronChecks.Number(yours(0))} (the maximum, ¼), σ′(10) = {NeuronChecks.Number(yours(10))}, σ′(800) = {NeuronChecks.Number(yours(800))}");
    }

    /// <summary>
    /// The library's forward pass in the shape the build-it of notebook 05 asks for: (zˡ, aˡ) for l = 1…L, layer l at index
    /// l − 1, with zˡ = Wˡ aˡ⁻¹ + bˡ and aˡ = σ(zˡ) from <see cref="Network.Forward(Vector{double})"/>.
    /// </summary>
    /// <param name="network">The network.</param>
    /// <param name="x">The input a⁰.</param>
    /// <returns>Every layer's (Z, A).</returns>
    public static IReadOnlyList<(Vector<double> Z, Vector<double> A)> ForwardLayers(Network network, Vector<double> x)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.Forward(x).Layers.Select(layer => (layer.Z.Column(0), layer.A.Column(0))).ToArray();
    }

    /// <summary>
    /// Build it 6 (notebook 05): the whole forward pass, zˡ = Wˡ aˡ⁻¹ + bˡ and aˡ = σ(zˡ) for l = 1…L from a⁰ = x, for any list of
    /// layers. Checked against <see cref="Network.Forward(Matrix{double})"/> on test digits 0–99, every zˡ and aˡ, for the course's
    /// 784-16-16-10 and for 784-30-10 and 784-20-16-12-10. Names a list that starts with the input or stops a layer early, σ
    /// missing on a layer (or applied twice), a forgotten bias, the bias of the neighbouring layer (the 0-based
    /// <c>Biases[l]</c> beside the 1-based <c>W(l)</c>), and, on a network whose layers are all square, Wᵀ where W belongs and
    /// the input x fed to every layer.
    /// </summary>
    /// <param name="yours">The student's function (network, x) → [(z¹, a¹), …, (zᴸ, aᴸ)].</param>
    public static void ForwardPass(Func<Network, Vector<double>, IReadOnlyList<(Vector<double> Z, Vector<double> A)>> yours)
    {
        ArgumentNullException.ThrowIfNull(yours);
        if (!Check.YourOwn("myForward", yours, LibraryCalls.Named(typeof(Network), nameof(Network.Forward), nameof(Network.Output), nameof(Network.Predict)))) return;
        yours = UnchangedArguments.Guard(yours, "myForward", "network", "x");
        var digits = NeuronChecks.TestDigits();
        var X = digits.Images(0, 100);
        foreach (var (sizes, seed) in new (int[], int)[] { ([784, 16, 16, 10], 1), ([784, 30, 10], 2), ([784, 20, 16, 12, 10], 3) })
        {
            var network = Network.Create(sizes, seed);
            if (!NeuronChecks.ForwardOn(yours, network, X, $"test digits 0–99", probeSquare: seed == 1)) return;
        }
        Check.That("myForward = Forward for 784-16-16-10, 784-30-10 and 784-20-16-12-10 on test digits 0–99: every zˡ and aˡ", true,
            $"{3 * X.ColumnCount} passes, 18 matrices compared within {NeuronChecks.Tolerance.ToString("g3", CultureInfo.InvariantCulture)}");
    }

    /// <summary>
    /// Exercise 3 of notebook 02: weights that detect the top bar of a 7. The detector fires when its weighted sum is above 0;
    /// it must fire for at least 90 % of the test set's sevens and for at most 10 % of its ones. Ink alone cannot pass: sevens
    /// have more ink than ones, so all-ones weights fire for every 7 and every 1, and so do weights that are positive on the top
    /// rows (a 1 has ink there too). When the weights are never negative the message says so.
    /// </summary>
    /// <param name="yours">784 weights, one per pixel (k = 28 r + c).</param>
    public static void TopBarOfASeven(Vector<double> yours)
    {
        ArgumentNullException.ThrowIfNull(yours);
        if (!Check.Equal("topBar has one weight per pixel", 784, yours.Count)) return;
        var digits = NeuronChecks.TestDigits();
        var sevens = Enumerable.Range(0, digits.Count).Where(i => digits.Label(i) == 7).ToArray();
        var ones = Enumerable.Range(0, digits.Count).Where(i => digits.Label(i) == 1).ToArray();
        double Score(int i) => yours * digits.Image(i);
        int sevensFired = sevens.Count(i => Score(i) > 0), onesFired = ones.Count(i => Score(i) > 0);
        string counts = $"it fires for {sevensFired:N0} of {sevens.Length:N0} sevens ({(double)sevensFired / sevens.Length:P1}) " +
                        $"and {onesFired:N0} of {ones.Length:N0} ones ({(double)onesFired / ones.Length:P1})";
        bool enoughSevens = sevensFired >= 0.9 * sevens.Length, fewOnes = onesFired <= 0.1 * ones.Length;
        if (enoughSevens && fewOnes)
        {
            Check.That("topBar fires (weighted sum > 0) for at least 90 % of the test sevens and at most 10 % of the test ones", true, counts);
            return;
        }
        double sevenInk = sevens.Average(i => digits.Image(i).Sum()), oneInk = ones.Average(i => digits.Image(i).Sum());
        string why = !enoughSevens && yours.All(v => v <= 0)
            ? "None of your weights is positive, so no weighted sum can rise above 0: give positive weights where a 7 has ink " +
              "and a 1 has none (the left half of the bar)."
            : fewOnes
            ? "It misses too many sevens: its negative weights outweigh the bar on many of them. Make them smaller, or move them off " +
              "the places where a 7 has ink (its stroke runs from the right end of the bar down to the bottom centre)."
            : yours.All(v => v >= 0)
                ? $"Your weights are never negative, so every 1 with any ink on your positive weights scores above 0; and sevens win " +
                  $"averages only because they have more ink ({sevenInk:0.0} against {oneInk:0.0} on average). A detector must also say " +
                  "what it does not want: put positive weights where a 7 has ink and a 1 has none (the left half of the bar), and " +
                  "negative ones where a 1 has ink and a 7 has none."
                : "Too many ones score above 0: some of your positive weights sit where ones have ink (the middle columns, " +
                  "12–16, or the left side, where slanted ones lean). Move them to where only sevens have ink, or add negative " +
                  "weights where the ones are.";
        Check.That("topBar fires (weighted sum > 0) for at least 90 % of the test sevens and at most 10 % of the test ones", false, $"{counts}. {why}");
    }
}

/// <summary>The plumbing of the checks of notebooks 01–05: data, small cases, quiet comparisons, likely mistakes.</summary>
internal static class NeuronChecks
{
    /// <summary>Builds matrices.</summary>
    public static readonly MatrixBuilder<double> M = Matrix<double>.Build;

    /// <summary>Builds vectors.</summary>
    public static readonly VectorBuilder<double> V = Vector<double>.Build;

    /// <summary>The largest difference of an entry that still counts as right.</summary>
    public const double Tolerance = 1e-9;

    /// <summary>z = −10, −9.5, …, 10.</summary>
    public static Vector<double> Grid => V.Dense(41, i => -10 + 0.5 * i);

    /// <summary>The course's untrained network, the one notebooks 01–05 build.</summary>
    public static Network CourseNetwork() => Network.Create([784, 16, 16, 10], seed: 1);

    /// <summary>The 10,000 MNIST test digits (loaded once per process).</summary>
    public static DataSet TestDigits() => Mnist.LoadTest();

    /// <summary>A number as the checks print it.</summary>
    public static string Number(double x) => x.ToString("g6", CultureInfo.InvariantCulture);

    /// <summary>Runs the student's code; an exception becomes a ✗ that says on what it ran, what it threw, and a hint.</summary>
    public static bool TryRun<T>(string what, Func<T> call, string hint, out T result)
    {
        try
        {
            result = call();
            return true;
        }
        catch (CheckFailedException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            result = default!;
            string more = e is NullReferenceException
                ? " Something your function uses is still null: an answer of an earlier step that you have not written yet?"
                : "";
            Check.That(what, false, $"your function threw {e.GetType().Name}: {e.Message}{Diagnosis.Where(e)}{more}{(hint.Length == 0 ? "" : " " + hint)}");
            return false;
        }
    }

    /// <summary>Silent when <paramref name="actual"/> matches; otherwise the ✗ of <see cref="Check.Equal(string, Matrix{double}, Matrix{double}, double, Mistake[])"/>.</summary>
    public static bool Quietly(string what, Matrix<double> expected, Matrix<double> actual, Mistake[] likely)
    {
        if (Agrees(expected, actual)) return true;
        Check.Equal(what, expected, actual, Tolerance, likely);
        return false;
    }

    /// <summary>Silent when <paramref name="actual"/> matches; otherwise the ✗ of <see cref="Check.Equal(string, Vector{double}, Vector{double}, double, Mistake[])"/>.</summary>
    public static bool Quietly(string what, Vector<double> expected, Vector<double> actual, Mistake[] likely)
    {
        if (Agrees(expected.ToColumnMatrix(), actual.ToColumnMatrix())) return true;
        Check.Equal(what, expected, actual, Tolerance, likely);
        return false;
    }

    /// <summary>A vector: ✓ when it matches, else the ✗ that names the likely mistake.</summary>
    public static bool QuietlyVector(string what, Vector<double> expected, Vector<double>? actual, Mistake[] likely) =>
        Check.Equal(what, expected, actual, Tolerance, likely);

    /// <summary>Same shape and every entry within the tolerance (NaN never agrees).</summary>
    public static bool Agrees(Matrix<double> expected, Matrix<double> actual)
    {
        if (expected.RowCount != actual.RowCount || expected.ColumnCount != actual.ColumnCount) return false;
        for (int i = 0; i < expected.RowCount; i++)
            for (int j = 0; j < expected.ColumnCount; j++)
                if (!(expected[i, j].Equals(actual[i, j]) || Math.Abs(actual[i, j] - expected[i, j]) <= Tolerance)) return false;
        return true;
    }

    /// <summary>The student's vectors side by side, one column each; a ✗ when one is null or their lengths differ.</summary>
    public static Matrix<double>? Columns(string what, IReadOnlyList<Vector<double>?> vectors)
    {
        if (vectors.Any(v => v is null)) return Fail(what, "your function returned null instead of a vector");
        var lengths = vectors.Select(v => v!.Count).Distinct().ToArray();
        if (lengths.Length != 1) return Fail(what, $"your function returned vectors of different lengths ({string.Join(", ", lengths)}) for inputs of the same length");
        return M.DenseOfColumnVectors(vectors!);
    }

    private static Matrix<double>? Fail(string what, string detail)
    {
        Check.That(what, false, detail);
        return null;
    }

    /// <summary>A skipped, dropped or kept term of Σₖ wₖaₖ, and w + a in place of w · a: name, explanation, what it gives.</summary>
    public static readonly (string Name, string Explanation, Func<Vector<double>, Vector<double>, double> Sum)[] SumMistakeFormulas =
    [
        ("a loop that skips k = 0", "the first term w₀a₀ is missing: start the loop at k = 0 (C# counts from 0)",
            (w, a) => w * a - w[0] * a[0]),
        ("a loop that stops one term early", "the last term is missing: the loop must run while k < w.Count, up to k = w.Count − 1",
            (w, a) => w * a - w[^1] * a[^1]),
        ("= where += belongs", "only the last term w[k]·a[k] survives: each pass of the loop must add to the sum (sum += …), not replace it",
            (w, a) => w[^1] * a[^1]),
        ("w + a in place of w · a", "yours adds each weight to its activation; the weighted sum multiplies them, Σₖ wₖ · aₖ",
            (w, a) => w.Sum() + a.Sum()),
    ];

    /// <summary>The mistakes of <see cref="SumMistakeFormulas"/> on one (w, a).</summary>
    public static Mistake[] SumMistakes(Vector<double> w, Vector<double> a) =>
        SumMistakeFormulas.Select(f => Mistake.Number(f.Name, f.Explanation, () => f.Sum(w, a))).ToArray();

    /// <summary>The mistakes of <see cref="SumMistakeFormulas"/> for every row of W (a neuron) and column of the input (a digit).</summary>
    public static Mistake[] SumMistakesOnRows(Matrix<double> W, Matrix<double> input) =>
        SumMistakeFormulas.Select(f => new Mistake(f.Name, f.Explanation,
            () => M.Dense(W.RowCount, input.ColumnCount, (j, i) => f.Sum(W.Row(j), input.Column(i))))).ToArray();

    /// <summary>What a layer's W a gives with each mistake students make in it.</summary>
    public static Mistake[] LayerSumMistakes(Matrix<double> W, Vector<double> a) =>
    [
        Mistake.Vector("W transposed: one sum per column", $"yours has one entry per column of W ({W.ColumnCount}), not one per row " +
            $"({W.RowCount}). Row j of W holds neuron j's weights, so neuron j's sum runs along row j: sums[j] = Σₖ W[j, k]·a[k], " +
            "for j < W.RowCount and k < W.ColumnCount",
            // Only where the shape gives it away; on a square W this is "W where Wᵀ belongs" below (an ArgumentException
            // tells the check to pass over a mistake).
            () => W.RowCount == W.ColumnCount ? throw new ArgumentException("square W")
                : V.Dense(W.ColumnCount, k => Enumerable.Range(0, W.RowCount).Sum(j => W[j, k] * a[j]))),
        Mistake.Vector("a sum down the columns", "yours sums each column of W times one activation, Σⱼ W[j, k]·a[k]; the sum runs " +
            "along a row instead, over k: sums[j] = Σₖ W[j, k]·a[k], one entry per neuron j",
            () => V.Dense(W.ColumnCount, k => W.Column(k).Sum() * a[k])),
        Mistake.Vector("a[j] where a[k] belongs", "each neuron's weights were all multiplied by one activation, a[j] (the neuron's own " +
            "number); the k-th weight multiplies the k-th activation: W[j, k]·a[k]",
            () => V.Dense(W.RowCount, j => W.Row(j).Sum() * a[j])),
        Mistake.Vector("W where Wᵀ belongs", "yours is Wᵀ a. Here W is square, so the shapes fit either way, but W[j, k] is the weight " +
            "neuron j puts on input k: sums[j] = Σₖ W[j, k]·a[k], along row j", () => W.Transpose() * a),
        Mistake.Vector("a loop over k that skips k = 0", "the first input's term W[j, 0]·a[0] is missing from every sum: start k at 0",
            () => W * a - W.Column(0) * a[0]),
        Mistake.Vector("a loop over k that stops one early", "the last input's term is missing from every sum: run k while k < W.ColumnCount",
            () => W * a - W.Column(W.ColumnCount - 1) * a[^1]),
        Mistake.Vector("a loop over the neurons that stops one early", "the last neuron's sum was never computed (it is still 0): run j while " +
            "j < W.RowCount", () => { var s = W * a; s[^1] = 0; return s; }),
        Mistake.Vector("a running total across neurons", "each sum carries on from the previous neuron's: start every neuron's sum at 0 " +
            "(declare it inside the loop over j)",
            () => { var s = W * a; for (int j = 1; j < s.Count; j++) s[j] += s[j - 1]; return s; }),
        Mistake.Vector("= where += belongs", "each sum kept only its last term W[j, k]·a[k]: add each term to the sum (+=)",
            () => W.Column(W.ColumnCount - 1) * a[^1]),
    ];

    /// <summary>What z = W a + b gives with each bias mistake students make (and the W a mistakes before it).</summary>
    public static Mistake[] BiasMistakes(Matrix<double> W, Vector<double> a, Vector<double> b) =>
    [
        Mistake.Vector("the bias forgotten", "yours is W a: add b, one bias per neuron, z = W a + b", () => W * a),
        Mistake.Vector("b subtracted", "yours is W a − b: the bias is added, z = W a + b (a neuron with a threshold t has b = −t, " +
            "and the minus sign is already inside b)", () => W * a - b),
        Mistake.Vector("the bias added once per input", $"yours adds bⱼ inside the loop over k, {W.ColumnCount} times (W a + " +
            $"{W.ColumnCount}·b): each neuron gets its bias once, after its sum: z[j] = Σₖ W[j, k]·a[k] + b[j]",
            () => W * a + W.ColumnCount * b),
        Mistake.Vector("one bias for every neuron", "yours adds b[0] to every neuron's sum; neuron j has its own bias b[j]: " +
            "z[j] = (W a)[j] + b[j]", () => W * a + b[0]),
        Mistake.Vector("all the biases added to every neuron", "yours adds Σⱼ b[j] to each sum; neuron j gets only its own b[j]",
            () => W * a + b.Sum()),
        Mistake.Vector("the bias added to the input (the wrong axis)", "yours is W (a + b): the bias was added to the activations " +
            "coming in (one per column of W) before the product. b belongs to the neurons of this layer (one per row of W), so it is " +
            "added after the product: z = W a + b. (This layer is square, so the shapes let it through)", () => W * (a + b)),
        .. LayerSumMistakes(W, a).Select(m => m with { WouldGive = () => m.WouldGive() + b.ToColumnMatrix() }),
    ];

    /// <summary>What to say when z = W a + b threw: the shapes, and where b goes.</summary>
    public static string BiasShapeHint(Matrix<double> W, Vector<double> a, Vector<double> b) =>
        $"Here W is {W.RowCount} × {W.ColumnCount}, a has {a.Count} entries and b has {b.Count}: b has one entry per neuron (per row " +
        $"of W), so it is added after the product, to W a ({W.RowCount} entries), never to a ({a.Count}).";

    /// <summary>
    /// Runs a layer function (W, a, b) on all three layers of the course's network for test digits 0–9, against the right one,
    /// silent layer by layer and one ✓ at the end; a ✗ names the layer, the likely mistake, and (when it threw on layer 2 or 3
    /// after layer 1 worked) what only works for layer 1.
    /// </summary>
    public static bool OnEveryLayer(string name, Func<Matrix<double>, Vector<double>, Vector<double>, Vector<double>> yours,
        Func<Matrix<double>, Vector<double>, Vector<double>, Vector<double>> right,
        Func<Matrix<double>, Vector<double>, Vector<double>, Mistake[]> mistakes, string symbol)
    {
        var network = CourseNetwork();
        var digits = TestDigits();
        var pass = network.Forward(digits.Images(0, 10));
        double worst = 0;
        for (int l = 1; l <= network.LayerCount; l++)
        {
            var (W, b, input) = (network.W(l), network.b(l), pass.ActivationsOf(l - 1));
            string sup = Notation.Superscript(l), before = Notation.Superscript(l - 1);
            string shapes = $"W{sup} ({W.RowCount} × {W.ColumnCount}), a{before} ({input.RowCount} entries)" + (symbol == "z" ? $", b{sup}" : "");
            string hint = l == 1
                ? (symbol == "z" ? BiasShapeHint(W, input.Column(0), b) : "")
                : $"It worked on layer 1: is a loop bound fixed at 784 or 16, or does it use the notebook's W1 or x instead of its parameters? " +
                  $"W{sup} is {W.RowCount} × {W.ColumnCount}: use W.RowCount and W.ColumnCount.";
            if (!TryRun($"{name} runs on {shapes}", () => Enumerable.Range(0, input.ColumnCount).Select(i => yours(W, input.Column(i), b)).ToArray(),
                    hint, out Vector<double>?[] vectors)) return false;
            string what = $"{name}(W{sup}, a{before}{(symbol == "z" ? $", b{sup}" : "")}) for test digits 0–9, one column per digit";
            if (Columns(what, vectors) is not { } mine) return false;
            var expected = Matrix<double>.Build.DenseOfColumnVectors(Enumerable.Range(0, input.ColumnCount).Select(i => right(W, input.Column(i), b)));
            if (mine.ColumnCount > 1 && Agrees(M.DenseOfColumnVectors(Enumerable.Repeat(mine.Column(0), mine.ColumnCount)), mine) && !Agrees(expected, mine))
            {
                Check.That($"{what}: different digits give different sums", false,
                    "yours gives the same vector for every digit: does your function use the notebook's x (or another fixed input) " +
                    "instead of its parameter a?");
                return false;
            }
            var likely = PerColumn(input, i => mistakes(W, input.Column(i), b));
            if (!Quietly(what, expected, mine, likely)) return false;
            worst = Math.Max(worst, (expected - mine).Enumerate().Select(Math.Abs).Max());
        }
        return Check.That($"{name} = {(symbol == "z" ? "Wˡ aˡ⁻¹ + bˡ" : "Wˡ aˡ⁻¹")} on all three layers of 784-16-16-10, test digits 0–9", true,
            $"max |difference| {worst.ToString("g3", CultureInfo.InvariantCulture)} within {Tolerance.ToString("g3", CultureInfo.InvariantCulture)}");
    }

    /// <summary>Mistakes made on each example (column) at once: the i-th mistake of every column, side by side.</summary>
    private static Mistake[] PerColumn(Matrix<double> input, Func<int, Mistake[]> mistakesOf)
    {
        var first = mistakesOf(0);
        return first.Select((m, n) => new Mistake(m.Name, m.Explanation,
            () => M.DenseOfColumnVectors(Enumerable.Range(0, input.ColumnCount).Select(i => mistakesOf(i)[n].WouldGive().Column(0))))).ToArray();
    }

    /// <summary>
    /// A function of one number z checked on z = −10, −9.5, …, 10 (silent when right, the likely mistake when wrong), then far
    /// out at z = ±40, ±710, ±800 (<see cref="Extremes"/>), then one ✓ that says what it matched.
    /// </summary>
    public static void OnGridAndFarOut(string name, Func<double, double> yours, Func<double, double> right,
        Func<Vector<double>, Mistake[]> likely, string whyNaN, string symbol, Func<string> detail)
    {
        var grid = Grid;
        if (!TryRun($"{name} runs on z = −10 … 10", () => grid.Map(yours), "", out var mine)) return;
        if (!Quietly($"{name}(z) for z = −10, −9.5, …, 10 (entry [i] is z = −10 + i/2)", grid.Map(right), mine, likely(grid))) return;
        if (!Extremes(name, yours, right, whyNaN)) return;
        Check.That($"{name} = {symbol} on z ∈ [−10, 10] and at z = ±40, ±710, ±800, with no NaN", true, detail());
    }

    /// <summary>z = ±40, ±710, ±800: no NaN, no ∞, and the library's value.</summary>
    public static bool Extremes(string name, Func<double, double> yours, Func<double, double> right, string whyNaN)
    {
        foreach (var z in new[] { -40.0, 40, -710, 710, -800, 800 })
        {
            if (!TryRun($"{name}({Number(z)})", () => yours(z), "", out var value)) return false;
            if (!double.IsFinite(value))
            {
                Check.That($"{name}({Number(z)}) is a number", false,
                    $"yours gave {Number(value)}: e^{Number(Math.Abs(z))} is too large for a double and becomes ∞. {whyNaN}");
                return false;
            }
            if (Math.Abs(value - right(z)) > 1e-12 && !Check.Equal($"{name}({Number(z)})", right(z), value, 1e-12)) return false;
        }
        return true;
    }

    /// <summary>
    /// The student's forward pass on one network and a batch of digits, layer by layer against the library: the list's length,
    /// then zˡ and aˡ of every layer with the mistakes they match. When it throws on the course's network, it is tried on a
    /// network whose layers are all square, where Wᵀ and x fit, to name those mistakes.
    /// </summary>
    public static bool ForwardOn(Func<Network, Vector<double>, IReadOnlyList<(Vector<double> Z, Vector<double> A)>> yours,
        Network network, Matrix<double> X, string digits, bool probeSquare)
    {
        int L = network.LayerCount;
        string on = $"{network.Shape} on {digits}";
        var outputs = new IReadOnlyList<(Vector<double> Z, Vector<double> A)>[X.ColumnCount];
        for (int i = 0; i < X.ColumnCount; i++)
        {
            try
            {
                outputs[i] = yours(network, X.Column(i));
            }
            catch (CheckFailedException)
            {
                throw;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                string found = probeSquare ? ProbeSquare(yours, network, X) : "";
                Check.That($"myForward runs on {network.Shape}", false,
                    ($"your function threw {e.GetType().Name}: {e.Message}{Diagnosis.Where(e)} " + (found.Length > 0 ? found : ForwardHint(e))).TrimEnd());
                return false;
            }
        }
        var pass = network.Forward(X);
        var first = outputs[0];
        if (first is null)
        {
            Check.That($"myForward returns a list on {on}", false, "your function returned null: return the list of (z, a), one per layer");
            return false;
        }
        if (first.Count != L)
        {
            string detail = first.Count == L + 1 && first[0].A is { } a0 && a0.Count == X.RowCount
                ? $"yours has {first.Count} entries, the first of {a0.Count} numbers: the input a⁰. The list holds the layers that compute, " +
                  $"1 … L, so layer l sits at index l − 1 (as pass[l] is layer l and Layers[l − 1] its record); leave a⁰ = x out"
                : first.Count == L - 1
                    ? $"yours has {first.Count} entries for {L} layers: the loop stopped a layer early. With layers numbered from 1, it runs " +
                      $"l = 1 … L: for (int l = 1; l <= network.LayerCount; l++)"
                    : $"yours has {first.Count} entries; {network.Shape} has {L} layers after the input, and the list holds one (z, a) per layer";
            Check.That($"myForward on {network.Shape} returns one (zˡ, aˡ) per layer", false, detail);
            return false;
        }
        if (outputs.Any(o => o is null || o.Count != L))
        {
            Check.That($"myForward returns {L} layers for every digit of {digits}", false, "for some digits your list has another length");
            return false;
        }
        for (int l = 1; l <= L; l++)
        {
            var layer = pass[l];
            string sup = Notation.Superscript(l);
            int n = l;
            if (Columns($"z{sup} of {on}", outputs.Select(o => (Vector<double>?)o[n - 1].Z).ToArray()) is not { } Z) return false;
            if (!Quietly($"z{sup} on {on} (layer {l} at index {l - 1} of your list; one column per digit)", layer.Z, Z, ZMistakes(network, pass, l))) return false;
            if (Columns($"a{sup} of {on}", outputs.Select(o => (Vector<double>?)o[n - 1].A).ToArray()) is not { } A) return false;
            if (!Quietly($"a{sup} on {on} (layer {l} at index {l - 1} of your list; one column per digit)", layer.A, A, AMistakes(layer, l))) return false;
        }
        return true;
    }

    /// <summary>What an exception from a forward pass most likely means, by its kind.</summary>
    private static string ForwardHint(Exception e) => e switch
    {
        NullReferenceException => "Something your function uses is still null: an answer of an earlier step that you have not written yet?",
        IndexOutOfRangeException or ArgumentOutOfRangeException =>
            "An index ran past the end: network.Weights and network.Biases are lists that count from 0 (Biases[l] is bˡ⁺¹, and " +
            "Biases[L] does not exist), while network.W(l) and network.b(l) count from 1, as the maths does; layers with weights are " +
            "l = 1 … L (network.LayerCount), and W(0) does not exist.",
        ArgumentException =>
            "The shapes do not fit: Wˡ is nˡ × nˡ⁻¹, so Wˡ aˡ⁻¹ needs aˡ⁻¹ with nˡ⁻¹ entries, the previous layer's output, and bˡ has " +
            "nˡ entries. Is there a Transpose() that does not belong, the input x where aˡ⁻¹ belongs, or the W or b of another layer " +
            "(network.Biases[l] is bˡ⁺¹: that list counts from 0)?",
        _ => "",
    };

    private static Mistake[] ZMistakes(Network network, ForwardPass pass, int l)
    {
        var layer = pass[l];
        var input = layer.Input;
        Matrix<double> Plus(Matrix<double> m, Vector<double> b) => M.DenseOfColumnVectors(m.EnumerateColumns().Select(c => c + b));
        string sup = Notation.Superscript(l);
        var mistakes = new List<Mistake>
        {
            new("the bias forgotten", $"yours is W{sup} a{Notation.Superscript(l - 1)}: add b{sup}, z{sup} = W{sup} a{Notation.Superscript(l - 1)} + b{sup}",
                () => layer.W * input),
        };
        if (l < network.LayerCount)
            mistakes.Add(new("the bias of the next layer", $"yours adds b{Notation.Superscript(l + 1)} to layer {l}: network.Biases[l] is " +
                $"b{Notation.Superscript(l + 1)}, because the lists Weights and Biases count from 0 while W(l) and b(l) count from 1 as the " +
                "maths does. Use network.b(l) with network.W(l)", () => Plus(layer.W * input, network.b(l + 1))));
        if (l > 1)
            mistakes.Add(new("the bias of the previous layer", $"yours adds b{Notation.Superscript(l - 1)} to layer {l}: use the bias of the " +
                $"same layer as the weights, network.b(l) with network.W(l)", () => Plus(layer.W * input, network.b(l - 1))));
        mistakes.Add(new("Wᵀ where W belongs", $"yours is (W{sup})ᵀ a + b{sup}. These layers are square, so the shapes fit either way; but row j " +
            $"of W{sup} holds neuron j's weights, so z{sup} = W{sup} a{Notation.Superscript(l - 1)} + b{sup}, with no Transpose()",
            () => Plus(layer.W.Transpose() * input, layer.b)));
        if (l > 1)
            mistakes.Add(new("the input x fed to every layer", $"yours is W{sup} x + b{sup}: each layer reads the previous layer's output, " +
                $"a{Notation.Superscript(l - 1)}, so keep the activations of one layer to feed the next (a = σ(z), then the next z from that a)",
                () => Plus(layer.W * pass.Input, layer.b)));
        mistakes.Add(new("b subtracted", $"yours is W{sup} a − b{sup}: the bias is added", () => Plus(layer.W * input, -layer.b)));
        return mistakes.ToArray();
    }

    private static Mistake[] AMistakes(LayerForward layer, int l)
    {
        string sup = Notation.Superscript(l);
        return
        [
            new($"σ missing on layer {l}", $"yours is a{sup} = z{sup}: apply σ to every entry, a{sup} = σ(z{sup}) (z.Map(σ))", () => layer.Z),
            new($"σ applied twice on layer {l}", $"yours is σ(σ(z{sup})): σ once per layer", () => layer.Activation.Apply(layer.A)),
            new($"σ′ where σ belongs on layer {l}", $"yours is σ′(z{sup}), the slope; the activation is a{sup} = σ(z{sup})",
                () => layer.Activation.Derivative(layer.Z)),
        ];
    }

    private static Matrix<double>? WouldGiveOrNull(Mistake mistake)
    {
        try { return mistake.WouldGive(); }
        catch (ArgumentException) { return null; }
    }

    /// <summary>The forward pass tried on a network of four layers of 16 (every W square) fed with the course network's a¹ of the
    /// same digits: if it runs there and matches a named mistake, that mistake in words; else "".</summary>
    private static string ProbeSquare(Func<Network, Vector<double>, IReadOnlyList<(Vector<double> Z, Vector<double> A)>> yours,
        Network course, Matrix<double> X)
    {
        var square = Network.Create([16, 16, 16, 16], seed: 4);
        var inputs = course.Forward(X)[1].A;
        var pass = square.Forward(inputs);
        IReadOnlyList<(Vector<double> Z, Vector<double> A)>[] outputs;
        try
        {
            outputs = Enumerable.Range(0, inputs.ColumnCount).Select(i => yours(square, inputs.Column(i))).ToArray();
        }
        catch (Exception e) when (e is not OutOfMemoryException and not CheckFailedException)
        {
            return "";
        }
        if (outputs.Any(o => o is null || o.Count != square.LayerCount)) return "";
        for (int l = 1; l <= square.LayerCount; l++)
        {
            int n = l;
            var Z = M.DenseOfColumnVectors(outputs.Select(o => o[n - 1].Z));
            if (Agrees(pass[l].Z, Z)) continue;
            foreach (var mistake in ZMistakes(square, pass, l))
                if (WouldGiveOrNull(mistake) is { } wrong && Agrees(wrong, Z))
                    return $"On a network whose layers all have 16 neurons (every W square, so the shapes fit) it runs, and layer {l} " +
                           $"shows {mistake.Name}: {mistake.Explanation}.";
            return "";
        }
        return "";
    }
}
