using MathNet.Numerics.LinearAlgebra;

namespace NeuralNetworks;

/// <summary>
/// One layer l of a forward pass: what came in, the parameters used, and what came out.
/// Each matrix has one column per example (a single example is one column).
/// </summary>
/// <param name="Layer">l = 1…L; the input layer is l = 0 and has no record.</param>
/// <param name="Input">aˡ⁻¹, the previous layer's activations (nˡ⁻¹ × m).</param>
/// <param name="W">Wˡ, row j holding neuron j's weights on the previous layer (nˡ × nˡ⁻¹).</param>
/// <param name="b">bˡ, one bias per neuron (nˡ).</param>
/// <param name="Z">zˡ = Wˡ aˡ⁻¹ + bˡ, the weighted sums (nˡ × m).</param>
/// <param name="A">aˡ = σ(zˡ), the activations (nˡ × m).</param>
/// <param name="Activation">The σ this layer applies.</param>
public sealed record LayerForward(int Layer, Matrix<double> Input, Matrix<double> W, Vector<double> b, Matrix<double> Z, Matrix<double> A, Activation Activation);

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

/// <summary>One layer l of a backward pass: its error and the gradients of the cost.</summary>
/// <param name="Layer">l = 1…L.</param>
/// <param name="Delta">δˡ = ∂C/∂zˡ, one column per example. BP1 for l = L: δᴸ = ∇ₐC ⊙ σ′(zᴸ);
/// BP2 below it: δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ′(zˡ).</param>
/// <param name="GradW">∂C/∂Wˡ = δˡ (aˡ⁻¹)ᵀ (BP4), averaged over the examples: (1/m) Σₓ δˡₓ (aˡ⁻¹ₓ)ᵀ. Same shape as Wˡ.</param>
/// <param name="GradB">∂C/∂bˡ = δˡ (BP3), averaged over the examples. Same shape as bˡ.</param>
public sealed record LayerBackward(int Layer, Matrix<double> Delta, Matrix<double> GradW, Vector<double> GradB);

/// <summary>Everything a backward pass computed, and the cost it differentiated.</summary>
/// <param name="Layers">Layer records for l = 1…L (index l − 1).</param>
/// <param name="Cost">C, the cost averaged over the examples.</param>
/// <param name="Target">y, the targets (one column per example).</param>
public sealed record BackwardPass(IReadOnlyList<LayerBackward> Layers, double Cost, Matrix<double> Target)
{
    /// <summary>The record of layer l (1…L), numbered as in the equations.</summary>
    public LayerBackward this[int l] => l >= 1 && l <= Layers.Count
        ? Layers[l - 1]
        : throw new ArgumentOutOfRangeException(nameof(l), l, $"Layers are numbered 1…{Layers.Count}.");

    /// <summary>The size of the whole gradient ‖∇C‖ over every weight and bias.</summary>
    public double GradientNorm => Math.Sqrt(Layers.Sum(r => r.GradW.FrobeniusNorm() * r.GradW.FrobeniusNorm() + r.GradB.DotProduct(r.GradB)));

    /// <inheritdoc/>
    public override string ToString() => $"Backward pass: C = {Cost:0.######}, ‖∇C‖ = {GradientNorm:0.######}";
}
