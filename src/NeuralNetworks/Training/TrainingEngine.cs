using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Model;

namespace NeuralNetworks.Training;

/// <summary>Which implementation trains.</summary>
public enum TrainingEngine
{
    /// <summary>The fastest implementation that supports the network: <see cref="Fast"/> whenever it can, else
    /// <see cref="Reference"/>, with the reason written in <see cref="EngineUsed.FallbackReason"/>.</summary>
    Auto,

    /// <summary>The readable implementation: <see cref="GradientDescent.Train"/>: <see cref="Network.Forward(Matrix{double})"/>, <see cref="Network.Backward(ForwardPass, Matrix{double})"/> and <see cref="Network.Step"/> on each mini-batch.</summary>
    Reference,

    /// <summary>The same algorithm in float32 with fused SIMD kernels (internal; proved equal to <see cref="Reference"/>
    /// within float rounding by the tests). Forcing it on a network it cannot train throws <see cref="NotSupportedException"/>.</summary>
    Fast,
}

/// <summary>Which implementation trained a run, as <see cref="TrainingHistory.Engine"/> records it.</summary>
/// <param name="Engine"><see cref="TrainingEngine.Reference"/> or <see cref="TrainingEngine.Fast"/> (never Auto: Auto is a choice, this is what ran).</param>
/// <param name="VectorBits">The fast path's SIMD width (512, 256 or 128); 0 for the reference.</param>
/// <param name="Threads">Threads that shared each mini-batch.</param>
/// <param name="FallbackReason">Why <see cref="TrainingEngine.Auto"/> did not use the fast path, when it did not.</param>
/// <param name="ShareOnBoth">With two threads, the share of the steps whose gradient both computed (on the others the
/// calling thread did it alone: the partner was resting, or late and its part taken back); null when not measured.</param>
public sealed record EngineUsed(TrainingEngine Engine, int VectorBits = 0, int Threads = 1, string? FallbackReason = null, double? ShareOnBoth = null)
{
    /// <summary>The readable implementation (MathNet, double).</summary>
    public static EngineUsed Reference { get; } = new(TrainingEngine.Reference);

    /// <summary>
    /// "fast (float32, Vector512, 1 thread)", "fast (float32, Vector512, 2 threads, both on 97 % of the steps)" or
    /// "reference (MathNet, double)", with the fallback reason if any.
    /// </summary>
    public override string ToString() =>
        Engine == TrainingEngine.Fast
            ? $"fast (float32, Vector{VectorBits}, {Threads} thread{(Threads == 1 ? "" : "s")}{BothOn})"
            : "reference (MathNet, double)" + (FallbackReason is null ? "" : $"; fast path not used: {FallbackReason}");

    private string BothOn => Threads > 1 && ShareOnBoth is double share
        ? $", both on {Math.Round(100 * share).ToString(System.Globalization.CultureInfo.InvariantCulture)} % of the steps"
        : "";
}
