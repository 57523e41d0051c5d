using MathNet.Numerics.LinearAlgebra;

namespace NeuralNetworks.Model;

/// <summary>
/// The function σ a neuron applies to its weighted sum z to get its activation a = σ(z), with its
/// derivative σ′(z), which backpropagation needs.
/// </summary>
public sealed class Activation
{
    private readonly Func<double, double> function;
    private readonly Func<double, double> derivative;

    private Activation(string name, string formula, Func<double, double> function, Func<double, double> derivative)
    {
        Name = name;
        Formula = formula;
        this.function = function;
        this.derivative = derivative;
    }

    /// <summary>σ(z) = 1 / (1 + e^(−z)), squashing any z into (0, 1); σ′(z) = σ(z)(1 − σ(z)) ≤ ¼.</summary>
    public static Activation Sigmoid { get; } = new("sigmoid", "σ(z) = 1 / (1 + e^(−z))",
        z => 1.0 / (1.0 + Math.Exp(-z)),
        z => { var s = 1.0 / (1.0 + Math.Exp(-z)); return s * (1.0 - s); });

    /// <summary>tanh(z) = (e^z − e^(−z)) / (e^z + e^(−z)), into (−1, 1); tanh′(z) = 1 − tanh²(z).</summary>
    public static Activation Tanh { get; } = new("tanh", "tanh(z) = (e^z − e^(−z)) / (e^z + e^(−z))",
        Math.Tanh,
        z => { var t = Math.Tanh(z); return 1.0 - t * t; });

    /// <summary>ReLU(z) = max(0, z); ReLU′(z) = 1 for z &gt; 0, else 0.</summary>
    public static Activation ReLU { get; } = new("relu", "ReLU(z) = max(0, z)",
        z => z > 0 ? z : 0.0,
        z => z > 0 ? 1.0 : 0.0);

    /// <summary>
    /// softmax(z)ⱼ = e^(zⱼ) / Σₖ e^(zₖ), for an output layer only: it works on the whole column z of a layer, not number by
    /// number, and its outputs are positive and add up to 1, a probability for each class. Computed as
    /// e^(zⱼ − max z) / Σₖ e^(zₖ − max z), the same value without overflow. Train it with <see cref="Cost.LogLikelihood"/>,
    /// whose δᴸ = aᴸ − y needs no σ′ (softmax's derivative is a matrix, the Jacobian, which this class does not offer).
    /// </summary>
    public static Activation Softmax { get; } = new("softmax", "softmax(z)ⱼ = e^(zⱼ) / Σₖ e^(zₖ)",
        _ => throw new InvalidOperationException("softmax works on a whole layer, not on one number: apply it to a vector or matrix."),
        _ => throw new InvalidOperationException("softmax has no number-by-number derivative: train it with Cost.LogLikelihood, whose δᴸ = aᴸ − y."));

    /// <summary>All activations that work number by number (sigmoid, tanh, ReLU): every one fits any layer.
    /// <see cref="Softmax"/>, for output layers only, is not among them.</summary>
    public static IReadOnlyList<Activation> All { get; } = [Sigmoid, Tanh, ReLU];

    /// <summary>The short name used on the command line and in saved networks: sigmoid, tanh or relu.</summary>
    public string Name { get; }

    /// <summary>The definition, for titles and summaries.</summary>
    public string Formula { get; }

    /// <summary>a = σ(z) for one number.</summary>
    public double Apply(double z) => function(z);

    /// <summary>σ′(z) for one number.</summary>
    public double Derivative(double z) => derivative(z);

    /// <summary>a = σ(z) element by element (softmax: column by column, one example per column).</summary>
    public Matrix<double> Apply(Matrix<double> z) =>
        this == Softmax ? Matrix<double>.Build.DenseOfColumnVectors(z.EnumerateColumns().Select(SoftmaxOf)) : z.Map(function);

    /// <summary>σ′(z) element by element.</summary>
    public Matrix<double> Derivative(Matrix<double> z) => z.Map(derivative);

    /// <summary>a = σ(z) element by element (softmax: of the whole vector).</summary>
    public Vector<double> Apply(Vector<double> z) => this == Softmax ? SoftmaxOf(z) : z.Map(function);

    private static Vector<double> SoftmaxOf(Vector<double> z)
    {
        var e = (z - z.Maximum()).PointwiseExp();    // e^(zⱼ − max z): the largest is e⁰ = 1, nothing overflows
        return e / e.Sum();
    }

    /// <summary>σ′(z) element by element.</summary>
    public Vector<double> Derivative(Vector<double> z) => z.Map(derivative);

    /// <summary>The activation called <paramref name="name"/> (sigmoid, tanh, relu, softmax; any case).</summary>
    /// <exception cref="ArgumentException">No activation has that name.</exception>
    public static Activation Parse(string name) =>
        All.Append(Softmax).FirstOrDefault(a => string.Equals(a.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown activation '{name}': choose sigmoid, tanh, relu or softmax (output layer only).", nameof(name));

    /// <inheritdoc/>
    public override string ToString() => Name;
}
