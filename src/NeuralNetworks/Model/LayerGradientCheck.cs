using MathNet.Numerics.LinearAlgebra;

namespace NeuralNetworks.Model;

/// <summary>One layer of a gradient check: the gradients being checked beside the numerical ones.</summary>
/// <param name="Layer">l = 1…L.</param>
/// <param name="GradW">∂C/∂Wˡ being checked (backpropagation's, or yours).</param>
/// <param name="NumericalGradW">The same by central differences: (C(w + ε) − C(w − ε)) / 2ε for each weight.</param>
/// <param name="GradB">∂C/∂bˡ being checked.</param>
/// <param name="NumericalGradB">∂C/∂bˡ by central differences.</param>
public sealed record LayerGradientCheck(int Layer, Matrix<double> GradW, Matrix<double> NumericalGradW,
    Vector<double> GradB, Vector<double> NumericalGradB)
{
    /// <summary>|g − n| / (|g| + |n|) for each weight (0 where both are 0), sizeable or not: see <see cref="GradientCheckEntry.IsSizeable"/>.</summary>
    public Matrix<double> RelativeErrorW => GradW.Map2(GradientCheck.RelativeError, NumericalGradW);

    /// <summary>|g − n| / (|g| + |n|) for each bias.</summary>
    public Vector<double> RelativeErrorB => GradB.Map2(GradientCheck.RelativeError, NumericalGradB);

    /// <summary>Every weight (row by row) and then every bias of the layer.</summary>
    public IEnumerable<GradientCheckEntry> Entries =>
        (from j in Enumerable.Range(0, GradW.RowCount)
         from k in Enumerable.Range(0, GradW.ColumnCount)
         select new GradientCheckEntry(Layer, false, j, k, GradW[j, k], NumericalGradW[j, k]))
        .Concat(Enumerable.Range(0, GradB.Count).Select(j => new GradientCheckEntry(Layer, true, j, 0, GradB[j], NumericalGradB[j])));

    /// <summary>Weights plus biases of the layer.</summary>
    public int Count => GradW.RowCount * GradW.ColumnCount + GradB.Count;

    /// <summary>How many have |g| + |n| ≥ <see cref="GradientCheck.Sizeable"/>.</summary>
    public int SizeableCount => Entries.Count(e => e.IsSizeable);

    /// <summary>The largest relative error among the sizeable gradients of the layer (0 when none is sizeable): the number
    /// that says whether the gradient is right. Where both numbers are nearly 0 it would measure round-off, so they are left out.</summary>
    public double MaxRelativeError => Entries.Where(e => e.IsSizeable).Select(e => e.RelativeError).DefaultIfEmpty(0).Max();

    /// <summary>The largest |g − n| among the gradients that are nearly 0 (0 when there are none).</summary>
    public double MaxAbsoluteErrorNearZero => Entries.Where(e => !e.IsSizeable).Select(e => e.AbsoluteError).DefaultIfEmpty(0).Max();
}
