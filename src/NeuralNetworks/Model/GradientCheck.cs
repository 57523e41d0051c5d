using MathNet.Numerics.LinearAlgebra;

namespace NeuralNetworks.Model;

/// <summary>
/// Checks backpropagation against the definition of a derivative: nudge one parameter by ±ε, measure the
/// cost both times, and compare (C(θ + ε) − C(θ − ε)) / 2ε with what <see cref="Network.Backward(ForwardPass, Matrix{double})"/> says.
/// </summary>
public static class GradientCheck
{
    /// <summary>Below this, |g| + |n| counts as zero and the relative error as 0.</summary>
    private const double Tiny = 1e-12;

    /// <summary>Checks every weight and bias for one example x with target y.</summary>
    public static GradientCheckResult Run(Network network, Vector<double> x, Vector<double> y, double epsilon = 1e-4) =>
        Run(network, x.ToColumnMatrix(), y.ToColumnMatrix(), epsilon);

    /// <summary>Checks every weight and bias for a mini-batch (the mean cost over its columns).</summary>
    public static GradientCheckResult Run(Network network, Matrix<double> X, Matrix<double> Y, double epsilon = 1e-4)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (!(epsilon > 0)) throw new ArgumentException($"ε must be positive, not {epsilon}.", nameof(epsilon));
        var backward = network.Backward(network.Forward(X), Y);
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
            var gW = backward[l].GradW;
            var gB = backward[l].GradB;
            layers.Add(new LayerGradientCheck(l, gW, numW, gW.Map2(RelativeError, numW), gB, numB, gB.Map2(RelativeError, numB)));
        }
        return new GradientCheckResult(layers, epsilon);
    }

    /// <summary>|g − n| / (|g| + |n|), or 0 when both are (nearly) zero.</summary>
    public static double RelativeError(double g, double n)
    {
        double scale = Math.Abs(g) + Math.Abs(n);
        return scale < Tiny ? 0.0 : Math.Abs(g - n) / scale;
    }
}
