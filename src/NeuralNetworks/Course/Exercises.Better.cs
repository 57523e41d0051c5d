using System.Buffers.Binary;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Model;
using NeuralNetworks.Training;

namespace NeuralNetworks.Course;

/// <summary>
/// The build-it-yourself checks of notebooks 10–12. Each runs the student's function on the course's own cases, compares
/// it with the library (<see cref="Check.Equal(string, Vector{double}, Vector{double}, double, Mistake[])"/>) and, when it
/// is wrong, names the likely mistake with the numbers that show it. A notebook's check cell reads
/// <c>Check.Answer("Build it 1 · softmax (mySoftmax)", mySoftmax, Exercises.Softmax);</c>.
/// </summary>
public static partial class Exercises
{
    // ───────────────────────────── 10 · the number of parameters ─────────────────────────────

    /// <summary>The shapes a parameter count is checked on: the course's network, a network without a hidden layer,
    /// Nielsen's 784-30-10, a network on 20×20 images, a tiny one and a deeper one.</summary>
    internal static IReadOnlyList<int[]> ParameterShapes { get; } =
        [[784, 16, 16, 10], [784, 10], [784, 30, 10], [400, 30, 10], [2, 2, 1], [784, 100, 50, 10]];

    /// <summary>
    /// Checks a parameter count, Σₗ₌₁ᴸ (nˡ nˡ⁻¹ + nˡ): the nˡ × nˡ⁻¹ weights and nˡ biases of every layer after the input,
    /// against <see cref="Network.ParameterCount"/> on the shapes 784-16-16-10, 784-10, 784-30-10, 400-30-10, 2-2-1 and
    /// 784-100-50-10. Named mistakes: the biases left out, biases given to the input layer, the first or the last layer
    /// left out of the sum.
    /// </summary>
    /// <param name="yours">The student's count: layer sizes (input first) → number of weights and biases.</param>
    public static void ParameterCount(Func<int[], int> yours)
    {
        ArgumentNullException.ThrowIfNull(yours);
        if (!Check.YourOwn("myParameterCount", yours, LibraryCalls.Named(typeof(Network), "get_" + nameof(Network.ParameterCount), "get_" + nameof(Network.WeightCount), "get_" + nameof(Network.BiasCount)))) return;
        var shapes = ParameterShapes;
        double Sum(int[] s, int from, int to, bool biases) =>
            Enumerable.Range(from, Math.Max(0, to - from + 1)).Sum(l => (double)s[l] * s[l - 1] + (biases ? s[l] : 0));
        Vector<double> Over(Func<int[], double> count) => Vector<double>.Build.DenseOfEnumerable(shapes.Select(count));
        var expected = Over(s => Network.Create(s).ParameterCount);
        var actual = Over(s => yours(s.ToArray()));
        Check.Equal($"parameters of {string.Join(", ", shapes.Select(s => string.Join("-", s)))}", expected, actual, 0,
            Mistake.Vector("the biases left out",
                "Σ nˡ nˡ⁻¹ counts only the weights; every neuron after the input also has a bias, nˡ more per layer",
                () => Over(s => Sum(s, 1, s.Length - 1, biases: false))),
            Mistake.Vector("biases given to the input layer",
                "the n⁰ inputs are pixels, not neurons: they have no bias, so the sum of biases starts at layer 1",
                () => Over(s => Sum(s, 1, s.Length - 1, biases: true) + s[0])),
            Mistake.Vector("the last layer left out",
                "the loop stopped one layer early: l runs from 1 to L, and layer L (the output) has weights and biases too",
                () => Over(s => Sum(s, 1, s.Length - 2, biases: true))),
            Mistake.Vector("the first layer left out",
                "the loop started at l = 2: layer 1 (n¹ × n⁰ weights, the largest part) belongs in the sum",
                () => Over(s => Sum(s, 2, s.Length - 1, biases: true))));
    }

    // ───────────────────────────── 11 · softmax ─────────────────────────────

    /// <summary>Eight output vectors z of ten entries each (one per column), spread like a network's weighted sums, and
    /// none with Σzₖ near 0, so every likely mistake gives finite numbers to compare.</summary>
    internal static Matrix<double> SoftmaxCases { get; } = Matrix<double>.Build.Dense(10, 8, (j, c) =>
        1.5 + 0.5 * c + 2.5 * Normal.Sample(new Random(1_000 + 10 * c + j), 0, 1));

    /// <summary>
    /// Checks a softmax, softmax(z)ⱼ = e^(zⱼ) / Σₖ e^(zₖ), against <see cref="Activation.Softmax"/> on eight output vectors,
    /// then on z = (1000, 999, …, 991) and z = (−1000, −1001, …, −1009), where e^1000 overflows to ∞ and e^−1000 underflows
    /// to 0. Named mistakes: σ applied to each entry, e^(−z), Σz in place of Σe^z, no division by the sum, no e^z at all;
    /// NaN at the edges (the largest zₖ not subtracted first).
    /// </summary>
    /// <param name="yours">The student's softmax: a vector z of any length → a vector of the same length.</param>
    public static void Softmax(Func<Vector<double>, Vector<double>> yours)
    {
        ArgumentNullException.ThrowIfNull(yours);
        if (!Check.YourOwn("mySoftmax", yours, LibraryCalls.Named(typeof(Activation), nameof(Activation.Apply)))) return;
        yours = UnchangedArguments.Guard(yours, "mySoftmax", "z");
        var Z = SoftmaxCases;
        var columns = Z.EnumerateColumns().Select(z => yours(z.Clone())).ToArray();
        foreach (var a in columns)
            if (a is null || a.Count != Z.RowCount)
            {
                Check.That("softmax(z) has one entry per entry of z", false,
                    a is null ? "yours returned null" : $"z has {Z.RowCount} entries, yours returned {a.Count}");
                return;
            }
        var actual = Matrix<double>.Build.DenseOfColumnVectors(columns);
        Matrix<double> Each(Func<Vector<double>, Vector<double>> f) => Matrix<double>.Build.DenseOfColumnVectors(Z.EnumerateColumns().Select(f));
        var sums = string.Join(", ", columns.Take(3).Select(a => Check.Small(a.Sum())));
        if (!Check.Equal("softmax of eight output vectors z (one per column)", Activation.Softmax.Apply(Z), actual, 1e-12,
                new Mistake("σ applied to each entry",
                    $"softmax is not ten separate sigmoids: it divides each e^(zⱼ) by the sum over all k, so its outputs add up to 1 (yours add up to {sums}, …)",
                    () => Activation.Sigmoid.Apply(Z)),
                new Mistake("e^(−zⱼ) in place of e^(zⱼ)",
                    "that is softmax(−z): it gives the largest probability to the smallest zⱼ",
                    () => Each(z => Activation.Softmax.Apply(-z))),
                new Mistake("Σₖ zₖ in place of Σₖ e^(zₖ)",
                    "the denominator is the sum of the exponentials, so that the outputs add up to 1",
                    () => Each(z => z.PointwiseExp() / z.Sum())),
                new Mistake("no division by the sum",
                    "e^(zⱼ − max z) alone is 1 for the largest zⱼ and less for the others; divide by Σₖ e^(zₖ − max z) so they add up to 1",
                    () => Each(z => (z - z.Maximum()).PointwiseExp())),
                new Mistake("zⱼ / Σₖ zₖ, without e^(·)",
                    "softmax exponentiates first: e^(zⱼ) is positive for any zⱼ, which makes every output a probability",
                    () => Each(z => z / z.Sum()))))
            return;
        const string overflow = "e^1000 overflows to ∞ and ∞/∞ is NaN, e^(−1000) underflows to 0 and 0/0 is NaN. Subtract the largest zₖ from every zⱼ " +
                                "first: softmax(z − c) = softmax(z) for any number c, and with c = max z the largest e^(·) is e⁰ = 1";
        foreach (var (what, z, why) in new[]
        {
            ("z = (1000, 999, …, 991)", Vector<double>.Build.Dense(10, j => 1000.0 - j), overflow),
            ("z = (−1000, −1001, …, −1009)", Vector<double>.Build.Dense(10, j => -1000.0 - j), overflow),
            // Entries far apart: only c = max z keeps every exponent at most 0 (the smallest, the mean or z₀ leave e^1000 or more).
            ("z = (0, 1000, −1000, …, −1000)", Vector<double>.Build.Dense(10, j => j switch { 0 => 0.0, 1 => 1000.0, _ => -1000.0 }),
                "your shift leaves an exponent far above 0 (e^1000 is ∞ in a double). Subtract the largest zₖ, max z: then every zⱼ − max z is at most 0, " +
                "so every e^(·) is at most 1 and the largest is exactly 1; the smallest zₖ, the mean or z₀ only works while the entries are close together"),
        })
        {
            var a = yours(z.Clone());
            if (a is not null && a.Count == z.Count && !a.All(double.IsFinite))
            {
                Check.That($"softmax of {what} is finite", false, $"yours gives {a.First(v => !double.IsFinite(v))} for an entry: {why}");
                return;
            }
            if (!Check.Equal($"softmax of {what}", Activation.Softmax.Apply(z), a, 1e-12, [])) return;
        }
    }

    // ───────────────────────────── 11 · one step of momentum ─────────────────────────────

    /// <summary>
    /// The momentum step of <see cref="Momentum.Step"/> on plain vectors, classical form: v′ = μv + g, w′ = w − ηv′.
    /// The library's answer to notebook 11's build-it, used where the student has not written theirs.
    /// </summary>
    /// <param name="w">The parameters before the step.</param>
    /// <param name="v">The velocity before the step.</param>
    /// <param name="g">The gradient ∂C/∂w at w.</param>
    /// <param name="learningRate">η.</param>
    /// <param name="momentum">μ.</param>
    /// <returns>The new parameters and velocity (the vectors passed in are not changed).</returns>
    public static (Vector<double> W, Vector<double> V) MomentumStepOnVectors(Vector<double> w, Vector<double> v, Vector<double> g,
        double learningRate, double momentum)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(v);
        ArgumentNullException.ThrowIfNull(g);
        var velocity = momentum * v + g;
        return (w - learningRate * velocity, velocity);
    }

    /// <summary>
    /// Checks one step of classical momentum, v′ = μv + g then w′ = w − ηv′, against the library's <see cref="Momentum.Step"/>
    /// on a small network (4 neurons on 10 inputs: 44 weights and biases, flattened W row by row, then b), with η = 0.05
    /// and μ = 0.8. The velocity is checked first, then the weights, then that the vectors passed in are unchanged.
    /// Named mistakes: v unchanged, v ← μv − g, v ← μ(v + g), v ← g, η inside v (v ← μv + ηg), Nielsen's v ← μv − ηg; w ← w − ηv with the old v,
    /// w ← w − ηg (plain SGD), Nesterov's w ← w − η(g + μv′), w ← w + ηv′, w ← w − v′.
    /// </summary>
    /// <param name="yours">The student's step: (w, v, g, η, μ) → (w′, v′).</param>
    public static void MomentumStep(Func<Vector<double>, Vector<double>, Vector<double>, double, double, (Vector<double> W, Vector<double> V)> yours)
    {
        ArgumentNullException.ThrowIfNull(yours);
        const double eta = 0.05, mu = 0.8;
        var random = new Random(11);
        Matrix<double> M(int r, int c) => Matrix<double>.Build.Dense(r, c, (_, _) => Normal.Sample(random, 0, 1));
        Vector<double> B(int n) => Vector<double>.Build.Dense(n, _ => Normal.Sample(random, 0, 1));
        var network = new Network([M(4, 10)], [B(4)]);
        var gradients = new BackwardPass([new LayerBackward(1, M(4, 1), M(4, 10), B(4))], 0, M(4, 1));
        var before = new Velocity([M(4, 10)], [B(4)]);
        var (after, velocity) = Momentum.Step(network, gradients, before, eta, mu);

        static Vector<double> Flat(Matrix<double> W, Vector<double> b) =>
            Vector<double>.Build.DenseOfEnumerable(W.EnumerateRows().SelectMany(r => r).Concat(b));
        var w = Flat(network.W(1), network.b(1));
        var v = Flat(before.W[0], before.b[0]);
        var g = Flat(gradients[1].GradW, gradients[1].GradB);
        var (w0, v0, g0) = (w.Clone(), v.Clone(), g.Clone());
        var (yourW, yourV) = yours(w, v, g, eta, mu);
        var rightV = Flat(velocity.W[0], velocity.b[0]);

        if (!Check.Equal($"v′ after one step (η = {eta}, μ = {mu}, 44 parameters)", rightV, yourV, 1e-12,
                Mistake.Vector("the velocity returned unchanged", "v′ = μv + g: the new velocity remembers the old one, shrunk by μ, plus this step's gradient", () => v0),
                Mistake.Vector("v ← μv − g", "the velocity adds the gradient, v′ = μv + g; the minus sign belongs in the step w′ = w − ηv′, or the steps go uphill", () => mu * v0 - g0),
                Mistake.Vector("v ← μ(v + g)", "μ shrinks only the old velocity: v′ = μv + g, the gradient enters whole", () => mu * (v0 + g0)),
                Mistake.Vector("v ← g, no memory", "then momentum is plain SGD: v′ = μv + g keeps a share μ of the last velocity", () => g0),
                Mistake.Vector("η inside the velocity (v ← μv + ηg)",
                    "some books keep η in v (v ← μv + ηg, w ← w − v): the same path while η is constant, but this course's v is μv + g, with η in the step",
                    () => mu * v0 + eta * g0),
                Mistake.Vector("Nielsen's velocity (v ← μv − ηg, then w ← w + v)",
                    "Nielsen's chapter 3 puts η and the minus sign in v; this course keeps both in the step, v′ = μv + g and w′ = w − ηv′ (the same path while η is constant)",
                    () => mu * v0 - eta * g0)))
            return;
        if (!Check.Equal("w′ after one step", Flat(after.W(1), after.b(1)), yourW, 1e-12,
                Mistake.Vector("a step with the old velocity (w ← w − ηv)", "update v first, then step with the new one: w′ = w − ηv′, v′ = μv + g", () => w0 - eta * v0),
                Mistake.Vector("a plain SGD step (w ← w − ηg)", "the step follows the velocity, w′ = w − ηv′: that is what carries momentum from step to step", () => w0 - eta * g0),
                Mistake.Vector("Nesterov's step (w ← w − η(g + μv′))", "that is the look-ahead form; the classical step is w′ = w − ηv′", () => w0 - eta * (g0 + mu * rightV)),
                Mistake.Vector("the step added (w ← w + ηv′)", "v′ points uphill like the gradient: step against it, w′ = w − ηv′", () => w0 + eta * rightV),
                Mistake.Vector("η left out (w ← w − v′)", "the step is η times the velocity: w′ = w − ηv′", () => w0 - rightV)))
            return;
        bool unchanged = w.Equals(w0) && v.Equals(v0) && g.Equals(g0);
        Check.That("w, v and g passed in are unchanged (the step returns new vectors)", unchanged,
            unchanged ? "" : w.Equals(w0) && v.Equals(v0) ? "yours changed g" : "yours changed w or v in place: build new vectors (w - eta * v2), not w.Subtract(…, w)");
    }

    // ───────────────────────────── 12 · a big-endian integer ─────────────────────────────

    /// <summary>
    /// The bytes a big-endian reader is checked on: the 16-byte header of train-images-idx3-ubyte, the 8-byte headers of
    /// train-labels-idx1-ubyte and t10k-labels-idx1-ubyte, then 12 34 56 78, 7F FF FF FF and 00 01 00 00, and four zero
    /// bytes of padding.
    /// </summary>
    internal static byte[] HeaderBytes { get; } =
    [
        0x00, 0x00, 0x08, 0x03, 0x00, 0x00, 0xEA, 0x60, 0x00, 0x00, 0x00, 0x1C, 0x00, 0x00, 0x00, 0x1C,
        0x00, 0x00, 0x08, 0x01, 0x00, 0x00, 0xEA, 0x60,
        0x00, 0x00, 0x08, 0x01, 0x00, 0x00, 0x27, 0x10,
        0x12, 0x34, 0x56, 0x78, 0x7F, 0xFF, 0xFF, 0xFF, 0x00, 0x01, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00,
    ];

    /// <summary>
    /// Checks a reader of 32-bit big-endian integers (most significant byte first, as IDX files store them): bytes
    /// b₀ b₁ b₂ b₃ at an offset give b₀·2²⁴ + b₁·2¹⁶ + b₂·2⁸ + b₃. It reads the MNIST headers (magic numbers 2051 and 2049,
    /// counts 60,000 and 10,000, 28 rows, 28 columns) and 0x12345678, 2³¹ − 1 and 65,536, compared with
    /// <see cref="BinaryPrimitives.ReadInt32BigEndian"/>. Named mistakes: little-endian, the bytes added, shifts of 4 bits,
    /// the offset ignored, one byte too far.
    /// </summary>
    /// <param name="yours">The student's reader: (bytes, offset) → the integer stored in bytes[offset … offset + 3].</param>
    public static void BigEndianInt32(Func<byte[], int, int> yours)
    {
        ArgumentNullException.ThrowIfNull(yours);
        yours = UnchangedArguments.Guard(yours, "myReadInt32", "bytes", "offset");
        var bytes = HeaderBytes;
        int[] offsets = [.. Enumerable.Range(0, 11).Select(i => 4 * i)];
        Vector<double> At(Func<int, double> read) => Vector<double>.Build.DenseOfEnumerable(offsets.Select(read));
        var expected = At(o => BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(o)));
        var actual = At(o => yours(bytes.ToArray(), o));
        Check.Equal("the integers at bytes 0, 4, 8, … (magic 2051, 60,000, 28, 28, magic 2049, 60,000, magic 2049, 10,000, 0x12345678, 2³¹ − 1, 65,536)",
            expected, actual, 0,
            Mistake.Vector("little-endian: the bytes read the other way round",
                "IDX stores the most significant byte first: b₀·2²⁴ + b₁·2¹⁶ + b₂·2⁸ + b₃ (BitConverter.ToInt32 reads b₃ as the most significant on this machine)",
                () => At(o => BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(o)))),
            Mistake.Vector("the four bytes added",
                "each byte is a digit in base 256: multiply b₀ by 2²⁴ (shift left by 24), b₁ by 2¹⁶, b₂ by 2⁸, then add",
                () => At(o => bytes[o] + bytes[o + 1] + bytes[o + 2] + bytes[o + 3])),
            Mistake.Vector("shifts of 4 bits",
                "a byte is 8 bits (two hexadecimal digits), so the shifts are 24, 16, 8 and 0",
                () => At(o => (bytes[o] << 12) | (bytes[o + 1] << 8) | (bytes[o + 2] << 4) | bytes[o + 3])),
            Mistake.Vector("the offset ignored",
                "read bytes[offset], bytes[offset + 1], bytes[offset + 2] and bytes[offset + 3], not the first four bytes every time",
                () => At(_ => BinaryPrimitives.ReadInt32BigEndian(bytes))),
            Mistake.Vector("one byte too far",
                "the integer starts at bytes[offset] itself: bytes[offset] … bytes[offset + 3]",
                () => At(o => BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(o + 1)))));
    }
}
