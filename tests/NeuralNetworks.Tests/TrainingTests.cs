using static NeuralNetworks.Tests.TestNetworks;
using NeuralNetworks.Model;
using NeuralNetworks.Data;
using NeuralNetworks.Training;

namespace NeuralNetworks.Tests;

public class TrainingTests
{
    private static readonly DataSet Train = Quadrants(400, seed: 1);
    private static readonly DataSet Test = Quadrants(200, seed: 2);

    private static TrainingOptions Options(TrainingEngine engine = TrainingEngine.Reference) => new()
    {
        LearningRate = 1.0,
        Epochs = 3,
        BatchSize = 10,
        Seed = 5,
        TestData = Test,
        RecordStepCosts = true,
        RecordSnapshots = true,
        Engine = engine,
    };

    [Fact]
    public void Training_learns_a_simple_pattern_and_records_every_epoch()
    {
        var network = Network.Create([64, 8, 4], seed: 1, initialization: Initialization.Scaled);
        var before = network.Evaluate(Test).Accuracy;

        var (trained, history) = Trainer.Train(network, Train, Options());

        Assert.Equal(3, history.Epochs.Count);
        Assert.Equal([1, 2, 3], history.Epochs.Select(e => e.Epoch));
        Assert.Equal(3 * 40, history.StepCosts!.Count);
        Assert.Equal(4, history.Snapshots!.Count);                    // epoch 0 and after each epoch
        Assert.Equal(network.W(1), history.Snapshots[0].Weights[0]);
        Assert.Equal(trained.W(1), history.Snapshots[^1].Weights[0]);
        Assert.True(history.Epochs[^1].TrainingCost < history.Epochs[0].TrainingCost);
        Assert.True(history.FinalTestAccuracy > 0.9, $"accuracy {history.FinalTestAccuracy} (before: {before})");
        Assert.Equal(trained.Evaluate(Test).Accuracy, history.FinalTestAccuracy);
        Assert.Equal(history.StepCosts.Take(40).Average(), history.Epochs[0].TrainingCost, 1e-12);
    }

    [Theory]
    [InlineData(TrainingEngine.Reference)]
    [InlineData(TrainingEngine.Auto)]
    public void Validation_data_is_measured_after_every_epoch_like_the_test_data(TrainingEngine engine)
    {
        var (training, validation) = Train.Split(300, "training", "validation");
        var network = Network.Create([64, 8, 4], seed: 1, initialization: Initialization.Scaled);

        var (trained, history) = Trainer.Train(network, training, Options(engine) with { ValidationData = validation });

        Assert.All(history.Epochs, e => Assert.NotNull(e.ValidationAccuracy));
        var measured = trained.Evaluate(validation);
        Assert.Equal(measured.Accuracy, history.FinalValidationAccuracy!.Value, 1e-12);
        Assert.Equal(measured.Cost, history.Final.ValidationCost!.Value, engine == TrainingEngine.Reference ? 1e-12 : 1e-5);
        Assert.NotEqual(history.Final.TestCost, history.Final.ValidationCost);
        var best = history.BestValidationEpoch!;
        Assert.Equal(history.Epochs.Max(e => e.ValidationAccuracy), best.ValidationAccuracy);
        Assert.Contains("validation accuracy", history.ToString());
    }

    [Fact]
    public void Without_validation_data_there_is_no_best_validation_epoch()
    {
        var (_, history) = Trainer.Train(Network.Create([64, 8, 4], seed: 1), Train, Options() with { Epochs = 1 });
        Assert.Null(history.Final.ValidationAccuracy);
        Assert.Null(history.BestValidationEpoch);
    }

    [Theory]
    [InlineData(TrainingEngine.Reference)]
    [InlineData(TrainingEngine.Auto)]
    public void A_batch_larger_than_the_data_is_one_step_per_epoch_even_at_int_MaxValue(TrainingEngine engine)
    {
        var (_, history) = Trainer.Train(Network.Create([64, 8, 4], seed: 1), Train.Take(50),
            Options(engine) with { BatchSize = int.MaxValue, Epochs = 2 });
        Assert.Equal(2, history.StepCosts!.Count);
    }

    [Fact]
    public void Training_is_reproducible_for_a_seed_bit_for_bit()
    {
        var network = Network.Create([64, 8, 4], seed: 1);
        var a = Trainer.Train(network, Train, Options());
        var b = Trainer.Train(network, Train, Options());
        var c = Trainer.Train(network, Train, Options() with { Seed = 6 });

        Assert.Equal(a.History.StepCosts, b.History.StepCosts);
        Assert.Equal(a.History.Epochs.Select(e => (e.TrainingCost, e.TestCost, e.TestAccuracy)),
                     b.History.Epochs.Select(e => (e.TrainingCost, e.TestCost, e.TestAccuracy)));
        Assert.Equal(a.Network.W(1), b.Network.W(1));
        Assert.NotEqual(a.History.StepCosts, c.History.StepCosts);
    }

    [Fact]
    public void Training_does_not_change_the_network_passed_in()
    {
        var network = Network.Create([64, 8, 4], seed: 1);
        var copy = network.Clone();
        Trainer.Train(network, Train, Options() with { Epochs = 1 });
        Assert.Equal(copy.W(1), network.W(1));
        Assert.Equal(copy.b(2), network.b(2));
    }

    [Fact]
    public void A_learning_rate_that_diverges_stops_training_naming_the_epoch_the_step_and_the_rate()
    {
        // ReLU neurons have no ceiling: a step of η = 10³⁰⁰ sends the weights, then the weighted sums, past the largest
        // double, and the cost becomes NaN. (Sigmoid neurons saturate instead: their cost stays finite, however large.)
        var network = Network.Create([64, 8, 4], seed: 1, Activation.ReLU, Cost.CrossEntropy, outputActivation: Activation.Sigmoid);
        var e = Assert.Throws<TrainingDivergedException>(() =>
            Trainer.Train(network, Train, Options() with { LearningRate = 1e300 }));
        Assert.Equal(1, e.Epoch);
        Assert.InRange(e.Step, 1, 40);
        Assert.Contains("epoch 1", e.Message);
        Assert.Contains($"step {e.Step}", e.Message);
        Assert.Contains("1E+300", e.Message);
        Assert.False(double.IsFinite(e.Cost));
    }

    [Fact]
    public void Cross_entropy_of_saturated_outputs_is_large_but_finite_so_a_fresh_network_does_not_diverge_before_learning()
    {
        // N(0, 1) weights into ReLU neurons make output sums of ±40 and more, where σ(z) rounds to exactly 0 or 1 in
        // double and ln(1 − a) would be −∞. Computed from z, the cost is finite and training goes on.
        var network = Network.Create([64, 8, 4], seed: 1, Activation.ReLU, Cost.CrossEntropy, outputActivation: Activation.Sigmoid);
        var W = network.Weights.Select(w => w * 40).ToArray();
        var saturated = network.WithParameters(W, network.Biases);
        var pass = saturated.Forward(Train.Images(0, 10));
        Assert.Contains(pass.Output.Enumerate(), a => a == 1.0 || a == 0.0);

        var (_, history) = Trainer.Train(saturated, Train, Options() with { LearningRate = 0.05, Epochs = 1 });

        Assert.True(double.IsFinite(history.StepCosts![0]), $"first step cost {history.StepCosts[0]}");
        Assert.True(history.StepCosts[0] > 10, $"first step cost {history.StepCosts[0]}");
    }

    [Theory]
    [InlineData(0.0, 1, 10, "learning rate")]
    [InlineData(double.NaN, 1, 10, "learning rate")]
    [InlineData(1.0, 0, 10, "Epochs")]
    [InlineData(1.0, 1, 0, "batch size")]
    public void Nonsense_options_are_rejected_before_training(double rate, int epochs, int batch, string expected)
    {
        var network = Network.Create([64, 8, 4]);
        var e = Assert.Throws<ArgumentException>(() =>
            Trainer.Train(network, Train, new TrainingOptions { LearningRate = rate, Epochs = epochs, BatchSize = batch }));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Data_that_does_not_fit_the_network_is_rejected_naming_both_sizes()
    {
        var e = Assert.Throws<ArgumentException>(() => Trainer.Train(Network.Create([784, 16, 10]), Train));
        Assert.Contains("64", e.Message);
        Assert.Contains("784", e.Message);
    }

    [Fact]
    public void Progress_is_reported_after_every_epoch_and_within_epochs_when_asked()
    {
        var reports = new List<TrainingProgress>();
        var progress = new SynchronousProgress(reports.Add);
        Trainer.Train(Network.Create([64, 8, 4]), Train, Options() with { Progress = progress, ProgressEverySteps = 15 });
        Assert.Equal(3, reports.Count(r => r.Completed is not null));
        Assert.Equal(3 * 2, reports.Count(r => r.Completed is null));   // steps 15 and 30 of 40
        Assert.All(reports, r => Assert.Equal(40, r.StepsPerEpoch));
    }

    [Fact]
    public void A_decaying_learning_rate_shrinks_each_epoch_and_changes_only_later_epochs()
    {
        var options = Options() with { LearningRate = 2.0, Schedule = LearningRateSchedule.Exponential(0.5) };
        Assert.Equal([2.0, 1.0, 0.5], new[] { 1, 2, 3 }.Select(options.LearningRateAt));

        var network = Network.Create([64, 8, 4], seed: 1);
        var constant = Trainer.Train(network, Train, options with { Schedule = LearningRateSchedule.Constant }).History;
        var decaying = Trainer.Train(network, Train, options).History;
        // Epoch 1 runs at η either way; from epoch 2 on the steps differ.
        Assert.Equal(constant.StepCosts!.Take(40), decaying.StepCosts!.Take(40));
        Assert.NotEqual(constant.StepCosts!.Skip(41).First(), decaying.StepCosts!.Skip(41).First());
    }

    [Fact]
    public void The_learning_rate_changes_one_way_the_schedule_and_an_exponential_one_multiplies_by_its_decay_each_epoch()
    {
        var options = Options() with { LearningRate = 0.5, Epochs = 4, Schedule = LearningRateSchedule.Exponential(0.5) };
        Assert.Equal([0.5, 0.25, 0.125, 0.0625], Enumerable.Range(1, 4).Select(options.LearningRateAt).ToArray());
        Assert.Equal("decay", Assert.Throws<ArgumentException>(() => LearningRateSchedule.Exponential(1.5)).ParamName);
    }

    [Fact]
    public void Cancelling_stops_training_between_steps()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.Throws<OperationCanceledException>(() =>
            Trainer.Train(Network.Create([64, 8, 4]), Train, Options() with { CancellationToken = cancel.Token }));
    }

    [Fact]
    public void Evaluation_counts_right_answers_confusions_and_mistakes_consistently()
    {
        var network = Network.Create([64, 8, 4], seed: 3);
        var result = network.Evaluate(Test);
        var predictions = network.Forward(Test).Predictions;
        int correct = Enumerable.Range(0, Test.Count).Count(i => predictions[i] == Test.Label(i));
        Assert.Equal(correct, result.Correct);
        Assert.Equal(Test.Count - correct, result.Mistakes.Count);
        Assert.Equal(Test.Count, result.Confusion.Enumerate().Sum());
        for (int k = 0; k < 4; k++)
            Assert.Equal(Test.Labels.Count(l => l == k), result.Confusion.Row(k).Sum());
        Assert.Equal(correct, (int)result.Confusion.Diagonal().Sum());
        var first = result.Mistakes[0];
        Assert.Equal(predictions[first.Index], first.Predicted);
        Assert.Equal(network.Output(Test.Image(first.Index))[first.Predicted], first.Confidence, 1e-12);
    }

    private sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
