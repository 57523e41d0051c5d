using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Model;

namespace NeuralNetworks.Training;

/// <summary>
/// The velocity of every weight and bias for gradient descent with momentum: vˡ_W has the shape of Wˡ and
/// vˡ_b that of bˡ. It starts at zero and remembers where the recent gradients pointed.
/// </summary>
/// <param name="W">v_W for l = 1…L (index l − 1).</param>
/// <param name="b">v_b for l = 1…L (index l − 1).</param>
public sealed record Velocity(IReadOnlyList<Matrix<double>> W, IReadOnlyList<Vector<double>> b)
{
    /// <summary>v = 0 for every weight and bias of <paramref name="network"/>: the first step is a plain gradient step.</summary>
    public static Velocity Zero(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return new(network.Weights.Select(W => Matrix<double>.Build.Dense(W.RowCount, W.ColumnCount)).ToArray(),
                   network.Biases.Select(b => Vector<double>.Build.Dense(b.Count)).ToArray());
    }
}

/// <summary>
/// One step of gradient descent with momentum and L2 weight decay — the update rule of <see cref="Trainer"/>.
/// For every weight matrix (biases alike, without the decay term):
/// <code>
/// g = ∂C/∂W + λW                 weight decay: the gradient of C + (λ/2)‖W‖²
/// v ← μv + g                      momentum: v remembers past gradients, μ ∈ [0, 1)
/// W ← W − η v                     classical momentum
/// W ← W − η (g + μv)              Nesterov: step as if already moved by μv
/// </code>
/// With μ = 0 and λ = 0 this is plain SGD, W ← W − η ∂C/∂W (<see cref="Network.Step"/>).
/// </summary>
public static class Momentum
{
    /// <summary>The new network and velocity after one step (the network and velocity passed in are not changed).</summary>
    /// <param name="network">The network before the step.</param>
    /// <param name="gradients">∂C/∂W and ∂C/∂b from <see cref="Network.Backward(ForwardPass, Matrix{double})"/>.</param>
    /// <param name="velocity">v before the step (<see cref="Velocity.Zero"/> at the start).</param>
    /// <param name="learningRate">η.</param>
    /// <param name="momentum">μ (0: no momentum).</param>
    /// <param name="nesterov">Nesterov's form of momentum instead of the classical one.</param>
    /// <param name="weightDecay">λ (0: no weight decay).</param>
    public static (Network Network, Velocity Velocity) Step(Network network, BackwardPass gradients, Velocity velocity,
        double learningRate, double momentum = 0, bool nesterov = false, double weightDecay = 0)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(gradients);
        ArgumentNullException.ThrowIfNull(velocity);
        int L = network.LayerCount;
        var W = new Matrix<double>[L];
        var b = new Vector<double>[L];
        var vW = new Matrix<double>[L];
        var vb = new Vector<double>[L];
        for (int l = 1; l <= L; l++)
        {
            var gW = gradients[l].GradW + weightDecay * network.W(l);     // g = ∂C/∂W + λW
            var gb = gradients[l].GradB;                                   // biases are not decayed
            vW[l - 1] = momentum * velocity.W[l - 1] + gW;                 // v ← μv + g
            vb[l - 1] = momentum * velocity.b[l - 1] + gb;
            W[l - 1] = network.W(l) - learningRate * (nesterov ? gW + momentum * vW[l - 1] : vW[l - 1]);
            b[l - 1] = network.b(l) - learningRate * (nesterov ? gb + momentum * vb[l - 1] : vb[l - 1]);
        }
        return (network.WithParameters(W, b), new Velocity(vW, vb));
    }
}
