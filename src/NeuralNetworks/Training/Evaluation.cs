using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Data;
using NeuralNetworks.Model;

namespace NeuralNetworks.Training;

/// <summary>Measures a network on labelled data.</summary>
public static class Evaluation
{
    /// <summary>Accuracy, cost, confusion matrix and mistakes of this network on <paramref name="data"/>: <c>network.Evaluate(test)</c>.</summary>
    public static EvaluationResult Evaluate(this Network network, DataSet data)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        data.CheckFits(network);
        int classes = network.Sizes[^1];
        var confusion = Matrix<double>.Build.Dense(classes, classes);
        var mistakes = new List<Misclassified>();
        double costSum = 0;
        const int chunk = 1000; // forward in chunks: one 784×60000 matrix would be 376 MB
        for (int start = 0; start < data.Count; start += chunk)
        {
            int count = Math.Min(chunk, data.Count - start);
            var forward = network.Forward(data.Images(start, count));
            var output = forward.Output;
            var targets = data.Targets(start, count);
            costSum += network.Cost.Value(forward[network.LayerCount], targets) * count;
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
