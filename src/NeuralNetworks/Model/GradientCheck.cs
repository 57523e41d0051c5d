using MathNet.Numerics.LinearAlgebra;

namespace NeuralNetworks.Model;

/// <summary>
/// Checks a gradient against the definition of a derivative: nudge one parameter θ by ±ε, measure the cost both times,
/// and compare n = (C(θ + ε) − C(θ − ε)) / 2ε with the gradient g that <see cref="Network.Backward(ForwardPass, Matrix{double})"/>
/// (or your own backward pass) gives for it.
/// </summary>
/// <remarks>
/// How to read the comparison (CS231n's rule of thumb, for the relative error |g − n| / (|g| + |n|)): below 10⁻⁷ the two
/// agree to seven digits; below 10⁻⁴ they agree as well as central differences with ε = 10⁻⁴ can tell; above 10⁻² the
/// gradient is wrong. That holds only where the gradient is <see cref="Sizeable"/>: the cost is computed to about 10⁻¹⁶ of
/// its size, so n itself is only good to about 10⁻¹⁶ · C / ε ≈ 10⁻¹² · C, and where g and n are both smaller than that
/// their relative error measures round-off, up to 1 for a perfect backward pass. There the absolute error |g − n| is
/// what to look at.
/// </remarks>
public static class GradientCheck
{
    /// <summary>|g| + |n| at or above 10⁻⁶: the gradient is sizeable and the relative error means something (a million
    /// times the round-off of n for a cost near 1).</summary>
    public const double Sizeable = 1e-6;

    /// <summary>A sizeable gradient agrees when its relative error is below 10⁻⁴.</summary>
    public const double RelativeTolerance = 1e-4;

    /// <summary>A gradient that is nearly 0 agrees when |g − n| is below 10⁻⁸.</summary>
    public const double AbsoluteTolerance = 1e-8;

    /// <summary>Below this, |g| + |n| counts as zero and the relative error as 0.</summary>
    private const double Tiny = 1e-12;

    /// <summary>Checks backpropagation for every weight and bias, for one example x with target y.</summary>
    public static GradientCheckResult Run(Network network, Vector<double> x, Vector<double> y, double epsilon = 1e-4)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return Run(network, x.ToColumnMatrix(), y.ToColumnMatrix(), epsilon);
    }

    /// <summary>Checks backpropagation for every weight and bias on a mini-batch (the mean cost over its columns).</summary>
    public static GradientCheckResult Run(Network network, Matrix<double> X, Matrix<double> Y, double epsilon = 1e-4)
    {
        ArgumentNullException.ThrowIfNull(network);
        return Run(network, X, Y, network.Backward(network.Forward(X), Y), epsilon);
    }

    /// <summary>
    /// Checks the given gradients (your backward pass's, say) for every weight and bias of <paramref name="network"/> on
    /// the mini-batch X, Y: each ∂C/∂Wˡⱼₖ and ∂C/∂bˡⱼ of <paramref name="gradients"/> against the central difference of the
    /// mean cost C = (1/m) Σₓ Cₓ. Costs 2 forward passes per parameter.
    /// </summary>
    /// <exception cref="ArgumentException">ε is not positive, or the gradients do not have the network's shapes.</exception>
    public static GradientCheckResult Run(Network network, Matrix<double> X, Matrix<double> Y, BackwardPass gradients, double epsilon = 1e-4)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(gradients);
        if (!(epsilon > 0)) throw new ArgumentException($"ε must be positive, not {epsilon}.", nameof(epsilon));
        CheckShapes(network, gradients);
        // One private copy whose entries we nudge and put back; the network passed in is never touched.
        var copy = network.Clone();
        double CostNow() => copy.CostOf(X, Y);

        double Numerical(Func<double> get, Action<double> set)
        {
            double original = get();
            set(original + epsilon);
            double plus = CostNow();
            set(original - epsilon);
            double minus = CostNow();
            set(original);
            return (plus - minus) / (2 * epsilon);
        }

        var layers = new List<LayerGradientCheck>();
        for (int l = 1; l <= network.LayerCount; l++)
        {
            var W = copy.W(l);
            var b = copy.b(l);
            var numW = Matrix<double>.Build.Dense(W.RowCount, W.ColumnCount, (j, k) => Numerical(() => W[j, k], v => W[j, k] = v));
            var numB = Vector<double>.Build.Dense(b.Count, j => Numerical(() => b[j], v => b[j] = v));
            layers.Add(new LayerGradientCheck(l, gradients[l].GradW, numW, gradients[l].GradB, numB));
        }
        return new GradientCheckResult(layers, epsilon);
    }

    /// <summary>∂C/∂Wˡⱼₖ by central differences: (C(Wˡⱼₖ + ε) − C(Wˡⱼₖ − ε)) / 2ε, C the mean cost of the mini-batch X, Y.</summary>
    /// <param name="network">The network (not changed).</param>
    /// <param name="X">The inputs, one column per example.</param>
    /// <param name="Y">The targets, one column per example.</param>
    /// <param name="l">The layer, 1…L.</param>
    /// <param name="j">The neuron of layer l (the row of Wˡ).</param>
    /// <param name="k">The neuron of layer l − 1 (the column of Wˡ).</param>
    /// <param name="epsilon">ε, the nudge.</param>
    public static double Weight(Network network, Matrix<double> X, Matrix<double> Y, int l, int j, int k, double epsilon = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(network);
        double CostWith(double nudge)
        {
            var W = network.Weights.Select(M => M.Clone()).ToArray();
            W[l - 1][j, k] += nudge;
            return network.WithParameters(W, network.Biases).CostOf(X, Y);
        }
        _ = network.W(l)[j, k];   // an index outside Wˡ throws here, with the layer's own message
        return (CostWith(epsilon) - CostWith(-epsilon)) / (2 * epsilon);
    }

    /// <summary>∂C/∂bˡⱼ by central differences, C the mean cost of the mini-batch X, Y.</summary>
    /// <param name="network">The network (not changed).</param>
    /// <param name="X">The inputs, one column per example.</param>
    /// <param name="Y">The targets, one column per example.</param>
    /// <param name="l">The layer, 1…L.</param>
    /// <param name="j">The neuron of layer l.</param>
    /// <param name="epsilon">ε, the nudge.</param>
    public static double Bias(Network network, Matrix<double> X, Matrix<double> Y, int l, int j, double epsilon = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(network);
        double CostWith(double nudge)
        {
            var b = network.Biases.Select(v => v.Clone()).ToArray();
            b[l - 1][j] += nudge;
            return network.WithParameters(network.Weights, b).CostOf(X, Y);
        }
        _ = network.b(l)[j];
        return (CostWith(epsilon) - CostWith(-epsilon)) / (2 * epsilon);
    }

    /// <summary>
    /// δˡⱼ of example x by central differences: how fast that example's own cost Cₓ changes when its weighted sum zˡⱼ is
    /// nudged, (Cₓ(zˡⱼ + ε) − Cₓ(zˡⱼ − ε)) / 2ε, with layers l + 1…L run forward from the nudged layer. (δ is per example:
    /// the mean over the batch comes only in ∂C/∂b and ∂C/∂W.)
    /// </summary>
    /// <param name="network">The network (not changed).</param>
    /// <param name="X">The inputs, one column per example.</param>
    /// <param name="Y">The targets, one column per example.</param>
    /// <param name="l">The layer, 1…L.</param>
    /// <param name="j">The neuron of layer l.</param>
    /// <param name="x">The example: a column of X.</param>
    /// <param name="epsilon">ε, the nudge.</param>
    public static double Delta(Network network, Matrix<double> X, Matrix<double> Y, int l, int j, int x, double epsilon = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(X);
        ArgumentNullException.ThrowIfNull(Y);
        var a = X.Column(x);
        for (int layer = 1; layer < l; layer++) a = network.ActivationOf(layer).Apply(network.W(layer) * a + network.b(layer));
        var z = network.W(l) * a + network.b(l);
        _ = z[j];
        double CostWith(double nudge)
        {
            var nudged = z.Clone();
            nudged[j] += nudge;
            var output = network.ActivationOf(l).Apply(nudged);
            for (int layer = l + 1; layer <= network.LayerCount; layer++)
                output = network.ActivationOf(layer).Apply(network.W(layer) * output + network.b(layer));
            return network.Cost.Of(output, Y.Column(x));
        }
        return (CostWith(epsilon) - CostWith(-epsilon)) / (2 * epsilon);
    }

    /// <summary>|g − n| / (|g| + |n|), or 0 when both are (nearly) zero.</summary>
    public static double RelativeError(double g, double n)
    {
        double scale = Math.Abs(g) + Math.Abs(n);
        return scale < Tiny ? 0.0 : Math.Abs(g - n) / scale;
    }

    /// <summary>|g| + |n| ≥ <see cref="Sizeable"/>: large enough for the relative error to mean something.</summary>
    public static bool IsSizeable(double g, double n) => Math.Abs(g) + Math.Abs(n) >= Sizeable;

    private static void CheckShapes(Network network, BackwardPass gradients)
    {
        if (gradients.Layers.Count != network.LayerCount)
            throw new ArgumentException($"The gradients have {gradients.Layers.Count} layers, the network {network.LayerCount}.", nameof(gradients));
        for (int l = 1; l <= network.LayerCount; l++)
        {
            var (W, g) = (network.W(l), gradients[l]);
            if (g.GradW.RowCount != W.RowCount || g.GradW.ColumnCount != W.ColumnCount || g.GradB.Count != W.RowCount)
                throw new ArgumentException($"∂C/∂W{Notation.Superscript(l)} is {g.GradW.RowCount}×{g.GradW.ColumnCount} and ∂C/∂b{Notation.Superscript(l)} has " +
                                            $"{g.GradB.Count} entries, but W{Notation.Superscript(l)} is {W.RowCount}×{W.ColumnCount}.", nameof(gradients));
        }
    }
}
