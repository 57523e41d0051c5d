using MathNet.Numerics.LinearAlgebra;

namespace NeuralNetworks.Model;

/// <summary>
/// How an output of the network changes with its input: backpropagation of one output neuron aᴸⱼ (instead of the
/// cost) all the way down to the 784 pixels. It answers "which pixels would make this more of a j?", and the
/// playground page computes the same numbers in JavaScript.
/// </summary>
public static class InputGradients
{
    /// <summary>
    /// ∂aᴸⱼ/∂x, one number per input pixel: BP1 with aᴸⱼ in place of the cost, δᴸ = eⱼ ⊙ σ′(zᴸ); BP2 down the
    /// layers, δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ′(zˡ); and one step further, to the input, ∂aᴸⱼ/∂x = (W¹)ᵀ δ¹.
    /// </summary>
    /// <param name="network">The network.</param>
    /// <param name="x">The input a⁰ (n⁰ numbers).</param>
    /// <param name="output">The output neuron j (for MNIST, the digit).</param>
    public static Vector<double> InputGradient(this Network network, Vector<double> x, int output)
    {
        ArgumentNullException.ThrowIfNull(network);
        int L = network.LayerCount;
        if (output < 0 || output >= network.Sizes[L])
            throw new ArgumentOutOfRangeException(nameof(output), output, $"The network has outputs 0–{network.Sizes[L] - 1}.");
        var pass = network.Forward(x);

        var e = Vector<double>.Build.Dense(network.Sizes[L]);
        e[output] = 1;
        var delta = e.PointwiseMultiply(pass[L].Activation.Derivative(pass[L].Z.Column(0)));        // δᴸ = eⱼ ⊙ σ′(zᴸ)
        for (int l = L - 1; l >= 1; l--)
            delta = network.W(l + 1).TransposeThisAndMultiply(delta)
                .PointwiseMultiply(pass[l].Activation.Derivative(pass[l].Z.Column(0)));           // δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ′(zˡ)
        return network.W(1).TransposeThisAndMultiply(delta);                                      // ∂aᴸⱼ/∂x = (W¹)ᵀ δ¹
    }
}
