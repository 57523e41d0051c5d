namespace NeuralNetworks;

/// <summary>
/// Training stopped because the cost became NaN or infinite: the learning rate is too large for this network
/// (or the inputs are not what the network expects). Nothing was overwritten with NaN.
/// </summary>
public sealed class TrainingDivergedException(int epoch, int step, double learningRate, double cost)
    : Exception($"Training diverged at epoch {epoch}, step {step}: the cost became {cost} with learning rate η = {learningRate}. " +
                "Try a smaller learning rate.")
{
    /// <summary>The epoch (1-based) in which the cost blew up.</summary>
    public int Epoch { get; } = epoch;

    /// <summary>The step within that epoch (1-based).</summary>
    public int Step { get; } = step;

    /// <summary>η of the run.</summary>
    public double LearningRate { get; } = learningRate;

    /// <summary>The cost that was not finite.</summary>
    public double Cost { get; } = cost;
}
