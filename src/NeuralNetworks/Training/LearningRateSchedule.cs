namespace NeuralNetworks.Training;

/// <summary>
/// How the learning rate changes from epoch to epoch: epoch e (1…E) uses η · f(e), where η is
/// <see cref="TrainingOptions.LearningRate"/> and f is this schedule's <see cref="Factor"/>. Big steps while far
/// from a minimum, small ones to settle into it.
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>f(e) = 1: the same η every epoch.</summary>
    public static LearningRateSchedule Constant { get; } = new ConstantSchedule();

    /// <summary>Cosine annealing: f(e) = ½ (1 + cos(π (e − 1) / E)), from 1 in the first epoch down towards 0 in the
    /// last, falling slowly at both ends and fastest in the middle.</summary>
    public static LearningRateSchedule Cosine { get; } = new CosineSchedule();

    /// <summary>Step decay: f(e) = factor^⌊(e − 1) / every⌋, e.g. η, η, …, then η/10 after <paramref name="every"/> epochs, and so on.</summary>
    /// <param name="every">Epochs between drops (at least 1).</param>
    /// <param name="factor">What each drop multiplies η by, in (0, 1].</param>
    /// <exception cref="ArgumentException">An argument is out of range.</exception>
    public static LearningRateSchedule Step(int every, double factor = 0.1)
    {
        if (every < 1) throw new ArgumentException($"A step schedule drops η every 1 or more epochs, not {every}.", nameof(every));
        if (!(factor > 0 && factor <= 1)) throw new ArgumentException($"A step schedule multiplies η by a factor in (0, 1], not {factor}.", nameof(factor));
        return new StepSchedule(every, factor);
    }

    /// <summary>The multiplier f(e) of η in epoch <paramref name="epoch"/> (1…<paramref name="epochs"/>).</summary>
    public abstract double Factor(int epoch, int epochs);

    /// <summary>A short description for labels and tables.</summary>
    public abstract override string ToString();

    private sealed class ConstantSchedule : LearningRateSchedule
    {
        public override double Factor(int epoch, int epochs) => 1.0;
        public override string ToString() => "constant";
    }

    private sealed class CosineSchedule : LearningRateSchedule
    {
        public override double Factor(int epoch, int epochs) => 0.5 * (1 + Math.Cos(Math.PI * (epoch - 1) / epochs));
        public override string ToString() => "cosine";
    }

    private sealed class StepSchedule(int every, double factor) : LearningRateSchedule
    {
        public override double Factor(int epoch, int epochs) => Math.Pow(factor, (epoch - 1) / every);
        public override string ToString() => $"×{factor} every {every} epochs";
    }
}
