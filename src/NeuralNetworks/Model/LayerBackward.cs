using MathNet.Numerics.LinearAlgebra;

namespace NeuralNetworks.Model;

/// <summary>One layer l of a backward pass: its error and the gradients of the cost.</summary>
/// <param name="Layer">l = 1…L.</param>
/// <param name="Delta">δˡ = ∂C/∂zˡ, one column per example. BP1 for l = L: δᴸ = ∇ₐC ⊙ σ′(zᴸ);
/// BP2 below it: δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ′(zˡ).</param>
/// <param name="GradW">∂C/∂Wˡ = δˡ (aˡ⁻¹)ᵀ (BP4), averaged over the examples: (1/m) Σₓ δˡₓ (aˡ⁻¹ₓ)ᵀ. Same shape as Wˡ.</param>
/// <param name="GradB">∂C/∂bˡ = δˡ (BP3), averaged over the examples. Same shape as bˡ.</param>
public sealed record LayerBackward(int Layer, Matrix<double> Delta, Matrix<double> GradW, Vector<double> GradB);
