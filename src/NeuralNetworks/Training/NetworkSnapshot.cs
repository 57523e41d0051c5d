using MathNet.Numerics.LinearAlgebra;

namespace NeuralNetworks.Training;

/// <summary>Every weight and bias at the end of an epoch.</summary>
/// <param name="Epoch">0 for the starting network, then 1…Epochs.</param>
/// <param name="Weights">W¹…Wᴸ.</param>
/// <param name="Biases">b¹…bᴸ.</param>
public sealed record NetworkSnapshot(int Epoch, IReadOnlyList<Matrix<double>> Weights, IReadOnlyList<Vector<double>> Biases);
