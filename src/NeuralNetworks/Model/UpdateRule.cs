using MathNet.Numerics.LinearAlgebra;

namespace NeuralNetworks.Model;

/// <summary>
/// How one step of gradient descent moves the weights and biases once backpropagation has their gradients: plain
/// gradient descent, or with momentum μ (classical or Nesterov's) and L2 weight decay λ. For every weight matrix
/// (biases alike, without the decay term):
/// <code>
/// g = ∂C/∂W + λW                 weight decay: the gradient of C + (λ/2)‖W‖²
/// v ← μv + g                      momentum: v remembers past gradients, μ ∈ [0, 1)
/// W ← W − η v                     classical momentum
/// W ← W − η (g + μv)              Nesterov: step as if already moved by μv
/// </code>
/// With μ = 0 and λ = 0 this is plain gradient descent, W ← W − η ∂C/∂W (<see cref="Network.Step"/>). The one value
/// every training path takes: the readable loop calls <see cref="Step"/>, the fast path does the same arithmetic in float32.
/// </summary>
/// <param name="Momentum">μ ∈ [0, 1) (0: no momentum).</param>
/// <param name="Nesterov">Nesterov's form of momentum instead of the classical one (needs μ above 0).</param>
/// <param name="WeightDecay">λ ≥ 0 (0: no weight decay).</param>
/// <exception cref="ArgumentException">A value is out of range; the parameter name says which.</exception>
public sealed record UpdateRule(double Momentum = 0, bool Nesterov = false, double WeightDecay = 0)
{
    /// <summary>Plain gradient descent: μ = 0, λ = 0.</summary>
    public static UpdateRule Plain { get; } = new();

    /// <summary>μ ∈ [0, 1).</summary>
    public double Momentum { get; } = Momentum >= 0 && Momentum < 1 ? Momentum
        : throw new ArgumentException($"Momentum μ must be in [0, 1), not {Momentum}.", nameof(Momentum));

    /// <summary>Nesterov's form of momentum.</summary>
    public bool Nesterov { get; } = !Nesterov || Momentum > 0 ? Nesterov
        : throw new ArgumentException("Nesterov momentum needs a momentum μ above 0.", nameof(Nesterov));

    /// <summary>λ ≥ 0.</summary>
    public double WeightDecay { get; } = WeightDecay >= 0 && !double.IsInfinity(WeightDecay) ? WeightDecay
        : throw new ArgumentException($"Weight decay λ must be 0 or more, and finite, not {WeightDecay}.", nameof(WeightDecay));

    /// <summary>True for plain gradient descent (μ = 0 and λ = 0): no velocity to keep.</summary>
    public bool IsPlain => Momentum == 0 && WeightDecay == 0;

    /// <summary>The new network and velocity after one step (the network and velocity passed in are not changed).</summary>
    /// <param name="network">The network before the step.</param>
    /// <param name="gradients">∂C/∂W and ∂C/∂b from <see cref="Network.Backward(ForwardPass, Matrix{double})"/>.</param>
    /// <param name="velocity">v before the step (<see cref="Velocity.Zero"/> at the start).</param>
    /// <param name="learningRate">η.</param>
    public (Network Network, Velocity Velocity) Step(Network network, BackwardPass gradients, Velocity velocity, double learningRate)
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
            var gW = gradients[l].GradW + WeightDecay * network.W(l);     // g = ∂C/∂W + λW
            var gb = gradients[l].GradB;                                   // biases are not decayed
            vW[l - 1] = Momentum * velocity.W[l - 1] + gW;                 // v ← μv + g
            vb[l - 1] = Momentum * velocity.b[l - 1] + gb;
            W[l - 1] = network.W(l) - learningRate * (Nesterov ? gW + Momentum * vW[l - 1] : vW[l - 1]);
            b[l - 1] = network.b(l) - learningRate * (Nesterov ? gb + Momentum * vb[l - 1] : vb[l - 1]);
        }
        return (network.WithParameters(W, b), new Velocity(vW, vb));
    }
}

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
