namespace NeuralNetworks.Model;

/// <summary>The result of a <see cref="GradientCheck"/>.</summary>
/// <param name="Layers">Per layer l = 1…L (index l − 1).</param>
/// <param name="Epsilon">ε, the nudge of the central differences.</param>
public sealed record GradientCheckResult(IReadOnlyList<LayerGradientCheck> Layers, double Epsilon)
{
    /// <summary>The layer record for l = 1…L.</summary>
    public LayerGradientCheck this[int l] => Layers[l - 1];

    /// <summary>The largest relative error over every parameter.</summary>
    public double MaxRelativeError => Layers.Max(r => r.MaxRelativeError);

    /// <inheritdoc/>
    public override string ToString() =>
        $"Gradient check (ε = {Epsilon:g2}): max relative error {MaxRelativeError:e2}; per layer " +
        string.Join(", ", Layers.Select(r => $"l={r.Layer}: {r.MaxRelativeError:e2}"));
}
