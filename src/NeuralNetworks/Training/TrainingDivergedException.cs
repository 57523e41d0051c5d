using System.Globalization;

namespace NeuralNetworks.Training;

/// <summary>
/// Training stopped because the cost became NaN or infinite, or grew a million-fold above its first step's: the learning
/// rate is too large for this network (or the inputs are not what the network expects). Nothing was overwritten with NaN.
/// </summary>
public sealed class TrainingDivergedException(int epoch, int step, double learningRate, double cost, double firstCost = double.NaN, double weightDecay = 0)
    : Exception($"Training diverged at epoch {epoch}, step {step}: the cost became {cost.ToString("G4", CultureInfo.InvariantCulture)}" +
                (double.IsFinite(cost) && double.IsFinite(firstCost)
                    ? $", over a million times its first step's {firstCost.ToString("0.####", CultureInfo.InvariantCulture)},"
                    : "") +
                $" with learning rate η = {learningRate.ToString(CultureInfo.InvariantCulture)}" + Advice(learningRate, weightDecay))
{
    // A weight decay with ηλ ≥ 1 makes every step multiply each weight by 1 − ηλ ≤ 0 whatever the gradient: a smaller η
    // alone may not mend it (a hostile user's audit, 2026-12-06: λ = 1000 was blamed on η = 3).
    private static string Advice(double learningRate, double weightDecay) =>
        weightDecay > 0 && learningRate * weightDecay >= 1
            ? $" and weight decay λ = {weightDecay.ToString(CultureInfo.InvariantCulture)}: each step multiplies every weight by 1 − ηλ = " +
              $"{(1 - learningRate * weightDecay).ToString("G4", CultureInfo.InvariantCulture)}. Keep ηλ well below 1 (a smaller λ, e.g. 5e-5, or a smaller η)."
            : ". Try a smaller learning rate.";

    /// <summary>How many times the first step's cost (or 1, if that is larger) a step's cost may reach before training
    /// counts as diverged: far beyond any wobble of a run that learns, reached within steps by one that feeds on itself.</summary>
    public const double Growth = 1e6;

    /// <summary>The epoch (1-based) in which the cost blew up.</summary>
    public int Epoch { get; } = epoch;

    /// <summary>The step within that epoch (1-based).</summary>
    public int Step { get; } = step;

    /// <summary>η of the run.</summary>
    public double LearningRate { get; } = learningRate;

    /// <summary>The cost that was not finite, or too large.</summary>
    public double Cost { get; } = cost;

    /// <summary>The first step's cost, when the run got that far.</summary>
    public double FirstCost { get; } = firstCost;
}
