using MathNet.Numerics.LinearAlgebra;

namespace NeuralNetworks.Model;

/// <summary>
/// The function σ a layer applies to its weighted sums z to get its activations a = σ(z), and the way a gradient flows
/// back through it, which backpropagation needs. Sigmoid, tanh and ReLU work number by number, aⱼ = σ(zⱼ), so their
/// derivative is a number σ′(zⱼ) per neuron. Softmax works on the whole layer (every aⱼ depends on every zₖ), so its
/// derivative is a matrix, the Jacobian ∂a/∂z.
/// </summary>
public abstract class Activation
{
    private protected Activation(string name, string formula)
    {
        Name = name;
        Formula = formula;
    }

    /// <summary>σ(z) = 1 / (1 + e^(−z)), squashing any z into (0, 1); σ′(z) = σ(z)(1 − σ(z)) ≤ ¼.</summary>
    public static Activation Sigmoid { get; } = new NumberByNumber("sigmoid", "σ(z) = 1 / (1 + e^(−z))",
        z => 1.0 / (1.0 + Math.Exp(-z)),
        z => { var s = 1.0 / (1.0 + Math.Exp(-z)); return s * (1.0 - s); });

    /// <summary>tanh(z) = (e^z − e^(−z)) / (e^z + e^(−z)), into (−1, 1); tanh′(z) = 1 − tanh²(z).</summary>
    public static Activation Tanh { get; } = new NumberByNumber("tanh", "tanh(z) = (e^z − e^(−z)) / (e^z + e^(−z))",
        Math.Tanh,
        z => { var t = Math.Tanh(z); return 1.0 - t * t; });

    /// <summary>ReLU(z) = max(0, z); ReLU′(z) = 1 for z &gt; 0, else 0.</summary>
    public static Activation ReLU { get; } = new NumberByNumber("relu", "ReLU(z) = max(0, z)",
        z => z > 0 ? z : 0.0,
        z => z > 0 ? 1.0 : 0.0);

    /// <summary>
    /// softmax(z)ⱼ = e^(zⱼ) / Σₖ e^(zₖ), for an output layer: it works on the whole column z of a layer, and its outputs
    /// are positive and add up to 1, a probability for each class. Computed as e^(zⱼ − max z) / Σₖ e^(zₖ − max z), the same
    /// value without overflow. Its Jacobian is ∂aⱼ/∂zₖ = aⱼ(δⱼₖ − aₖ), i.e. diag(a) − a aᵀ (see <see cref="Backpropagate"/>).
    /// </summary>
    public static Activation Softmax { get; } = new SoftmaxOfLayer();

    /// <summary>All activations that work number by number (sigmoid, tanh, ReLU): every one fits any layer.
    /// <see cref="Softmax"/>, for output layers only, is not among them.</summary>
    public static IReadOnlyList<Activation> All { get; } = [Sigmoid, Tanh, ReLU];

    /// <summary>The short name used on the command line and in saved networks: sigmoid, tanh, relu or softmax.</summary>
    public string Name { get; }

    /// <summary>The definition, for titles and summaries.</summary>
    public string Formula { get; }

    /// <summary>True when σ works number by number, aⱼ = σ(zⱼ) (sigmoid, tanh, ReLU): such a σ fits any layer. False for
    /// <see cref="Softmax"/>, which works on a whole layer.</summary>
    public abstract bool IsNumberByNumber { get; }

    /// <summary>a = σ(z) for one number.</summary>
    /// <exception cref="InvalidOperationException">σ works on a whole layer (softmax).</exception>
    public abstract double Apply(double z);

    /// <summary>σ′(z) for one number.</summary>
    /// <exception cref="InvalidOperationException">σ works on a whole layer (softmax): its derivative is <see cref="Jacobian"/>.</exception>
    public abstract double Derivative(double z);

    /// <summary>a = σ(z) for the neurons of one layer (softmax: of the whole vector).</summary>
    public abstract Vector<double> Apply(Vector<double> z);

    /// <summary>a = σ(z) for a layer and a mini-batch, one example per column (softmax: column by column).</summary>
    public abstract Matrix<double> Apply(Matrix<double> z);

    /// <summary>σ′(z) element by element.</summary>
    /// <exception cref="InvalidOperationException">σ works on a whole layer (softmax): its derivative is <see cref="Jacobian"/>.</exception>
    public Vector<double> Derivative(Vector<double> z) => z.Map(Derivative);

    /// <summary>σ′(z) element by element.</summary>
    /// <exception cref="InvalidOperationException">σ works on a whole layer (softmax): its derivative is <see cref="Jacobian"/>.</exception>
    public Matrix<double> Derivative(Matrix<double> z) => z.Map(Derivative);

    /// <summary>
    /// The Jacobian of one layer, J = ∂a/∂z with Jⱼₖ = ∂aⱼ/∂zₖ: diag(σ′(z)) for a σ that works number by number (each aⱼ
    /// depends on its own zⱼ only), diag(a) − a aᵀ for softmax.
    /// </summary>
    public abstract Matrix<double> Jacobian(Vector<double> z);

    /// <summary>
    /// Backpropagation through σ: from g = ∂C/∂a, the gradient reaching the activations, to ∂C/∂z = Jᵀ g, column by
    /// column (one example per column). Number by number that is g ⊙ σ′(z); through softmax, whose Jacobian
    /// diag(a) − a aᵀ is symmetric, it is a ⊙ (g − (aᵀg) 1). <paramref name="a"/> = σ(<paramref name="z"/>) is passed in
    /// because the forward pass has it already.
    /// </summary>
    public abstract Matrix<double> Backpropagate(Matrix<double> z, Matrix<double> a, Matrix<double> g);

    /// <summary>The activation for layers made only by the tests: σ and σ′ as given (e.g. a deliberately wrong σ′).</summary>
    internal static Activation NumberByNumberForTests(string name, Func<double, double> function, Func<double, double> derivative) =>
        new NumberByNumber(name, name, function, derivative);

    /// <summary>The activation called <paramref name="name"/> (sigmoid, tanh, relu, softmax; any case).</summary>
    /// <exception cref="ArgumentException">No activation has that name.</exception>
    public static Activation Parse(string name) =>
        All.Append(Softmax).FirstOrDefault(a => string.Equals(a.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown activation '{name}': choose sigmoid, tanh, relu or softmax (output layer only).", nameof(name));

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>aⱼ = σ(zⱼ): sigmoid, tanh, ReLU.</summary>
    private sealed class NumberByNumber(string name, string formula, Func<double, double> function, Func<double, double> derivative)
        : Activation(name, formula)
    {
        public override bool IsNumberByNumber => true;
        public override double Apply(double z) => function(z);
        public override double Derivative(double z) => derivative(z);
        public override Vector<double> Apply(Vector<double> z) => z.Map(function);
        public override Matrix<double> Apply(Matrix<double> z) => z.Map(function);
        public override Matrix<double> Jacobian(Vector<double> z) => Matrix<double>.Build.DenseOfDiagonalVector(Derivative(z));
        public override Matrix<double> Backpropagate(Matrix<double> z, Matrix<double> a, Matrix<double> g) =>
            g.PointwiseMultiply(Derivative(z));                                         // g ⊙ σ′(z)
    }

    /// <summary>aⱼ = e^(zⱼ) / Σₖ e^(zₖ): softmax, one column at a time.</summary>
    private sealed class SoftmaxOfLayer() : Activation("softmax", "softmax(z)ⱼ = e^(zⱼ) / Σₖ e^(zₖ)")
    {
        public override bool IsNumberByNumber => false;

        public override double Apply(double z) =>
            throw new InvalidOperationException("softmax works on a whole layer, not on one number: apply it to a vector or matrix.");

        public override double Derivative(double z) =>
            throw new InvalidOperationException("softmax has no number-by-number derivative: each aⱼ depends on every zₖ. Its derivative is the matrix Jacobian(z) = diag(a) − a aᵀ; Backpropagate uses it.");

        public override Vector<double> Apply(Vector<double> z)
        {
            var e = (z - z.Maximum()).PointwiseExp();    // e^(zⱼ − max z): the largest is e⁰ = 1, nothing overflows
            return e / e.Sum();
        }

        public override Matrix<double> Apply(Matrix<double> z) => Matrix<double>.Build.DenseOfColumnVectors(z.EnumerateColumns().Select(Apply));

        public override Matrix<double> Jacobian(Vector<double> z)
        {
            var a = Apply(z);
            return Matrix<double>.Build.DenseOfDiagonalVector(a) - a.OuterProduct(a);   // ∂aⱼ/∂zₖ = aⱼ(δⱼₖ − aₖ)
        }

        public override Matrix<double> Backpropagate(Matrix<double> z, Matrix<double> a, Matrix<double> g) =>
            Matrix<double>.Build.DenseOfColumnVectors(Enumerable.Range(0, a.ColumnCount).Select(x =>
            {
                Vector<double> ax = a.Column(x), gx = g.Column(x);
                return ax.PointwiseMultiply(gx - ax.DotProduct(gx));                      // a ⊙ (g − (aᵀg) 1)
            }));
    }
}
