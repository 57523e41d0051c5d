using MathNet.Numerics.LinearAlgebra;

namespace NeuralNetworks;

/// <summary>
/// How wrong the output a = aᴸ is for the target y. <see cref="Value"/> averages the cost over the
/// examples (the columns); <see cref="OutputError"/> is BP1, the error δᴸ of the output layer.
/// </summary>
public abstract class Cost
{
    /// <summary>The quadratic cost C = ½‖a − y‖² = ½ Σⱼ (aⱼ − yⱼ)², Nielsen's and 3Blue1Brown's.</summary>
    public static Cost Quadratic { get; } = new QuadraticCost();

    /// <summary>The cross-entropy cost C = −Σⱼ [yⱼ ln aⱼ + (1 − yⱼ) ln(1 − aⱼ)], for outputs in (0, 1).</summary>
    public static Cost CrossEntropy { get; } = new CrossEntropyCost();

    /// <summary>The log-likelihood cost C = −Σⱼ yⱼ ln aⱼ (= −ln a_y for a one-hot y), for a <see cref="Activation.Softmax"/>
    /// output layer: the cross-entropy between the target and the probabilities the softmax gives. Its BP1 is δᴸ = aᴸ − y.</summary>
    public static Cost LogLikelihood { get; } = new LogLikelihoodCost();

    /// <summary>Every cost.</summary>
    public static IReadOnlyList<Cost> All { get; } = [Quadratic, CrossEntropy, LogLikelihood];

    /// <summary>The short name used on the command line and in saved networks: quadratic or cross-entropy.</summary>
    public abstract string Name { get; }

    /// <summary>The definition, for titles and summaries.</summary>
    public abstract string Formula { get; }

    /// <summary>The cost of one example: a and y are the output and target vectors.</summary>
    public abstract double Of(Vector<double> a, Vector<double> y);

    /// <summary>The mean cost over the examples: C = (1/m) Σₓ Cₓ, where column x of <paramref name="a"/> is
    /// an output and the same column of <paramref name="y"/> its target.</summary>
    public double Value(Matrix<double> a, Matrix<double> y)
    {
        CheckShapes(a, y);
        double sum = 0;
        for (int x = 0; x < a.ColumnCount; x++) sum += Of(a.Column(x), y.Column(x));
        return sum / a.ColumnCount;
    }

    /// <summary>∇ₐC, the derivative of one example's cost with respect to each output activation.</summary>
    public abstract Matrix<double> GradientWithRespectToOutput(Matrix<double> a, Matrix<double> y);

    /// <summary>BP1: δᴸ = ∇ₐC ⊙ σ′(zᴸ), one column per example.</summary>
    public virtual Matrix<double> OutputError(Matrix<double> zL, Matrix<double> aL, Matrix<double> y, Activation sigma)
    {
        CheckShapes(aL, y);
        return GradientWithRespectToOutput(aL, y).PointwiseMultiply(sigma.Derivative(zL));
    }

    /// <summary>The cost called <paramref name="name"/> (quadratic, cross-entropy or log-likelihood; any case).</summary>
    /// <exception cref="ArgumentException">No cost has that name.</exception>
    public static Cost Parse(string name) =>
        All.FirstOrDefault(c => string.Equals(c.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown cost '{name}': choose quadratic, cross-entropy or log-likelihood.", nameof(name));

    /// <inheritdoc/>
    public override string ToString() => Name;

    private static void CheckShapes(Matrix<double> a, Matrix<double> y)
    {
        if (a.RowCount != y.RowCount || a.ColumnCount != y.ColumnCount)
            throw new ArgumentException($"The output is {a.RowCount}×{a.ColumnCount} but the target is {y.RowCount}×{y.ColumnCount}.");
    }

    private sealed class QuadraticCost : Cost
    {
        public override string Name => "quadratic";
        public override string Formula => "C = ½‖a − y‖²";
        public override double Of(Vector<double> a, Vector<double> y)
        {
            var difference = a - y;
            return 0.5 * difference.DotProduct(difference);
        }
        public override Matrix<double> GradientWithRespectToOutput(Matrix<double> a, Matrix<double> y) => a - y;
    }

    private sealed class CrossEntropyCost : Cost
    {
        public override string Name => "cross-entropy";
        public override string Formula => "C = −Σⱼ [yⱼ ln aⱼ + (1 − yⱼ) ln(1 − aⱼ)]";

        public override double Of(Vector<double> a, Vector<double> y)
        {
            double sum = 0;
            for (int j = 0; j < a.Count; j++)
            {
                // 0 · ln 0 counts as 0: a target of exactly 0 or 1 puts no weight on the other term.
                if (y[j] != 0) sum -= y[j] * Math.Log(a[j]);
                if (y[j] != 1) sum -= (1 - y[j]) * Math.Log(1 - a[j]);
            }
            return sum;
        }

        public override Matrix<double> GradientWithRespectToOutput(Matrix<double> a, Matrix<double> y) =>
            (a - y).PointwiseDivide(a.PointwiseMultiply(1 - a));

        /// <summary>With a sigmoid output, σ′(z) = a(1 − a) cancels the denominator of ∇ₐC: δᴸ = aᴸ − y.</summary>
        public override Matrix<double> OutputError(Matrix<double> zL, Matrix<double> aL, Matrix<double> y, Activation sigma) =>
            sigma == Activation.Sigmoid ? aL - y : base.OutputError(zL, aL, y, sigma);
    }

    private sealed class LogLikelihoodCost : Cost
    {
        public override string Name => "log-likelihood";
        public override string Formula => "C = −Σⱼ yⱼ ln aⱼ";

        public override double Of(Vector<double> a, Vector<double> y)
        {
            double sum = 0;
            for (int j = 0; j < a.Count; j++)
                if (y[j] != 0) sum -= y[j] * Math.Log(a[j]);   // 0 · ln 0 counts as 0
            return sum;
        }

        public override Matrix<double> GradientWithRespectToOutput(Matrix<double> a, Matrix<double> y) => -y.PointwiseDivide(a);

        /// <summary>
        /// With a softmax output, ∂aᵢ/∂zⱼ = aᵢ(δᵢⱼ − aⱼ), so ∂C/∂zⱼ = −Σᵢ (yᵢ/aᵢ) aᵢ(δᵢⱼ − aⱼ) = −yⱼ + aⱼ Σᵢ yᵢ = aⱼ − yⱼ
        /// (the targets add up to 1): BP1 is δᴸ = aᴸ − y, as for cross-entropy with a sigmoid output.
        /// </summary>
        public override Matrix<double> OutputError(Matrix<double> zL, Matrix<double> aL, Matrix<double> y, Activation sigma) =>
            sigma == Activation.Softmax ? aL - y
            : throw new InvalidOperationException($"The log-likelihood cost needs a softmax output layer, not {sigma}.");
    }
}
