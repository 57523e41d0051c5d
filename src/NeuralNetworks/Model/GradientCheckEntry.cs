using System.Globalization;

namespace NeuralNetworks.Model;

/// <summary>
/// One parameter of a <see cref="GradientCheck"/>: the gradient g that backpropagation (or your code) gave for it beside
/// the numerical one, n = (C(θ + ε) − C(θ − ε)) / 2ε.
/// </summary>
/// <param name="Layer">l = 1…L.</param>
/// <param name="IsBias">True for a bias bˡⱼ, false for a weight Wˡⱼₖ.</param>
/// <param name="Row">j, the neuron of layer l.</param>
/// <param name="Column">k, the neuron of layer l − 1 (0 for a bias).</param>
/// <param name="Gradient">g, the gradient being checked.</param>
/// <param name="Numerical">n, the central difference.</param>
public sealed record GradientCheckEntry(int Layer, bool IsBias, int Row, int Column, double Gradient, double Numerical)
{
    /// <summary>"W²[3, 5]" or "b²[3]".</summary>
    public string Name => IsBias
        ? $"b{Notation.Superscript(Layer)}[{Row}]"
        : $"W{Notation.Superscript(Layer)}[{Row}, {Column}]";

    /// <summary>|g − n|.</summary>
    public double AbsoluteError => Math.Abs(Gradient - Numerical);

    /// <summary>|g − n| / (|g| + |n|) (between 0 and 1; 0 when both are 0).</summary>
    public double RelativeError => GradientCheck.RelativeError(Gradient, Numerical);

    /// <summary>
    /// |g| + |n| ≥ <see cref="GradientCheck.Sizeable"/>: large enough for the relative error to measure agreement. Below it
    /// the numbers are round-off on a gradient that is (nearly) 0, and only the absolute error means something.
    /// </summary>
    public bool IsSizeable => GradientCheck.IsSizeable(Gradient, Numerical);

    /// <summary>Whether this entry passes: relative error below <see cref="GradientCheck.RelativeTolerance"/> when sizeable,
    /// else absolute error below <see cref="GradientCheck.AbsoluteTolerance"/>.</summary>
    public bool Agrees => IsSizeable ? RelativeError < GradientCheck.RelativeTolerance : AbsoluteError < GradientCheck.AbsoluteTolerance;

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Name}: gradient {Number(Gradient)}, numerical {Number(Numerical)}, " +
        (IsSizeable ? $"relative error {RelativeError.ToString("0.0e+0", CultureInfo.InvariantCulture)}"
                    : $"both nearly 0, |g − n| = {AbsoluteError.ToString("0.0e+0", CultureInfo.InvariantCulture)}");

    private static string Number(double x) => x.ToString("g6", CultureInfo.InvariantCulture);
}
