using System.Globalization;

namespace NeuralNetworks.Training;

/// <summary>
/// How the learning rate changes from epoch to epoch: epoch e (1…E) uses η · f(e), where η is
/// <see cref="TrainingOptions.LearningRate"/> and f is this schedule's <see cref="Factor"/>. Big steps while far
/// from a minimum, small ones to settle into it. <see cref="ToString"/> writes a schedule the way
/// <see cref="Parse"/> reads it (constant, cosine, exponential:0.95, step:10:0.1), and two schedules with the same
/// text are equal.
/// </summary>
public abstract record LearningRateSchedule
{
    private protected LearningRateSchedule() { }

    /// <summary>f(e) = 1: the same η every epoch.</summary>
    public static LearningRateSchedule Constant { get; } = new ConstantSchedule();

    /// <summary>Cosine annealing: f(e) = ½ (1 + cos(π (e − 1) / E)), from 1 in the first epoch down towards 0 in the
    /// last, falling slowly at both ends and fastest in the middle.</summary>
    public static LearningRateSchedule Cosine { get; } = new CosineSchedule();

    /// <summary>Exponential decay: f(e) = decay^(e − 1), e.g. η, 0.95η, 0.95²η, … (decay 1 is <see cref="Constant"/>).</summary>
    /// <param name="decay">What η is multiplied by after every epoch, in (0, 1].</param>
    /// <exception cref="ArgumentException">The decay is not in (0, 1].</exception>
    public static LearningRateSchedule Exponential(double decay)
    {
        if (!(decay > 0 && decay <= 1)) throw new ArgumentException($"An exponential schedule multiplies η by a decay in (0, 1] every epoch, not {Text(decay)}.", nameof(decay));
        return decay == 1 ? Constant : new ExponentialSchedule(decay);
    }

    /// <summary>Step decay: f(e) = factor^⌊(e − 1) / every⌋, e.g. η, η, …, then η/10 after <paramref name="every"/> epochs, and so on.</summary>
    /// <param name="every">Epochs between drops (at least 1).</param>
    /// <param name="factor">What each drop multiplies η by, in (0, 1].</param>
    /// <exception cref="ArgumentException">An argument is out of range.</exception>
    public static LearningRateSchedule Step(int every, double factor = 0.1)
    {
        if (every < 1) throw new ArgumentException($"A step schedule drops η every 1 or more epochs, not {every}.", nameof(every));
        if (!(factor > 0 && factor <= 1)) throw new ArgumentException($"A step schedule multiplies η by a factor in (0, 1], not {Text(factor)}.", nameof(factor));
        return new StepSchedule(every, factor);
    }

    /// <summary>The multiplier f(e) of η in epoch <paramref name="epoch"/> (1…<paramref name="epochs"/>).</summary>
    public abstract double Factor(int epoch, int epochs);

    /// <summary>The schedule's text, as <see cref="Parse"/> reads it: constant, cosine, exponential:DECAY or step:EVERY:FACTOR.</summary>
    public abstract override string ToString();

    /// <summary>
    /// The schedule <paramref name="text"/> names: <c>constant</c>, <c>cosine</c>, <c>exponential:DECAY</c> (× DECAY every
    /// epoch) or <c>step:EVERY[:FACTOR]</c> (× FACTOR, 0.1 when left out, every EVERY epochs); any case, numbers with a
    /// decimal point.
    /// </summary>
    /// <exception cref="ArgumentException">The text names no schedule, or a number in it is out of range.</exception>
    public static LearningRateSchedule Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Trim().ToLowerInvariant().Split(':');
        return (parts[0], parts.Length) switch
        {
            ("constant", 1) => Constant,
            ("cosine", 1) => Cosine,
            ("exponential", 2) => Exponential(Number(parts[1], "DECAY", text)),
            ("step", 2) => Step(WholeNumber(parts[1], text)),
            ("step", 3) => Step(WholeNumber(parts[1], text), Number(parts[2], "FACTOR", text)),
            _ => throw new ArgumentException($"Unknown schedule '{text}': choose constant, cosine, exponential:DECAY or step:EVERY[:FACTOR], e.g. exponential:0.95 or step:10:0.1.", nameof(text)),
        };
    }

    private static double Number(string part, string what, string text) =>
        double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw new ArgumentException($"In the schedule '{text}', {what} '{part}' is not a number (write decimals with a point, e.g. 0.5).", nameof(text));

    private static int WholeNumber(string part, string text) =>
        int.TryParse(part, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new ArgumentException($"In the schedule '{text}', EVERY '{part}' is not a whole number of epochs.", nameof(text));

    private static string Text(double x) => x.ToString(CultureInfo.InvariantCulture);

    private sealed record ConstantSchedule : LearningRateSchedule
    {
        public override double Factor(int epoch, int epochs) => 1.0;
        public override string ToString() => "constant";
    }

    private sealed record CosineSchedule : LearningRateSchedule
    {
        public override double Factor(int epoch, int epochs) => 0.5 * (1 + Math.Cos(Math.PI * (epoch - 1) / epochs));
        public override string ToString() => "cosine";
    }

    private sealed record ExponentialSchedule(double Decay) : LearningRateSchedule
    {
        public override double Factor(int epoch, int epochs) => Math.Pow(Decay, epoch - 1);
        public override string ToString() => $"exponential:{Text(Decay)}";
    }

    private sealed record StepSchedule(int Every, double Multiplier) : LearningRateSchedule
    {
        public override double Factor(int epoch, int epochs) => Math.Pow(Multiplier, (epoch - 1) / Every);
        public override string ToString() => $"step:{Every}:{Text(Multiplier)}";
    }
}
