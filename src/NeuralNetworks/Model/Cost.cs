using MathNet.Numerics.LinearAlgebra;

namespace NeuralNetworks.Model;

/// <summary>
/// How wrong the output a = aᴸ is for the target y. <see cref="Value(Matrix{double}, Matrix{double})"/> averages the cost over the
/// examples (the columns); <see cref="GradientWithRespectToOutput"/> is ∇ₐC, and <see cref="OutputError(LayerForward, Matrix{double})"/>
/// is BP1, the error δᴸ of the output layer that backpropagation starts from.
/// </summary>
public abstract class Cost
{
    /// <summary>The quadratic cost C = ½‖a − y‖² = ½ Σⱼ (aⱼ − yⱼ)², Nielsen's and 3Blue1Brown's.</summary>
    public static Cost Quadratic { get; } = new QuadraticCost();

    /// <summary>The cross-entropy cost C = −Σⱼ [yⱼ ln aⱼ + (1 − yⱼ) ln(1 − aⱼ)], for a <see cref="Activation.Sigmoid"/> output layer.</summary>
    public static Cost CrossEntropy { get; } = new CrossEntropyCost();

    /// <summary>The log-likelihood cost C = −Σⱼ yⱼ ln aⱼ (= −ln a_y for a one-hot y), for a <see cref="Activation.Softmax"/>
    /// output layer: the cross-entropy between the target and the probabilities the softmax gives.</summary>
    public static Cost LogLikelihood { get; } = new LogLikelihoodCost();

    /// <summary>Every cost.</summary>
    public static IReadOnlyList<Cost> All { get; } = [Quadratic, CrossEntropy, LogLikelihood];

    /// <summary>The short name used on the command line and in saved networks: quadratic, cross-entropy or log-likelihood.</summary>
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
    /// The output activation this cost is made for, or null when any will do (quadratic). Cross-entropy is made for
    /// sigmoid outputs, log-likelihood for softmax: a network with this cost must use it as its output activation, and
    /// then σ′ (softmax: its Jacobian) cancels ∇ₐC, so that BP1 is δᴸ = aᴸ − y.
    /// </summary>
    public virtual Activation? MatchedOutputActivation => null;

    /// <summary>
    /// BP1, the error of the output layer: δᴸ = ∂C/∂zᴸ, one column per example. It is ∇ₐC passed back through the
    /// output activation (<see cref="Activation.Backpropagate"/>): δᴸ = ∇ₐC ⊙ σ′(zᴸ) for a σ that works number by number,
    /// a ⊙ (∇ₐC − (aᵀ∇ₐC) 1) for softmax. With the <see cref="MatchedOutputActivation"/> the two cancel and δᴸ = aᴸ − y
    /// exactly, which is what is computed then: the same number without dividing by aᴸ(1 − aᴸ) or aᴸ, which round to 0
    /// where an output saturates.
    /// </summary>
    public Matrix<double> OutputError(LayerForward output, Matrix<double> y)
    {
        ArgumentNullException.ThrowIfNull(output);
        return OutputError(output.Z, output.A, y, output.Activation);
    }

    /// <summary>BP1 for an output layer given by its weighted sums zᴸ, its activations aᴸ = σ(zᴸ) and σ: see
    /// <see cref="OutputError(LayerForward, Matrix{double})"/>.</summary>
    public Matrix<double> OutputError(Matrix<double> zL, Matrix<double> aL, Matrix<double> y, Activation sigma)
    {
        ArgumentNullException.ThrowIfNull(sigma);
        CheckShapes(aL, y);
        return sigma == MatchedOutputActivation
            ? aL - y                                                              // σ′ (or softmax's Jacobian) cancels ∇ₐC
            : sigma.Backpropagate(zL, aL, GradientWithRespectToOutput(aL, y));    // ∇ₐC ⊙ σ′(zᴸ), or through the Jacobian
    }

    /// <summary>
    /// The mean cost of a forward pass's output layer against the targets. With the <see cref="MatchedOutputActivation"/>
    /// it is computed from zᴸ by <see cref="OfWeightedSums"/>, not from aᴸ = σ(zᴸ): the same number, written so that it
    /// stays finite where an output rounds to exactly 0 or 1 and ln a would be −∞.
    /// </summary>
    public double Value(LayerForward output, Matrix<double> y)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (output.Activation != MatchedOutputActivation) return Value(output.A, y);
        CheckShapes(output.Z, y);
        double sum = 0;
        for (int x = 0; x < output.Z.ColumnCount; x++) sum += OfWeightedSums(output.Z.Column(x), y.Column(x));
        return sum / output.Z.ColumnCount;
    }

    /// <summary>
    /// The cost of one example from the output layer's weighted sums zᴸ through the <see cref="MatchedOutputActivation"/>:
    /// the same number as <see cref="Of"/>(σ(z), y). Cross-entropy: Σⱼ [softplus(zⱼ) − yⱼ zⱼ], with softplus(z) = ln(1 + eᶻ),
    /// finite where σ(z) rounds to exactly 0 or 1 (|z| ≳ 37). Log-likelihood: ln Σₖ e^(zₖ) − Σⱼ yⱼ zⱼ (the targets adding up
    /// to 1), with ln Σₖ e^(zₖ) = max z + ln Σₖ e^(zₖ − max z): finite even where a_y rounds to 0.
    /// </summary>
    /// <exception cref="InvalidOperationException">This cost has no matched output activation.</exception>
    public virtual double OfWeightedSums(Vector<double> z, Vector<double> y) =>
        Of((MatchedOutputActivation ?? throw new InvalidOperationException($"The {Name} cost is not made for one output activation: compute it from a = σ(z).")).Apply(z), y);

    /// <summary>softplus(z) = ln(1 + eᶻ), computed as max(z, 0) + ln(1 + e^−|z|) so that eᶻ never overflows.</summary>
    public static double Softplus(double z) => Math.Max(z, 0) + Math.Log(1 + Math.Exp(-Math.Abs(z)));

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

        public override Activation MatchedOutputActivation => Activation.Sigmoid;

        public override double OfWeightedSums(Vector<double> z, Vector<double> y)
        {
            double sum = 0;
            for (int j = 0; j < z.Count; j++) sum += Softplus(z[j]) - y[j] * z[j];
            return sum;
        }
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

        public override Activation MatchedOutputActivation => Activation.Softmax;

        public override double OfWeightedSums(Vector<double> z, Vector<double> y)
        {
            double max = z.Maximum();
            double logSumExp = max + Math.Log(z.Sum(v => Math.Exp(v - max)));
            double sum = 0;
            for (int j = 0; j < z.Count; j++) sum += y[j] * (logSumExp - z[j]);
            return sum;
        }
    }
}
