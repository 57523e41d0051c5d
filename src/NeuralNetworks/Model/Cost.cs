using MathNet.Numerics.LinearAlgebra;

namespace NeuralNetworks.Model;

/// <summary>
/// How wrong the output a = aᴸ is for the target y. <see cref="Value(Matrix{double}, Matrix{double})"/> averages the cost over the
/// examples (the columns); <see cref="GradientWithRespectToOutput"/> is ∇ₐC, the first factor of BP1.
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

    /// <summary>
    /// The mean cost of a forward pass's output layer against the targets. For cross-entropy with sigmoid outputs it
    /// is computed from zᴸ, not from aᴸ = σ(zᴸ): Cₓ = Σⱼ [softplus(zⱼ) − yⱼ zⱼ] with softplus(z) = ln(1 + eᶻ), the same
    /// number written so that it stays finite where σ(z) rounds to exactly 0 or 1 (|z| ≳ 37) and ln a would be −∞.
    /// </summary>
    public double Value(LayerForward output, Matrix<double> y)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (this == LogLikelihood && output.Activation == Activation.Softmax) return LogLikelihoodFromZ(output.Z, y);
        if (this != CrossEntropy || output.Activation != Activation.Sigmoid) return Value(output.A, y);
        var z = output.Z;
        CheckShapes(z, y);
        double sum = 0;
        for (int x = 0; x < z.ColumnCount; x++)
            for (int j = 0; j < z.RowCount; j++)
                sum += Softplus(z[j, x]) - y[j, x] * z[j, x];
        return sum / z.ColumnCount;
    }

    /// <summary>
    /// The log-likelihood of a softmax output from zᴸ: ln aⱼ = zⱼ − ln Σₖ e^(zₖ), so Cₓ = ln Σₖ e^(zₖ) − Σⱼ yⱼ zⱼ (the targets
    /// adding up to 1), with ln Σₖ e^(zₖ) = max z + ln Σₖ e^(zₖ − max z): finite even where a_y rounds to 0.
    /// </summary>
    private static double LogLikelihoodFromZ(Matrix<double> z, Matrix<double> y)
    {
        CheckShapes(z, y);
        double sum = 0;
        for (int x = 0; x < z.ColumnCount; x++)
        {
            var column = z.Column(x);
            double max = column.Maximum();
            double logSumExp = max + Math.Log(column.Sum(v => Math.Exp(v - max)));
            for (int j = 0; j < z.RowCount; j++) sum += y[j, x] * (logSumExp - z[j, x]);
        }
        return sum / z.ColumnCount;
    }

    /// <summary>softplus(z) = ln(1 + eᶻ), computed as max(z, 0) + ln(1 + e^−|z|) so that eᶻ never overflows.</summary>
    public static double Softplus(double z) => Math.Max(z, 0) + Math.Log(1 + Math.Exp(-Math.Abs(z)));

    /// <summary>BP1 on its own: δᴸ = ∇ₐC ⊙ σ′(zᴸ), one column per example; with cross-entropy and a sigmoid output
    /// σ′ cancels ∇ₐC's denominator and δᴸ = aᴸ − y, and so does softmax's Jacobian with the log-likelihood (as in <see cref="Network.Backward(ForwardPass, Matrix{double})"/>).</summary>
    public Matrix<double> OutputError(Matrix<double> zL, Matrix<double> aL, Matrix<double> y, Activation sigma)
    {
        ArgumentNullException.ThrowIfNull(sigma);
        CheckShapes(aL, y);
        return (this == CrossEntropy && sigma == Activation.Sigmoid) || (this == LogLikelihood && sigma == Activation.Softmax)
            ? aL - y
            : GradientWithRespectToOutput(aL, y).PointwiseMultiply(sigma.Derivative(zL));
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
    }
}
