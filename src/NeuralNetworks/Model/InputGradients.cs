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
    /// ∂aᴸⱼ/∂x, one number per input pixel: BP1 with aᴸⱼ in place of the cost, ∂aᴸⱼ/∂zᴸ = eⱼ passed back through the
    /// output activation (eⱼ ⊙ σ′(zᴸ), or softmax's Jacobian: <see cref="Activation.Backpropagate"/>); BP2 down the layers,
    /// ((Wˡ⁺¹)ᵀ ·) ⊙ σ′(zˡ); and one step further, to the input, ∂aᴸⱼ/∂x = (W¹)ᵀ ∂aᴸⱼ/∂z¹.
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

        var e = Matrix<double>.Build.Dense(network.Sizes[L], 1);
        e[output, 0] = 1;
        var gradient = pass[L].Activation.Backpropagate(pass[L].Z, pass[L].A, e).Column(0);      // ∂aᴸⱼ/∂zᴸ
        for (int l = L - 1; l >= 1; l--)
            gradient = network.W(l + 1).TransposeThisAndMultiply(gradient)
                .PointwiseMultiply(pass[l].Activation.Derivative(pass[l].Z.Column(0)));          // ∂aᴸⱼ/∂zˡ, as BP2
        return network.W(1).TransposeThisAndMultiply(gradient);                                   // ∂aᴸⱼ/∂x = (W¹)ᵀ ∂aᴸⱼ/∂z¹
    }
}
