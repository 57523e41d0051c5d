using NeuralNetworks.Data;
using NeuralNetworks.Model;
using NeuralNetworks.Training;

namespace NeuralNetworks.Tests;

/// <summary>
/// When the steps run on one thread, the fast path evaluates each epoch's network on the other core while the next epoch
/// trains (BackgroundEvaluation). Whatever the timing, the run must record what evaluating at the end of each epoch
/// records: the same results for the same weights, reported in the same order, also when a later epoch fails.
/// </summary>
public class BackgroundEvaluationTests
{
    private static readonly DataSet Training = FastPathTests.Synthetic(600, 40, 4, seed: 1);

    // Fast evaluations (a small test set) finish within the next epoch's first steps; slow ones (a large test set, a
    // short epoch) are still running when the next epoch ends. Both with validation data and step progress.
    public static TheoryData<int, int, int> Cases => new()
    {
        { 10, 100, 0 },     // 60 steps an epoch, evaluation done early
        { 10, 100, 7 },     // and step progress every 7 steps: epoch e is reported before epoch e + 1's step 7 at the latest
        { 200, 20_000, 0 }, // 3 steps an epoch against 20,000 test examples: the evaluation outlasts the epoch
        { 200, 20_000, 1 }, // and a progress report at every step forces it to finish first
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void An_epoch_evaluated_on_the_other_core_records_what_evaluating_at_its_end_records(int batchSize, int testCount, int progressEvery)
    {
        var network = Network.Create([40, 12, 4], seed: 2);
        var options = new TrainingOptions
        {
            Epochs = 4, BatchSize = batchSize, LearningRate = 1.0, Seed = 5, Engine = TrainingEngine.Fast,
            TestData = FastPathTests.Synthetic(testCount, 40, 4, seed: 3),
            ValidationData = FastPathTests.Synthetic(150, 40, 4, seed: 4),
            ProgressEverySteps = progressEvery,
        };
        var reports = new List<TrainingProgress>[] { [], [] };

        var atTheEnd = FastTrainer.Train(network, Training, options with { Progress = new ListProgress(reports[0]) }, threads: 1, background: false);
        var meanwhile = FastTrainer.Train(network, Training, options with { Progress = new ListProgress(reports[1]) }, threads: 1, background: true);

        static object Record(EpochRecord e) => (e.Epoch, e.TrainingCost, e.TestCost, e.TestAccuracy, e.ValidationCost, e.ValidationAccuracy);
        Assert.Equal(atTheEnd.History.Epochs.Select(Record), meanwhile.History.Epochs.Select(Record));
        Assert.Equal(0, FastPathTests.MaxWeightDifference(atTheEnd.Network, meanwhile.Network));
        // The same reports in the same order: each epoch's record before any step of the epoch after it.
        static object Report(TrainingProgress p) => (p.Epoch, p.Step, p.Cost, p.Completed is null ? null : Record(p.Completed));
        Assert.Equal(reports[0].Select(Report), reports[1].Select(Report));
        Assert.Equal(options.Epochs, reports[1].Count(p => p.Completed is not null));
        // Each epoch's results are its own network's: they change from epoch to epoch.
        Assert.Equal(options.Epochs, meanwhile.History.Epochs.Select(e => e.TestCost).Distinct().Count());
    }

    [Fact]
    public void A_divergence_in_the_next_epoch_comes_after_the_report_of_the_epoch_being_evaluated()
    {
        // η 10¹² times larger from epoch 2 on: after epoch 2's first step the cross-entropy is out of range (more than 10⁶
        // times the first step's) while epoch 1's evaluation of 20,000 test examples is still running on the other core.
        // Epoch 1 is still reported, before the error.
        var network = Network.Create([40, 12, 4], cost: Cost.CrossEntropy, seed: 2);
        var options = new TrainingOptions
        {
            Epochs = 3, BatchSize = 10, LearningRate = 1.0, Seed = 5, Engine = TrainingEngine.Fast,
            Schedule = new JumpAfterFirstEpoch(1e12), TestData = FastPathTests.Synthetic(20_000, 40, 4, seed: 3),
        };
        var reports = new List<TrainingProgress>[] { [], [] };

        var atTheEnd = Assert.Throws<TrainingDivergedException>(() =>
            FastTrainer.Train(network, Training, options with { Progress = new ListProgress(reports[0]) }, threads: 1, background: false));
        var meanwhile = Assert.Throws<TrainingDivergedException>(() =>
            FastTrainer.Train(network, Training, options with { Progress = new ListProgress(reports[1]) }, threads: 1, background: true));

        Assert.Equal((2, atTheEnd.Step, atTheEnd.Cost), (meanwhile.Epoch, meanwhile.Step, meanwhile.Cost));
        var epochOne = Assert.Single(reports[1]);
        Assert.Equal((1, reports[0].Single().Completed!.TestCost), (epochOne.Epoch, epochOne.Completed!.TestCost));
    }

    [Fact]
    public void Snapshots_and_early_stopping_keep_the_evaluation_at_the_end_of_the_epoch()
    {
        // Both need the network of the epoch when it ends; asked for a background evaluation, the run still records the
        // snapshot of each epoch's own network.
        var network = Network.Create([40, 12, 4], seed: 2);
        var options = new TrainingOptions
        {
            Epochs = 3, BatchSize = 10, LearningRate = 1.0, Seed = 5, Engine = TrainingEngine.Fast,
            TestData = FastPathTests.Synthetic(100, 40, 4, seed: 3), RecordSnapshots = true,
        };

        var run = FastTrainer.Train(network, Training, options, threads: 1, background: true);

        Assert.Equal([0, 1, 2, 3], run.History.Snapshots!.Select(s => s.Epoch));
        Assert.Equal(run.Network.Weights, run.History.Snapshots![^1].Weights);
    }

    /// <summary>η in epoch 1, η × <paramref name="jump"/> after it.</summary>
    private sealed record JumpAfterFirstEpoch(double jump) : LearningRateSchedule
    {
        public override double Factor(int epoch, int epochs) => epoch == 1 ? 1 : jump;
    }

    private sealed class ListProgress(List<TrainingProgress> list) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => list.Add(value);
    }
}
