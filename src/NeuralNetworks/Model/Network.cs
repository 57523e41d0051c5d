using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;

namespace NeuralNetworks.Model;

/// <summary>
/// A fully connected feed-forward network: layers of sizes n⁰ (inputs), n¹, …, nᴸ (outputs), and for each
/// layer l = 1…L a weight matrix Wˡ (nˡ × nˡ⁻¹) and a bias vector bˡ (nˡ).
/// Layer numbers match the maths: the input is layer 0, so <c>W(1)</c> is W¹.
/// </summary>
/// <remarks>
/// A network is a value: computing a pass never changes it, and training returns a new network.
/// Its matrices are shared with the passes that read them; do not write into them (use
/// <see cref="WithParameters"/> to make a changed copy).
/// </remarks>
public sealed class Network
{
    private readonly int[] sizes;
    private readonly Matrix<double>[] weights;
    private readonly Vector<double>[] biases;

    /// <summary>Creates a network with the given parameters.</summary>
    /// <param name="weights">W¹…Wᴸ; Wˡ is nˡ × nˡ⁻¹.</param>
    /// <param name="biases">b¹…bᴸ; bˡ has nˡ entries.</param>
    /// <param name="activation">σ of the hidden layers (sigmoid when null).</param>
    /// <param name="cost">The cost training minimises (quadratic when null).</param>
    /// <param name="outputActivation">σ of the output layer (sigmoid when null; cross-entropy needs sigmoid, log-likelihood softmax).</param>
    /// <exception cref="ArgumentException">The shapes do not chain, or the activations and the cost do not fit together (see <see cref="PairingProblem"/>).</exception>
    public Network(IReadOnlyList<Matrix<double>> weights, IReadOnlyList<Vector<double>> biases,
        Activation? activation = null, Cost? cost = null, Activation? outputActivation = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(biases);
        if (weights.Count < 1) throw new ArgumentException("A network needs at least one layer of weights (two layers of neurons).", nameof(weights));
        if (weights.Count != biases.Count) throw new ArgumentException($"{weights.Count} weight matrices but {biases.Count} bias vectors.", nameof(biases));
        sizes = new int[weights.Count + 1];
        sizes[0] = weights[0].ColumnCount;
        for (int l = 1; l <= weights.Count; l++)
        {
            var W = weights[l - 1];
            if (W.ColumnCount != sizes[l - 1])
                throw new ArgumentException($"W{Notation.Superscript(l)} is {W.RowCount}×{W.ColumnCount} but layer {l - 1} has {sizes[l - 1]} neurons.", nameof(weights));
            if (biases[l - 1].Count != W.RowCount)
                throw new ArgumentException($"b{Notation.Superscript(l)} has {biases[l - 1].Count} entries but W{Notation.Superscript(l)} has {W.RowCount} rows.", nameof(biases));
            sizes[l] = W.RowCount;
        }
        CheckSizes(sizes);
        this.weights = weights.ToArray();
        this.biases = biases.ToArray();
        Activation = activation ?? Activation.Sigmoid;
        OutputActivation = outputActivation ?? Activation.Sigmoid;
        Cost = cost ?? Cost.Quadratic;
        if (PairingProblem(Activation, OutputActivation, Cost) is { } problem)
            throw new ArgumentException(problem.Message, problem.Parameter);
    }

    /// <summary>
    /// Why a network cannot have these activations and this cost, or null when it can; the one place these rules live.
    /// Hidden layers need a σ that works number by number (softmax is for the output layer), and a cost made for an
    /// output activation (<see cref="Cost.MatchedOutputActivation"/>: sigmoid for cross-entropy, softmax for
    /// log-likelihood) needs that one.
    /// </summary>
    /// <returns>The problem, and the parameter of the constructor it is about (activation or outputActivation).</returns>
    internal static (string Message, string Parameter)? PairingProblem(Activation hidden, Activation output, Cost cost)
    {
        if (!hidden.IsNumberByNumber)
            return ($"{hidden.Name} works on a whole layer, so it is for the output layer only: choose sigmoid, tanh or relu for the hidden layers.", "activation");
        if (cost.MatchedOutputActivation is { } matched && output != matched)
            return ($"The {cost.Name} cost needs a {matched.Name} output layer, not {output.Name}: it is made for {matched.Name} outputs, " +
                    $"whose derivative cancels its gradient in BP1.", "outputActivation");
        return null;
    }

    /// <summary>
    /// A new network of the given layer sizes, e.g. <c>Network.Create([784, 16, 16, 10])</c>, with weights and
    /// biases drawn at random from a seeded generator: the same seed gives the same network.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than two layers, or a layer with fewer than one neuron.</exception>
    public static Network Create(IReadOnlyList<int> sizes, int seed = 1, Activation? activation = null, Cost? cost = null,
        Initialization initialization = Initialization.Standard, Activation? outputActivation = null)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        CheckSizes(sizes);
        var random = new Random(seed);
        var normal = new Normal(0, 1, random);
        var W = new Matrix<double>[sizes.Count - 1];
        var b = new Vector<double>[sizes.Count - 1];
        for (int l = 1; l < sizes.Count; l++)
        {
            double scale = initialization == Initialization.Scaled ? 1 / Math.Sqrt(sizes[l - 1]) : 1.0;
            W[l - 1] = Matrix<double>.Build.Dense(sizes[l], sizes[l - 1], (_, _) => scale * normal.Sample());
            b[l - 1] = Vector<double>.Build.Dense(sizes[l], _ => normal.Sample());
        }
        return new Network(W, b, activation, cost, outputActivation);
    }

    /// <summary>n⁰, n¹, …, nᴸ: neurons per layer, input first.</summary>
    public IReadOnlyList<int> Sizes => sizes;

    /// <summary>L, the number of layers that have weights (every layer but the input).</summary>
    public int LayerCount => weights.Length;

    /// <summary>W¹…Wᴸ (index l − 1); prefer <see cref="W(int)"/>, which counts from 1 as the maths does.</summary>
    public IReadOnlyList<Matrix<double>> Weights => weights;

    /// <summary>b¹…bᴸ (index l − 1); prefer <see cref="b(int)"/>.</summary>
    public IReadOnlyList<Vector<double>> Biases => biases;

    /// <summary>Wˡ for l = 1…L: row j holds the weights neuron j of layer l puts on each neuron of layer l − 1.</summary>
    public Matrix<double> W(int l) => weights[CheckLayer(l) - 1];

    /// <summary>bˡ for l = 1…L.</summary>
    public Vector<double> b(int l) => biases[CheckLayer(l) - 1];

    /// <summary>σ of the hidden layers.</summary>
    public Activation Activation { get; }

    /// <summary>σ of the output layer.</summary>
    public Activation OutputActivation { get; }

    /// <summary>The activation layer l applies: <see cref="OutputActivation"/> for l = L, else <see cref="Activation"/>.</summary>
    public Activation ActivationOf(int l) => CheckLayer(l) == LayerCount ? OutputActivation : Activation;

    /// <summary>The cost training minimises.</summary>
    public Cost Cost { get; }

    /// <summary>How many weights: Σₗ nˡ · nˡ⁻¹ (12,960 for 784-16-16-10).</summary>
    public int WeightCount => weights.Sum(W => W.RowCount * W.ColumnCount);

    /// <summary>How many biases: Σₗ nˡ (42 for 784-16-16-10).</summary>
    public int BiasCount => biases.Sum(b => b.Count);

    /// <summary>Weights plus biases (13,002 for 784-16-16-10).</summary>
    public int ParameterCount => WeightCount + BiasCount;

    /// <summary>The forward pass of one example x = a⁰ (a vector of n⁰ inputs).</summary>
    public ForwardPass Forward(Vector<double> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Forward(x.ToColumnMatrix());
    }

    /// <summary>
    /// The forward pass of a mini-batch X (n⁰ × m, one example per column): for l = 1…L,
    /// zˡ = Wˡ aˡ⁻¹ + bˡ and aˡ = σ(zˡ), starting from a⁰ = X.
    /// </summary>
    public ForwardPass Forward(Matrix<double> X)
    {
        ArgumentNullException.ThrowIfNull(X);
        if (X.RowCount != sizes[0])
            throw new ArgumentException($"The input has {X.RowCount} rows but this network takes {sizes[0]} inputs.", nameof(X));
        var layers = new LayerForward[LayerCount];
        var a = X;
        for (int l = 1; l <= LayerCount; l++)
        {
            var W = this.W(l);
            var b = this.b(l);
            var sigma = ActivationOf(l);
            var z = AddToEachColumn(W * a, b);
            var next = sigma.Apply(z);
            layers[l - 1] = new LayerForward(l, a, W, b, z, next, sigma);
            a = next;
        }
        return new ForwardPass(layers);
    }

    /// <summary>aᴸ for one input: the network as a function f: ℝ^n⁰ → ℝ^nᴸ.</summary>
    public Vector<double> Output(Vector<double> x) => Forward(x).Output.Column(0);

    /// <summary>The class whose output neuron is brightest for input x.</summary>
    public int Predict(Vector<double> x) => Forward(x).PredictedClass;

    /// <summary>The backward pass of one example against its target y.</summary>
    public BackwardPass Backward(ForwardPass forward, Vector<double> y)
    {
        ArgumentNullException.ThrowIfNull(y);
        return Backward(forward, y.ToColumnMatrix());
    }

    /// <summary>
    /// Backpropagation: from the forward pass and the targets Y (nᴸ × m), the error δˡ of every layer and the
    /// gradients of the mean cost. BP1: δᴸ = ∇ₐC ⊙ σ′(zᴸ) (<see cref="Cost.OutputError(LayerForward, Matrix{double})"/>).
    /// BP2: δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ′(zˡ). BP3: ∂C/∂bˡ = δˡ. BP4: ∂C/∂Wˡ = δˡ (aˡ⁻¹)ᵀ. Over a mini-batch the gradients are averaged.
    /// </summary>
    public BackwardPass Backward(ForwardPass forward, Matrix<double> Y)
    {
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(Y);
        if (forward.LayerCount != LayerCount || forward.Input.RowCount != sizes[0])
            throw new ArgumentException("This forward pass was made by a network of another shape.", nameof(forward));
        if (Y.RowCount != sizes[^1] || Y.ColumnCount != forward.ExampleCount)
            throw new ArgumentException($"The targets are {Y.RowCount}×{Y.ColumnCount} but the output is {sizes[^1]}×{forward.ExampleCount}.", nameof(Y));

        int m = forward.ExampleCount;
        var layers = new LayerBackward[LayerCount];
        var output = forward[LayerCount];
        var delta = Cost.OutputError(output, Y);                                       // BP1: δᴸ = ∂C/∂zᴸ

        for (int l = LayerCount; l >= 1; l--)
        {
            var layer = forward[l];
            if (l < LayerCount)                                                            // BP2
                delta = (forward[l + 1].W.Transpose() * delta).PointwiseMultiply(layer.Activation.Derivative(layer.Z));
            var gradW = delta * layer.Input.Transpose() / m;                                // BP4, averaged over the batch
            var gradB = delta.RowSums() / m;                                                // BP3, averaged over the batch
            layers[l - 1] = new LayerBackward(l, delta, gradW, gradB);
        }
        return new BackwardPass(layers, Cost.Value(output, Y), Y);
    }

    /// <summary>The mean cost over the given inputs (columns of X) and targets (columns of Y).</summary>
    public double CostOf(Matrix<double> X, Matrix<double> Y) => Cost.Value(Forward(X)[LayerCount], Y);

    /// <summary>
    /// One step of gradient descent: a new network with Wˡ − η ∂C/∂Wˡ and bˡ − η ∂C/∂bˡ for every layer,
    /// where η is the learning rate. This network is left as it was.
    /// </summary>
    public Network Step(BackwardPass gradients, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        if (gradients.Layers.Count != LayerCount) throw new ArgumentException("These gradients belong to a network of another shape.", nameof(gradients));
        var W = new Matrix<double>[LayerCount];
        var b = new Vector<double>[LayerCount];
        for (int l = 1; l <= LayerCount; l++)
        {
            W[l - 1] = this.W(l) - learningRate * gradients[l].GradW;
            b[l - 1] = this.b(l) - learningRate * gradients[l].GradB;
        }
        return WithParameters(W, b);
    }

    /// <summary>A network of the same kind (activations, cost) with other weights and biases.</summary>
    public Network WithParameters(IReadOnlyList<Matrix<double>> weights, IReadOnlyList<Vector<double>> biases) =>
        new(weights, biases, Activation, Cost, OutputActivation);

    /// <summary>A copy whose matrices are its own, so the copy can be changed without touching this one.</summary>
    public Network Clone() => WithParameters(weights.Select(W => W.Clone()).ToArray(), biases.Select(b => b.Clone()).ToArray());

    /// <summary>The same weights and biases with another cost (e.g. to train a saved network with cross-entropy).</summary>
    public Network WithCost(Cost cost) => new(weights, biases, Activation, cost, OutputActivation);

    /// <summary>"784-16-16-10".</summary>
    public string Shape => string.Join("-", sizes);

    /// <inheritdoc/>
    public override string ToString() =>
        $"Network {Shape} ({ParameterCount:N0} parameters: {WeightCount:N0} weights, {BiasCount:N0} biases), " +
        $"{Activation}{(OutputActivation == Activation ? "" : $" hidden / {OutputActivation} output")}, {Cost} cost";

    /// <summary>Throws unless there are at least two layers, each of at least one neuron.</summary>
    /// <exception cref="ArgumentException">Fewer than two layers, or a layer with fewer than one neuron.</exception>
    public static void CheckSizes(IReadOnlyList<int> sizes)
    {
        if (sizes.Count < 2)
            throw new ArgumentException($"A network needs at least two layers (inputs and outputs), not {sizes.Count}: [{string.Join(", ", sizes)}].", nameof(sizes));
        for (int l = 0; l < sizes.Count; l++)
            if (sizes[l] < 1)
                throw new ArgumentException($"Layer {l} has size {sizes[l]}; every layer needs at least one neuron: [{string.Join(", ", sizes)}].", nameof(sizes));
    }

    /// <summary>zˡ = Wˡ aˡ⁻¹ + bˡ for a matrix of columns: bˡ is added to every column.</summary>
    internal static Matrix<double> AddToEachColumn(Matrix<double> M, Vector<double> v)
    {
        var result = M.Clone();
        for (int j = 0; j < result.ColumnCount; j++)
            for (int i = 0; i < result.RowCount; i++)
                result[i, j] += v[i];
        return result;
    }

    private int CheckLayer(int l) =>
        l >= 1 && l <= LayerCount ? l : throw new ArgumentOutOfRangeException(nameof(l), l, $"Layers with weights are numbered 1…{LayerCount} (the input is layer 0).");

}
