using MathNet.Numerics.LinearAlgebra;

namespace NeuralNetworks.Training;

/// <summary>How well a network does on a data set.</summary>
/// <param name="DataName">Which data set.</param>
/// <param name="Count">How many examples.</param>
/// <param name="Correct">How many were classified right.</param>
/// <param name="Cost">The mean cost over the examples.</param>
/// <param name="Confusion">Confusion[label, predicted]: how often each true class got each answer (rows sum to the class counts).</param>
/// <param name="Mistakes">Every misclassified example, in data set order.</param>
public sealed record EvaluationResult(string DataName, int Count, int Correct, double Cost, Matrix<double> Confusion, IReadOnlyList<Misclassified> Mistakes)
{
    /// <summary>Correct / Count, in [0, 1].</summary>
    public double Accuracy => (double)Correct / Count;

    /// <summary>The most frequent confusions (label, predicted, count), largest first.</summary>
    public IReadOnlyList<(int Label, int Predicted, int Count)> MostConfused(int top = 5) =>
        (from i in Enumerable.Range(0, Confusion.RowCount)
         from j in Enumerable.Range(0, Confusion.ColumnCount)
         where i != j && Confusion[i, j] > 0
         orderby Confusion[i, j] descending, i, j
         select (i, j, (int)Confusion[i, j])).Take(top).ToArray();

    /// <inheritdoc/>
    public override string ToString() => $"{DataName}: {Correct:N0} / {Count:N0} right ({Accuracy:P2}), cost {Cost:0.####}";
}
