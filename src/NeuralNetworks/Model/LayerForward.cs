using MathNet.Numerics.LinearAlgebra;

namespace NeuralNetworks.Model;

/// <summary>
/// One layer l of a forward pass: what came in, the parameters used, and what came out.
/// Each matrix has one column per example (a single example is one column).
/// </summary>
/// <param name="Layer">l = 1…L; the input layer is l = 0 and has no record.</param>
/// <param name="Input">aˡ⁻¹, the previous layer's activations (nˡ⁻¹ × m).</param>
/// <param name="W">Wˡ, row j holding neuron j's weights on the previous layer (nˡ × nˡ⁻¹).</param>
/// <param name="b">bˡ, one bias per neuron (nˡ).</param>
/// <param name="Z">zˡ = Wˡ aˡ⁻¹ + bˡ, the weighted sums (nˡ × m).</param>
/// <param name="A">aˡ = σ(zˡ), the activations (nˡ × m).</param>
/// <param name="Activation">The σ this layer applies.</param>
public sealed record LayerForward(int Layer, Matrix<double> Input, Matrix<double> W, Vector<double> b, Matrix<double> Z, Matrix<double> A, Activation Activation);
