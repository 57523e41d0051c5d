using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Model;
using NeuralNetworks.Data;
using NeuralNetworks.Training;

namespace NeuralNetworks.Tests;

/// <summary>
/// Notebook 11's techniques: softmax with the log-likelihood cost, momentum (classical and Nesterov), L2 weight
/// decay, learning-rate schedules, early stopping and shifted inputs — each proved against finite differences or a
/// closed form in the readable implementation, and the fast path proved equal to it.
/// </summary>
public class LearningBetterTests
{
    private static readonly Lazy<MnistData> mnist = new(() => Mnist.Load());

    private static Network SoftmaxNetwork(int seed = 2) =>
        Network.Create([5, 4, 3], seed, Activation.ReLU, Cost.LogLikelihood, Initialization.Scaled, Activation.Softmax);

    private static (Matrix<double> X, Matrix<double> Y) Batch(DataSet data, int count) =>
        (data.Images(0, count), data.Targets(0, count));

    [Fact]
    public void Softmax_gives_positive_outputs_that_add_up_to_one_and_equal_e_to_the_z_over_the_sum()
    {
        var z = Vector<double>.Build.DenseOfArray([1.0, 2.0, -0.5]);
        var a = Activation.Softmax.Apply(z);
        double sum = Math.Exp(1) + Math.Exp(2) + Math.Exp(-0.5);
        Assert.Equal(Math.Exp(2) / sum, a[1], 1e-15);
        Assert.Equal(Math.Exp(-0.5) / sum, a[2], 1e-15);
        Assert.Equal(1.0, a.Sum(), 1e-15);
        // Large z would overflow e^z; subtracting max z first keeps it exact.
        var big = Activation.Softmax.Apply(Vector<double>.Build.DenseOfArray([1000.0, 1000.0]));
        Assert.Equal(0.5, big[0], 1e-15);
    }

    [Fact]
    public void Softmax_of_a_matrix_works_column_by_column()
    {
        var Z = Matrix<double>.Build.DenseOfArray(new[,] { { 0.0, 3.0 }, { 0.0, 1.0 } });
        var A = Activation.Softmax.Apply(Z);
        Assert.Equal(0.5, A[0, 0], 1e-15);
        Assert.Equal(Math.Exp(3) / (Math.Exp(3) + Math.Exp(1)), A[0, 1], 1e-15);
    }

    [Fact]
    public void Log_likelihood_BP1_is_a_minus_y_and_matches_finite_differences_of_the_cost_in_z()
    {
        var z = Vector<double>.Build.DenseOfArray([0.3, -1.2, 2.0, 0.1]);
        var y = DataSet.OneHot(2, 4);
        double C(Vector<double> zz) => Cost.LogLikelihood.Of(Activation.Softmax.Apply(zz), y);
        var a = Activation.Softmax.Apply(z);
        var delta = Cost.LogLikelihood.OutputError(z.ToColumnMatrix(), a.ToColumnMatrix(), y.ToColumnMatrix(), Activation.Softmax).Column(0);
        Assert.Equal(0.0, (delta - (a - y)).AbsoluteMaximum(), 1e-15);
        const double h = 1e-5;
        for (int j = 0; j < z.Count; j++)
        {
            var plus = z.Clone(); plus[j] += h;
            var minus = z.Clone(); minus[j] -= h;
            Assert.Equal((C(plus) - C(minus)) / (2 * h), delta[j], 1e-8);
        }
    }

    [Fact]
    public void Backpropagation_through_a_softmax_output_matches_finite_differences()
    {
        var data = FastPathTests.Synthetic(8, 5, 3, seed: 4);
        var (X, Y) = Batch(data, 8);
        var check = GradientCheck.Run(SoftmaxNetwork(), X, Y);
        Assert.InRange(check.MaxRelativeError, 0, 1e-6);
    }

    [Theory]
    [InlineData("sigmoid", "log-likelihood", "softmax")]
    [InlineData("tanh", "log-likelihood", "softmax")]
    [InlineData("softmax", "cross-entropy", "sigmoid")]
    [InlineData("relu", "cross-entropy", "sigmoid")]
    public void A_cost_made_for_an_output_activation_needs_that_one(string output, string cost, string needed)
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Network.Create([4, 3, 2], 1, Activation.Sigmoid, Cost.Parse(cost), Initialization.Standard, Activation.Parse(output)));
        Assert.Equal(needed, Cost.Parse(cost).MatchedOutputActivation!.Name);
        Assert.Contains($"The {cost} cost needs a {needed} output layer, not {output}", e.Message);
        Assert.Equal("outputActivation", e.ParamName);
    }

    [Fact]
    public void Softmax_in_a_hidden_layer_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Network.Create([4, 3, 2], 1, Activation.Softmax, Cost.LogLikelihood, Initialization.Standard, Activation.Softmax));
        Assert.Contains("output layer only", e.Message);
    }

    [Fact]
    public void Without_momentum_and_decay_the_step_is_plain_gradient_descent()
    {
        var network = SoftmaxNetwork();
        var (X, Y) = Batch(FastPathTests.Synthetic(6, 5, 3, seed: 1), 6);
        var backward = network.Backward(network.Forward(X), Y);
        var (stepped, _) = Momentum.Step(network, backward, Velocity.Zero(network), 0.3);
        Assert.Equal(0.0, FastPathTests.MaxWeightDifference(stepped, network.Step(backward, 0.3)));
    }

    [Fact]
    public void Weight_decay_steps_along_the_finite_difference_gradient_of_the_cost_plus_half_lambda_w_squared()
    {
        var network = SoftmaxNetwork();
        var (X, Y) = Batch(FastPathTests.Synthetic(6, 5, 3, seed: 1), 6);
        const double eta = 0.2, lambda = 0.05, h = 1e-5;
        var (stepped, _) = Momentum.Step(network, network.Backward(network.Forward(X), Y), Velocity.Zero(network), eta, weightDecay: lambda);
        // The penalised cost C + (λ/2) Σ w² by central differences, weight by weight.
        double Penalised(Network n) => n.CostOf(X, Y) + lambda / 2 * n.Weights.Sum(W => W.PointwiseMultiply(W).Enumerate().Sum());
        for (int l = 1; l <= network.LayerCount; l++)
            for (int j = 0; j < network.W(l).RowCount; j++)
                for (int k = 0; k < network.W(l).ColumnCount; k++)
                {
                    var plus = network.Clone(); plus.W(l)[j, k] += h;
                    var minus = network.Clone(); minus.W(l)[j, k] -= h;
                    double numerical = (Penalised(plus) - Penalised(minus)) / (2 * h);
                    Assert.Equal(network.W(l)[j, k] - eta * numerical, stepped.W(l)[j, k], 1e-8);
                }
        // Biases are not decayed: their step is the plain one.
        var plain = network.Step(network.Backward(network.Forward(X), Y), eta);
        for (int l = 1; l <= network.LayerCount; l++)
            Assert.Equal(0.0, (stepped.b(l) - plain.b(l)).AbsoluteMaximum(), 1e-15);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Two_momentum_steps_follow_the_closed_form(bool nesterov)
    {
        var network = SoftmaxNetwork();
        var (X, Y) = Batch(FastPathTests.Synthetic(6, 5, 3, seed: 1), 6);
        const double eta = 0.1, mu = 0.9;
        var g1 = network.Backward(network.Forward(X), Y);
        var (after1, v1) = Momentum.Step(network, g1, Velocity.Zero(network), eta, mu, nesterov);
        var g2 = after1.Backward(after1.Forward(X), Y);
        var (after2, _) = Momentum.Step(after1, g2, v1, eta, mu, nesterov);
        for (int l = 1; l <= network.LayerCount; l++)
        {
            // v₁ = g₁, v₂ = μg₁ + g₂; classical W₁ = W₀ − ηv₁, W₂ = W₁ − ηv₂; Nesterov W₁ = W₀ − η(g₁ + μv₁), W₂ = W₁ − η(g₂ + μv₂).
            var w1 = nesterov ? network.W(l) - eta * (g1[l].GradW + mu * g1[l].GradW) : network.W(l) - eta * g1[l].GradW;
            var v2 = mu * g1[l].GradW + g2[l].GradW;
            var w2 = nesterov ? w1 - eta * (g2[l].GradW + mu * v2) : w1 - eta * v2;
            Assert.Equal(0.0, (after1.W(l) - w1).Enumerate().Max(Math.Abs), 1e-14);
            Assert.Equal(0.0, (after2.W(l) - w2).Enumerate().Max(Math.Abs), 1e-14);
        }
    }

    [Fact]
    public void Momentum_reaches_a_lower_cost_than_plain_SGD_in_the_same_number_of_steps()
    {
        var data = FastPathTests.Synthetic(200, 5, 3, seed: 3);
        var network = SoftmaxNetwork(5);
        var options = new TrainingOptions { Epochs = 5, BatchSize = 20, LearningRate = 0.05, Engine = TrainingEngine.Reference };
        var plain = network.Train(data, options);
        var withMomentum = network.Train(data, options with { Momentum = 0.9 });
        Assert.True(withMomentum.History.Final.TrainingCost < plain.History.Final.TrainingCost,
            $"momentum {withMomentum.History.Final.TrainingCost} vs plain {plain.History.Final.TrainingCost}");
    }

    [Fact]
    public void Cosine_and_step_schedules_follow_their_formulas()
    {
        Assert.Equal(1.0, LearningRateSchedule.Cosine.Factor(1, 10), 1e-15);
        Assert.Equal(0.5, LearningRateSchedule.Cosine.Factor(6, 10), 1e-15);            // halfway: cos(π/2) = 0
        Assert.Equal(0.5 * (1 + Math.Cos(Math.PI * 9 / 10)), LearningRateSchedule.Cosine.Factor(10, 10), 1e-15);
        var step = LearningRateSchedule.Step(every: 3, factor: 0.1);
        Assert.Equal([1, 1, 1, 0.1, 0.1, 0.1, 0.01], Enumerable.Range(1, 7).Select(e => Math.Round(step.Factor(e, 7), 12)));
        var exponential = LearningRateSchedule.Exponential(0.9);
        Assert.Equal([1, 0.9, 0.81, 0.729], Enumerable.Range(1, 4).Select(e => Math.Round(exponential.Factor(e, 4), 12)));
        var options = new TrainingOptions { LearningRate = 0.2, Schedule = LearningRateSchedule.Cosine, Epochs = 10 };
        Assert.Equal(0.2 * 0.5 * (1 + Math.Cos(Math.PI * 2 / 10)), options.LearningRateAt(3), 1e-15);
        Assert.Throws<ArgumentException>(() => LearningRateSchedule.Step(0));
        Assert.Throws<ArgumentException>(() => LearningRateSchedule.Exponential(0));
    }

    [Fact]
    public void Early_stopping_stops_after_N_epochs_without_a_new_best_and_keeps_the_best()
    {
        var stopping = new EarlyStopping(2);
        var networks = Enumerable.Range(0, 6).Select(s => SoftmaxNetwork(s)).ToArray();
        double[] accuracies = [0.5, 0.7, 0.7, 0.6];
        Assert.False(stopping.ShouldStop(1, accuracies[0], () => networks[1]));
        Assert.False(stopping.ShouldStop(2, accuracies[1], () => networks[2]));
        Assert.False(stopping.ShouldStop(3, accuracies[2], () => networks[3]));   // equal is not better
        Assert.True(stopping.ShouldStop(4, accuracies[3], () => networks[4]));
        Assert.Equal(2, stopping.BestEpoch);
        Assert.Same(networks[2], stopping.BestNetwork);
    }

    [Fact]
    public void Training_with_early_stopping_returns_the_network_of_the_best_validation_epoch()
    {
        var all = FastPathTests.Synthetic(400, 5, 3, seed: 7);
        var (training, validation) = all.Split(300);
        var network = SoftmaxNetwork(3);
        var options = new TrainingOptions { Epochs = 40, BatchSize = 10, LearningRate = 0.5, ValidationData = validation, EarlyStoppingPatience = 3, Engine = TrainingEngine.Reference };
        var result = network.Train(training, options);
        var best = result.History.BestValidationEpoch!;
        Assert.Equal(best.ValidationAccuracy!.Value, result.Network.Evaluate(validation).Accuracy, 1e-12);
        Assert.True(result.History.Epochs.Count == 40 || result.History.Epochs.Count == best.Epoch + 3,
            $"stopped after {result.History.Epochs.Count} epochs, best {best.Epoch}");
        // The record that describes the returned network is the best epoch's, not the last one trained.
        Assert.Same(best, result.Kept);
        Assert.True(result.Kept.Epoch < result.History.Final.Epoch, $"kept epoch {result.Kept.Epoch}, last {result.History.Final.Epoch}");
        var plain = network.Train(training, options with { EarlyStoppingPatience = 0, Epochs = 3 });
        Assert.Same(plain.History.Final, plain.Kept);
        Assert.Throws<ArgumentException>(() => network.Train(training, options with { ValidationData = null }));
    }

    [Fact]
    public void A_shift_moves_every_pixel_and_fills_with_black()
    {
        byte[] image = [1, 2, 3, 4, 5, 6, 7, 8, 9];   // 3×3
        var into = new byte[9];
        Augmentation.ShiftImage(image, 3, 3, new Shift(1, 0), into);
        Assert.Equal([0, 1, 2, 0, 4, 5, 0, 7, 8], into);
        Augmentation.ShiftImage(image, 3, 3, new Shift(-1, -1), into);
        Assert.Equal([5, 6, 0, 8, 9, 0, 0, 0, 0], into);
        Augmentation.ShiftImage(image, 3, 3, new Shift(0, 0), into);
        Assert.Equal(image, into);
    }

    [Theory]
    [InlineData(28, 28)]
    [InlineData(3, 5)]
    [InlineData(7, 2)]
    [InlineData(1, 1)]
    public void A_shift_is_the_image_moved_pixel_by_pixel_for_every_shift_and_size(int rows, int columns)
    {
        var random = new Random(rows * 100 + columns);
        var image = new byte[rows * columns];
        random.NextBytes(image);
        var into = new byte[rows * columns + 3];
        for (int dy = -rows - 1; dy <= rows + 1; dy++)
            for (int dx = -columns - 1; dx <= columns + 1; dx++)
            {
                into.AsSpan().Fill(77);   // stale contents must not survive, and the bytes past the image must not be touched
                Augmentation.ShiftImage(image, rows, columns, new Shift(dx, dy), into);
                for (int r = 0; r < rows; r++)
                    for (int c = 0; c < columns; c++)
                    {
                        int fromRow = r - dy, fromColumn = c - dx;
                        byte expected = fromRow >= 0 && fromRow < rows && fromColumn >= 0 && fromColumn < columns ? image[fromRow * columns + fromColumn] : (byte)0;
                        Assert.True(expected == into[r * columns + c], $"{rows}×{columns} moved by ({dx}, {dy}): pixel ({r}, {c}) is {into[r * columns + c]}, not {expected}");
                    }
                Assert.Equal([77, 77, 77], into[(rows * columns)..]);
            }
    }

    [Fact]
    public void Random_shifts_stay_within_the_limit_and_use_every_value()
    {
        var shifts = Augmentation.RandomShifts(new Random(1), 2000, 2);
        Assert.All(shifts, s => { Assert.InRange(s.Dx, -2, 2); Assert.InRange(s.Dy, -2, 2); });
        Assert.Equal(5, shifts.Select(s => s.Dx).Distinct().Count());
        Assert.Equal(5, shifts.Select(s => s.Dy).Distinct().Count());
    }

    [Fact]
    public void Bad_options_give_clear_errors()
    {
        var network = SoftmaxNetwork();
        var data = FastPathTests.Synthetic(20, 5, 3, seed: 1);
        Assert.Contains("Nesterov", Assert.Throws<ArgumentException>(() => network.Train(data, new TrainingOptions { Nesterov = true })).Message);
        Assert.Contains("Momentum", Assert.Throws<ArgumentException>(() => network.Train(data, new TrainingOptions { Momentum = 1 })).Message);
        Assert.Contains("decay", Assert.Throws<ArgumentException>(() => network.Train(data, new TrainingOptions { WeightDecay = -1 })).Message);
        Assert.Contains("shift", Assert.Throws<ArgumentException>(() => network.Train(data, new TrainingOptions { MaxShift = -1 })).Message);
    }

    public static TheoryData<string> FastOptions => ["momentum", "nesterov", "decay", "cosine", "shift", "early", "all"];

    private static TrainingOptions With(TrainingOptions o, string what, DataSet validation) => what switch
    {
        "momentum" => o with { Momentum = 0.9 },
        "nesterov" => o with { Momentum = 0.9, Nesterov = true },
        "decay" => o with { WeightDecay = 1e-3 },
        "cosine" => o with { Schedule = LearningRateSchedule.Cosine },
        "shift" => o with { MaxShift = 2 },
        "early" => o with { ValidationData = validation, EarlyStoppingPatience = 1 },
        _ => o with { Momentum = 0.9, Nesterov = true, WeightDecay = 1e-4, Schedule = LearningRateSchedule.Cosine, MaxShift = 1, ValidationData = validation, EarlyStoppingPatience = 2 },
    };

    [Theory]
    [Trait("Category", Category.Mnist)]
    [MemberData(nameof(FastOptions))]
    public void The_fast_path_matches_the_reference_with_softmax_and(string what)
    {
        var network = Network.Create([784, 16, 16, 10], seed: 3, Activation.ReLU, Cost.LogLikelihood, Initialization.Scaled, Activation.Softmax);
        var training = mnist.Value.Training.Take(600);
        var validation = mnist.Value.Training.Slice(600, 300);
        var options = With(new TrainingOptions { Epochs = 3, BatchSize = 10, LearningRate = 0.02, Seed = 5, RecordStepCosts = true }, what, validation);

        var reference = network.Train(training, options with { Engine = TrainingEngine.Reference });
        var fast = network.Train(training, options with { Engine = TrainingEngine.Fast });

        Assert.Equal(TrainingEngine.Fast, fast.History.Engine.Engine);
        Assert.Equal(reference.History.Epochs.Count, fast.History.Epochs.Count);
        Assert.InRange(FastPathTests.MaxWeightDifference(reference.Network, fast.Network), 0, 1e-3);
        for (int s = 0; s < reference.History.StepCosts!.Count; s++)
            Assert.Equal(reference.History.StepCosts[s], fast.History.StepCosts![s], 1e-3);
        // Training really moved the weights, by far more than the engines differ.
        Assert.True(FastPathTests.MaxWeightDifference(network, reference.Network) > 0.05, $"moved by {FastPathTests.MaxWeightDifference(network, reference.Network)}");
    }
}
