using MathNet.Numerics.LinearAlgebra;

namespace NeuralNetworks.Model;

/// <summary>One layer of a gradient check: backpropagation's gradients beside numerical ones.</summary>
/// <param name="Layer">l = 1…L.</param>
/// <param name="GradW">∂C/∂Wˡ from backpropagation.</param>
/// <param name="NumericalGradW">The same by central differences: (C(w + ε) − C(w − ε)) / 2ε for each weight.</param>
/// <param name="RelativeErrorW">|g − n| / max(|g| + |n|, tiny) for each weight, where g is backprop's and n the numerical value.</param>
/// <param name="GradB">∂C/∂bˡ from backpropagation.</param>
/// <param name="NumericalGradB">∂C/∂bˡ by central differences.</param>
/// <param name="RelativeErrorB">The relative error for each bias.</param>
public sealed record LayerGradientCheck(int Layer, Matrix<double> GradW, Matrix<double> NumericalGradW, Matrix<double> RelativeErrorW,
    Vector<double> GradB, Vector<double> NumericalGradB, Vector<double> RelativeErrorB)
{
    /// <summary>The largest relative error over the layer's weights and biases.</summary>
    public double MaxRelativeError => Math.Max(RelativeErrorW.Enumerate().Max(), RelativeErrorB.Enumerate().Max());
}
