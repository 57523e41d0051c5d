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

/// <summary>The names of <see cref="Initialization"/>'s values, as the command line and messages write them.</summary>
public static class InitializationNames
{
    extension(Initialization initialization)
    {
        /// <summary>"standard" or "scaled".</summary>
        public string Name => initialization.ToString().ToLowerInvariant();
    }

    extension(Initialization)
    {
        /// <summary>The initialisation called <paramref name="name"/> (standard or scaled; any case).</summary>
        /// <exception cref="ArgumentException">No initialisation has that name.</exception>
        public static Initialization Parse(string name) =>
            Enum.GetValues<Initialization>().Where(i => string.Equals(i.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase))
                .Cast<Initialization?>().FirstOrDefault()
            ?? throw new ArgumentException($"Unknown initialization '{name}': choose standard (N(0, 1)) or scaled (N(0, 1/fan-in)).", nameof(name));
    }
}
