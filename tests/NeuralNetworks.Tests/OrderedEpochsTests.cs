using NeuralNetworks.Data;
using NeuralNetworks.Model;
using NeuralNetworks.Training;

namespace NeuralNetworks.Tests;

/// <summary>
/// When the steps run on one thread, the fast path trains each epoch from a copy of its examples in its own order, made on
/// the other core (OrderedEpochs). The copies must change nothing: the same examples in the same order, so the same
/// weights and the same history bit for bit as reading the data set where it is.
/// </summary>
public class OrderedEpochsTests
{
    private static readonly DataSet Training = FastPathTests.Synthetic(600, 40, 4, seed: 11);

    public static TheoryData<int, bool> Cases => new()
    {
        { 10, false },   // not split, each step's rows prefetched from the copy
        { 10, true },    // and each epoch's evaluation on the other core while the next copy waits for it
        { 37, true },    // a split step, and a short last batch (600 = 16 × 37 + 8)
        { 200, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Epochs_read_from_copies_in_their_order_train_the_same_weights_bit_for_bit(int batchSize, bool background)
    {
        var network = Network.Create([40, 12, 4], seed: 3);
        var options = new TrainingOptions
        {
            Epochs = 4, BatchSize = batchSize, LearningRate = 1.0, Seed = 6, Engine = TrainingEngine.Fast, RecordStepCosts = true,
            TestData = FastPathTests.Synthetic(300, 40, 4, seed: 12),
        };

        var where = FastTrainer.Train(network, Training, options, threads: 1, background: background, ordered: false);
        var copied = FastTrainer.Train(network, Training, options, threads: 1, background: background, ordered: true);

        Assert.Equal(0, FastPathTests.MaxWeightDifference(where.Network, copied.Network));
        Assert.Equal(where.History.StepCosts, copied.History.StepCosts);
        static object Record(EpochRecord e) => (e.Epoch, e.TrainingCost, e.TestCost, e.TestAccuracy);
        Assert.Equal(where.History.Epochs.Select(Record), copied.History.Epochs.Select(Record));
        // The epochs did differ: each trained on its own shuffle.
        Assert.Equal(options.Epochs, copied.History.Epochs.Select(e => e.TrainingCost).Distinct().Count());
    }

    [Fact]
    public void Early_stopping_and_a_cancelled_epoch_end_the_training_with_a_copy_under_way()
    {
        // Early stopping ends the run while the next epoch's copy is being made; a cancellation in epoch 2 too. Neither may
        // hang nor change what was recorded before.
        var network = Network.Create([40, 12, 4], seed: 3);
        var options = new TrainingOptions
        {
            Epochs = 30, BatchSize = 10, LearningRate = 1.0, Seed = 6, Engine = TrainingEngine.Fast,
            ValidationData = FastPathTests.Synthetic(200, 40, 4, seed: 13), EarlyStoppingPatience = 1,
        };
        var where = FastTrainer.Train(network, Training, options, threads: 1, ordered: false);
        var copied = FastTrainer.Train(network, Training, options, threads: 1, ordered: true);
        Assert.InRange(copied.History.Epochs.Count, 2, 29);
        Assert.Equal(where.History.Epochs.Select(e => e.ValidationCost), copied.History.Epochs.Select(e => e.ValidationCost));

        using var cancel = new CancellationTokenSource();
        var cancelled = options with
        {
            EarlyStoppingPatience = 0, ValidationData = null, ProgressEverySteps = 5, CancellationToken = cancel.Token,
            Progress = new CallbackProgress(p => { if (p.Epoch == 2 && p.Step == 20) cancel.Cancel(); }),
        };
        Assert.ThrowsAny<OperationCanceledException>(() => FastTrainer.Train(network, Training, cancelled, threads: 1, ordered: true));
    }

    [Fact]
    public void A_copy_holds_the_examples_of_its_order_one_after_another()
    {
        var data = FastPathTests.Synthetic(600, 40, 4, seed: 14);
        int[] order = [.. Enumerable.Range(0, 600).Reverse()];
        using var copies = new OrderedEpochs(data);

        Assert.Throws<InvalidOperationException>(() => copies.Take());
        copies.Start(order);
        Assert.Throws<InvalidOperationException>(() => copies.Start(order));
        var copy = TakeOnceDone(copies);

        Assert.Equal(600, copy.Ready);
        Assert.True(copy.IsComplete);
        Assert.Equal(order, copy.Order);
        for (int i = 0; i < order.Length; i++)
        {
            Assert.Equal(data.PixelBytes(order[i]).ToArray(), copy.Pixels.AsSpan(i * 40, 40).ToArray());
            Assert.Equal(data.Label(order[i]), copy.Labels[i]);
        }
        Assert.Throws<InvalidOperationException>(() => copies.Take());
        // The next copy goes into the other buffers: the epoch reading these is not disturbed.
        copies.Start([.. Enumerable.Range(0, 600)]);
        Assert.NotSame(copy.Pixels, TakeOnceDone(copies).Pixels);
    }

    [Fact]
    public async Task A_copy_is_taken_as_far_as_it_has_gone_and_given_up_when_the_next_one_starts()
    {
        var data = FastPathTests.Synthetic(600, 40, 4, seed: 15);
        int[] first = [.. Enumerable.Range(0, 600).Reverse()], second = [.. Enumerable.Range(0, 600)];
        using var halfway = new ManualResetEventSlim(false);
        using var hold = new ManualResetEventSlim(false);
        int furthest = -1;
        using var copies = new OrderedEpochs(data, beforeRows: (n, copy) =>
        {
            if (n != 1) return;
            furthest = copy.Ready;
            if (copy.Ready < OrderedEpochs.RowsPerReport) return;
            halfway.Set();   // copy 1 stops after its first rows until told to go on
            hold.Wait(TimeSpan.FromSeconds(60));   // bounded: a failed assertion below must not leave it, and Dispose, waiting for ever
        });

        var cancel = TestContext.Current.CancellationToken;
        try
        {
            copies.Start(first);
            first[0] = 7;                                 // the trainer reshuffles its order in place: the copy kept its own
            Assert.True(halfway.Wait(TimeSpan.FromSeconds(30), cancel), "copy 1 did not reach its second rows within 30 s");
            var taken = copies.Take();                    // not done: its epoch reads these rows from it, the others where they are
            Assert.Equal(OrderedEpochs.RowsPerReport, taken.Ready);
            Assert.False(taken.IsComplete);
            Assert.Equal(599, taken.Order[0]);
            for (int i = 0; i < taken.Ready; i++) Assert.Equal(data.PixelBytes(599 - i).ToArray(), taken.Pixels.AsSpan(i * 40, 40).ToArray());
            Assert.False(copies.CanStart);                // its epoch may still read it: the next copy waits
            Assert.Throws<InvalidOperationException>(() => copies.Take());

            // Its epoch ended: the next copy gives this one up (once it looks, after its current rows) and goes into the other buffers.
            var starting = OwnThread.Run(() => copies.Start(second));
            Assert.True(SpinWait.SpinUntil(() => taken.GivenUp, TimeSpan.FromSeconds(30)), "the next copy did not give copy 1 up within 30 s");
            Assert.NotSame(starting, await Task.WhenAny(starting, Task.Delay(200, cancel)));   // waits for copy 1, still held
            hold.Set();
            await starting.WaitAsync(TimeSpan.FromSeconds(30), cancel);
            Assert.Equal(OrderedEpochs.RowsPerReport, taken.Ready);   // it copied nothing more
            Assert.Equal(OrderedEpochs.RowsPerReport, furthest);
            Assert.Equal(599, taken.Order[0]);
            var next = TakeOnceDone(copies);
            Assert.NotSame(taken.Pixels, next.Pixels);
            for (int i = 0; i < second.Length; i++) Assert.Equal(data.PixelBytes(i).ToArray(), next.Pixels.AsSpan(i * 40, 40).ToArray());
        }
        finally
        {
            hold.Set();   // whatever failed above, copy 1 ends and the test reports it instead of hanging
        }
    }

    [Theory]
    [InlineData(10)]
    [InlineData(37)]
    public void Epochs_whose_copy_is_held_back_train_the_same_weights_bit_for_bit(int batchSize)
    {
        // Copy 1 stops after its first 256 rows; epoch 1 reads them from it (its progress report at step 5 waits for them)
        // and the rest where they are, and the copy is given up when the epoch ends. Copy 3 is held back until its epoch has
        // made 10 steps, then runs: epoch 3 reads its first rows where they are and the rest from the copy. The same
        // network, step costs and history as without copies.
        var network = Network.Create([40, 12, 4], seed: 3);
        using var firstRows = new ManualResetEventSlim(false);
        using var epoch3 = new ManualResetEventSlim(false);
        int furthest1 = -1, held3 = 0;
        bool givenUp1 = false;
        var options = new TrainingOptions
        {
            Epochs = 4, BatchSize = batchSize, LearningRate = 1.0, Seed = 6, Engine = TrainingEngine.Fast, RecordStepCosts = true,
            TestData = FastPathTests.Synthetic(300, 40, 4, seed: 12), ProgressEverySteps = 5,
        };
        var where = FastTrainer.Train(network, Training, options, threads: 1, background: true, ordered: false);
        var progress = new CallbackProgress(p =>
        {
            if (p.Epoch == 1 && p.Step == 5) Assert.True(firstRows.Wait(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
            if (p.Epoch == 3 && p.Step == 10) epoch3.Set();
        });
        var copied = FastTrainer.Train(network, Training, options with { Progress = progress }, threads: 1, background: true, ordered: true,
            beforeRows: (n, copy) =>
            {
                if (n == 1)
                {
                    furthest1 = copy.Ready;
                    if (copy.Ready < OrderedEpochs.RowsPerReport) return;
                    firstRows.Set();
                    givenUp1 = SpinWait.SpinUntil(() => copy.GivenUp, TimeSpan.FromSeconds(30));   // until epoch 1 has ended
                }
                if (n == 3 && copy.Ready == 0) { Interlocked.Increment(ref held3); epoch3.Wait(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken); }
            });

        Assert.True(givenUp1);
        Assert.Equal(OrderedEpochs.RowsPerReport, furthest1);
        Assert.Equal(1, held3);
        Assert.Equal(0, FastPathTests.MaxWeightDifference(where.Network, copied.Network));
        Assert.Equal(where.History.StepCosts, copied.History.StepCosts);
        static object Record(EpochRecord e) => (e.Epoch, e.TrainingCost, e.TestCost, e.TestAccuracy);
        Assert.Equal(where.History.Epochs.Select(Record), copied.History.Epochs.Select(Record));
    }

    private static EpochCopy TakeOnceDone(OrderedEpochs copies)
    {
        Assert.True(SpinWait.SpinUntil(() => copies.IsDone, TimeSpan.FromSeconds(10)));
        return copies.Take();
    }

    [Fact]
    public void Copies_are_made_for_data_sets_larger_than_the_caches_that_leave_memory_to_spare()
    {
        var small = FastPathTests.Synthetic(1000, 784, 10, seed: 1);    // 0.8 MB of pixels
        var large = FastPathTests.Synthetic(11_000, 784, 10, seed: 1);  // 8.6 MB
        Assert.False(OrderedEpochs.Worthwhile(small, availableBytes: 16L << 30));
        Assert.True(OrderedEpochs.Worthwhile(large, availableBytes: 16L << 30));
        // Two copies (17 MB) may take an eighth of the memory at most: 138 MB is enough, 137 MB not.
        Assert.True(OrderedEpochs.Worthwhile(large, availableBytes: 16 * 11_000L * 784));
        Assert.False(OrderedEpochs.Worthwhile(large, availableBytes: 16 * 11_000L * 784 - 1));
        Assert.True(OrderedEpochs.Worthwhile(large));   // this machine has far more than 138 MB
    }

    private sealed class CallbackProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
