namespace NeuralNetworks.Model;

/// <summary>How the weights start.</summary>
public enum Initialization
{
    /// <summary>Every weight and bias drawn from N(0, 1), as in Nielsen's network.py.</summary>
    Standard,

    /// <summary>Weights of layer l drawn from N(0, 1/nˡ⁻¹), so a neuron's weighted sum starts near N(0, 1)
    /// whatever its fan-in; biases from N(0, 1).</summary>
    Scaled,
}
