using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using NeuralNetworks.Training;

namespace NeuralNetworks.Cli;

/// <summary>
/// What <c>train --summary FILE</c> writes: the run's results as JSON, so that a program that runs <c>train</c> (as
/// <c>bench --recipe</c> does) reads numbers, not the console text.
/// </summary>
/// <param name="Engine">The engine that trained, as <see cref="EngineUsed.ToString"/> says it.</param>
/// <param name="VectorBits">The fast path's SIMD width in bits (0 for the reference path).</param>
/// <param name="Threads">Threads the fast path used.</param>
/// <param name="Epochs">Every epoch: training seconds (the steps only), costs and accuracies.</param>
/// <param name="TestCorrect">Test examples classified right after the last epoch.</param>
/// <param name="TestCount">Test examples.</param>
/// <param name="LoadSeconds">Seconds to load and check the data.</param>
/// <param name="TrainingSeconds">Seconds of training steps, all epochs (<see cref="TrainingHistory.TotalSeconds"/>).</param>
/// <param name="TotalSeconds">Seconds from the start of the command (after the runtime started) to the end of training and testing.</param>
/// <param name="PeakMegabytes">The process's peak working set, in MB (10⁶ bytes).</param>
public sealed record TrainingSummary(
    string Engine, int VectorBits, int Threads, IReadOnlyList<TrainingSummary.Epoch> Epochs,
    int TestCorrect, int TestCount, double LoadSeconds, double TrainingSeconds, double TotalSeconds, double PeakMegabytes)
{
    /// <summary>One epoch of the run.</summary>
    /// <param name="Number">1, 2, …</param>
    /// <param name="Seconds">Training seconds (steps only, not the test evaluation).</param>
    /// <param name="TrainingCost">Mean mini-batch cost during the epoch.</param>
    /// <param name="TestCost">Cost on the test data after the epoch.</param>
    /// <param name="TestAccuracy">Fraction of the test data classified right after the epoch.</param>
    public sealed record Epoch(int Number, double Seconds, double TrainingCost, double? TestCost, double? TestAccuracy);

    // Generated at build time rather than found by reflection on first use, which took about 40 ms of every `train --summary`
    // (bench --recipe times that process: docs/performance-history.md, "Evening of 2026-12-05, later", item 2).
    private static readonly JsonTypeInfo<TrainingSummary> Json = SummaryJson.Default.TrainingSummary;

    /// <summary>The summary of a finished run.</summary>
    public static TrainingSummary Of(TrainingHistory history, int testCorrect, int testCount, double loadSeconds, double totalSeconds, double peakMegabytes)
    {
        ArgumentNullException.ThrowIfNull(history);
        return new(history.Engine.ToString(), history.Engine.VectorBits, history.Engine.Threads,
            history.Epochs.Select(e => new Epoch(e.Epoch, e.Seconds, e.TrainingCost, e.TestCost, e.TestAccuracy)).ToList(),
            testCorrect, testCount, loadSeconds, history.TotalSeconds, totalSeconds, peakMegabytes);
    }

    /// <summary>Writes it as JSON to <paramref name="path"/>.</summary>
    public void Save(string path) => File.WriteAllText(path, ToJson());

    /// <summary>The JSON <see cref="Save"/> writes.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a summary that <see cref="Save"/> wrote.</summary>
    public static TrainingSummary Load(string path) =>
        JsonSerializer.Deserialize(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path} holds no training summary.");
}

/// <summary>The serializer <see cref="TrainingSummary"/> uses, generated when the project builds.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(TrainingSummary))]
internal sealed partial class SummaryJson : JsonSerializerContext;
