using MathNet.Numerics.LinearAlgebra;

namespace NeuralNetworks.Model;

/// <summary>Everything a backward pass computed, and the cost it differentiated.</summary>
/// <param name="Layers">Layer records for l = 1…L (index l − 1).</param>
/// <param name="Cost">C, the cost averaged over the examples.</param>
/// <param name="Target">y, the targets (one column per example).</param>
public sealed record BackwardPass(IReadOnlyList<LayerBackward> Layers, double Cost, Matrix<double> Target)
{
    /// <summary>The record of layer l (1…L), numbered as in the equations.</summary>
    public LayerBackward this[int l] => l >= 1 && l <= Layers.Count
        ? Layers[l - 1]
        : throw new ArgumentOutOfRangeException(nameof(l), l, $"Layers are numbered 1…{Layers.Count}.");

    /// <summary>The size of the whole gradient ‖∇C‖ over every weight and bias.</summary>
    public double GradientNorm => Math.Sqrt(Layers.Sum(r => r.GradW.FrobeniusNorm() * r.GradW.FrobeniusNorm() + r.GradB.DotProduct(r.GradB)));

    /// <inheritdoc/>
    public override string ToString() => $"Backward pass: C = {Cost:0.######}, ‖∇C‖ = {GradientNorm:0.######}";
}
