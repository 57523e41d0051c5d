using MathNet.Numerics.LinearAlgebra;

namespace NeuralNetworks;

/// <summary>An example the network got wrong.</summary>
/// <param name="Index">Its position in the data set.</param>
/// <param name="Label">The right class.</param>
/// <param name="Predicted">The class the network chose.</param>
/// <param name="Confidence">The output activation of the chosen class, aᴸ[Predicted].</param>
public sealed record Misclassified(int Index, int Label, int Predicted, double Confidence);

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

/// <summary>Measures a network on labelled data.</summary>
public static class Evaluation
{
    /// <summary>Accuracy, cost, confusion matrix and mistakes of <paramref name="network"/> on <paramref name="data"/>.</summary>
    public static EvaluationResult Evaluate(Network network, DataSet data)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        TrainingOptions.CheckFits(network, data);
        int classes = network.Sizes[^1];
        var confusion = Matrix<double>.Build.Dense(classes, classes);
        var mistakes = new List<Misclassified>();
        double costSum = 0;
        const int chunk = 1000; // forward in chunks: one 784×60000 matrix would be 376 MB
        for (int start = 0; start < data.Count; start += chunk)
        {
            int count = Math.Min(chunk, data.Count - start);
            var output = network.Forward(data.Images(start, count)).Output;
            var targets = data.Targets(start, count);
            costSum += network.Cost.Value(output, targets) * count;
            for (int x = 0; x < count; x++)
            {
                var a = output.Column(x);
                int predicted = a.MaximumIndex(), label = data.Label(start + x);
                confusion[label, predicted] += 1;
                if (predicted != label) mistakes.Add(new Misclassified(start + x, label, predicted, a[predicted]));
            }
        }
        return new EvaluationResult(data.Name, data.Count, data.Count - mistakes.Count, costSum / data.Count, confusion, mistakes);
    }

    /// <summary>The fraction of <paramref name="data"/> that <paramref name="network"/> classifies right.</summary>
    public static double Accuracy(Network network, DataSet data) => Evaluate(network, data).Accuracy;
}
