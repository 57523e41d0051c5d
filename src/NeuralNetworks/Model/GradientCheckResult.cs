using System.Globalization;

namespace NeuralNetworks.Model;

/// <summary>
/// The result of a <see cref="GradientCheck"/>, judged the way it should be read: by the relative error
/// |g − n| / (|g| + |n|) where the gradient is sizeable (|g| + |n| ≥ <see cref="GradientCheck.Sizeable"/>), and by the
/// absolute error |g − n| where both numbers are nearly 0. (A relative error of 1 between 10⁻¹⁷ and 10⁻¹³ is round-off on a
/// saturated neuron, not a bug; a relative error of 1 between 0.01 and 0.03 is a bug.)
/// </summary>
/// <param name="Layers">Per layer l = 1…L (index l − 1).</param>
/// <param name="Epsilon">ε, the nudge of the central differences.</param>
public sealed record GradientCheckResult(IReadOnlyList<LayerGradientCheck> Layers, double Epsilon)
{
    /// <summary>The layer record for l = 1…L.</summary>
    public LayerGradientCheck this[int l] => Layers[l - 1];

    /// <summary>Every weight and bias checked.</summary>
    public IEnumerable<GradientCheckEntry> Entries => Layers.SelectMany(r => r.Entries);

    /// <summary>How many parameters were checked.</summary>
    public int Count => Layers.Sum(r => r.Count);

    /// <summary>How many have a sizeable gradient, |g| + |n| ≥ <see cref="GradientCheck.Sizeable"/>.</summary>
    public int SizeableCount => Layers.Sum(r => r.SizeableCount);

    /// <summary>The largest relative error among the sizeable gradients (0 when none is sizeable).</summary>
    public double MaxRelativeError => Layers.Max(r => r.MaxRelativeError);

    /// <summary>The largest |g − n| among the gradients that are nearly 0 (0 when there are none).</summary>
    public double MaxAbsoluteErrorNearZero => Layers.Max(r => r.MaxAbsoluteErrorNearZero);

    /// <summary>True when every sizeable gradient has a relative error below <see cref="GradientCheck.RelativeTolerance"/> and
    /// every other one an absolute error below <see cref="GradientCheck.AbsoluteTolerance"/>.</summary>
    public bool Agrees => Entries.All(e => e.Agrees);

    /// <summary>The entry that decides the verdict: the first one that fails, else the sizeable one with the largest
    /// relative error (null when nothing was checked).</summary>
    public GradientCheckEntry? Worst =>
        Entries.Where(e => !e.Agrees).MaxBy(e => e.IsSizeable ? e.RelativeError : e.AbsoluteError / GradientCheck.Sizeable)
        ?? Entries.Where(e => e.IsSizeable).MaxBy(e => e.RelativeError)
        ?? Entries.MaxBy(e => e.AbsoluteError);

    /// <summary>The verdict first, then the numbers behind it, e.g. "Gradient check (ε = 1e-4), 13,002 parameters:
    /// agrees with finite differences. 2,475 sizeable gradients: max relative error 3.5e-6 (below 1e-4); the other
    /// 10,527 are nearly 0: max |g − n| 1.6e-10 (below 1e-8)."</summary>
    public override string ToString()
    {
        int sizeable = SizeableCount, rest = Count - sizeable;
        string verdict = Agrees
            ? "agrees with finite differences"
            : $"DISAGREES with finite differences: the gradient has a bug (worst: {Worst})";
        return $"Gradient check (ε = {Short(Epsilon)}), {Count:N0} parameters: {verdict}. " +
               $"{sizeable:N0} sizeable gradient{(sizeable == 1 ? "" : "s")} (|g| + |n| ≥ {Short(GradientCheck.Sizeable)}): " +
               $"max relative error {Short(MaxRelativeError)} ({Compared(MaxRelativeError, GradientCheck.RelativeTolerance)}); " +
               $"the other {rest:N0} {(rest == 1 ? "is" : "are")} nearly 0: max |g − n| {Short(MaxAbsoluteErrorNearZero)} " +
               $"({Compared(MaxAbsoluteErrorNearZero, GradientCheck.AbsoluteTolerance)}).";
    }

    /// <summary>1e-4 as "1e-4", 3.52e-6 as "3.5e-6".</summary>
    internal static string Short(double x) => x == 0 ? "0" : x.ToString("0.#e-0", CultureInfo.InvariantCulture);

    private static string Compared(double value, double tolerance) =>
        value < tolerance ? $"below {Short(tolerance)}" : $"NOT below {Short(tolerance)}";
}
