using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Model;

namespace NeuralNetworks.Training;

/// <summary>One step of gradient descent with momentum and L2 weight decay in one call, as notebook 11 writes it: the
/// step of <see cref="UpdateRule"/>, which holds the rule and its equations.</summary>
public static class Momentum
{
    /// <summary>The new network and velocity after one step: <c>new UpdateRule(momentum, nesterov, weightDecay).Step(…)</c>.</summary>
    /// <param name="network">The network before the step.</param>
    /// <param name="gradients">∂C/∂W and ∂C/∂b from <see cref="Network.Backward(ForwardPass, Matrix{double})"/>.</param>
    /// <param name="velocity">v before the step (<see cref="Velocity.Zero"/> at the start).</param>
    /// <param name="learningRate">η.</param>
    /// <param name="momentum">μ (0: no momentum).</param>
    /// <param name="nesterov">Nesterov's form of momentum instead of the classical one.</param>
    /// <param name="weightDecay">λ (0: no weight decay).</param>
    public static (Network Network, Velocity Velocity) Step(Network network, BackwardPass gradients, Velocity velocity,
        double learningRate, double momentum = 0, bool nesterov = false, double weightDecay = 0) =>
        new UpdateRule(momentum, nesterov, weightDecay).Step(network, gradients, velocity, learningRate);
}
