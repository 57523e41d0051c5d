using MathNet.Numerics.LinearAlgebra;

namespace NeuralNetworks.Model;

/// <summary>Everything a forward pass computed: for each layer l = 1…L its <see cref="LayerForward"/>.</summary>
public sealed record ForwardPass(IReadOnlyList<LayerForward> Layers)
{
    /// <summary>L, the number of layers after the input.</summary>
    public int LayerCount => Layers.Count;

    /// <summary>The record of layer l (1…L), numbered as in the equations.</summary>
    public LayerForward this[int l] => l >= 1 && l <= Layers.Count
        ? Layers[l - 1]
        : throw new ArgumentOutOfRangeException(nameof(l), l, $"Layers are numbered 1…{Layers.Count}; the input a⁰ is Input.");

    /// <summary>a⁰, the input (one column per example).</summary>
    public Matrix<double> Input => Layers[0].Input;

    /// <summary>aᴸ, the output (one column per example).</summary>
    public Matrix<double> Output => Layers[^1].A;

    /// <summary>How many examples went through: the number of columns.</summary>
    public int ExampleCount => Input.ColumnCount;

    /// <summary>For each example, the class whose output neuron is brightest: argmaxⱼ aᴸⱼ.</summary>
    public IReadOnlyList<int> Predictions => Enumerable.Range(0, ExampleCount).Select(x => Output.Column(x).MaximumIndex()).ToArray();

    /// <summary>The predicted class of a single example (the first column).</summary>
    public int PredictedClass => Output.Column(0).MaximumIndex();

    /// <summary>The activations of layer l (0…L): a⁰ is the input.</summary>
    public Matrix<double> ActivationsOf(int l) => l == 0 ? Input : this[l].A;

    /// <inheritdoc/>
    public override string ToString() =>
        $"Forward pass of {ExampleCount} example{(ExampleCount == 1 ? "" : "s")} through {string.Join("-", Layers.Select(r => r.Input.RowCount).Append(Output.RowCount))}" +
        (ExampleCount == 1 ? $": predicts {PredictedClass} (a = {Output[PredictedClass, 0]:0.###})" : "");
}
