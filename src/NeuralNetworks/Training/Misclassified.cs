namespace NeuralNetworks.Training;

/// <summary>An example the network got wrong.</summary>
/// <param name="Index">Its position in the data set.</param>
/// <param name="Label">The right class.</param>
/// <param name="Predicted">The class the network chose.</param>
/// <param name="Confidence">The output activation of the chosen class, aᴸ[Predicted].</param>
public sealed record Misclassified(int Index, int Label, int Predicted, double Confidence);
