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
        var data = FastPathTests.Synthetic(50, 40, 4, seed: 14);
        int[] order = [.. Enumerable.Range(0, 50).Reverse()];
        using var copies = new OrderedEpochs(data);

        Assert.Throws<InvalidOperationException>(() => copies.TryTake());
        copies.Start(order);
        Assert.Throws<InvalidOperationException>(() => copies.Start(order));
        var (pixels, labels) = TakeOnceDone(copies);

        for (int i = 0; i < order.Length; i++)
        {
            Assert.Equal(data.PixelBytes(order[i]).ToArray(), pixels.AsSpan(i * 40, 40).ToArray());
            Assert.Equal(data.Label(order[i]), labels[i]);
        }
        // The next copy goes into the other buffers: the epoch reading these is not disturbed.
        copies.Start([.. Enumerable.Range(0, 50)]);
        Assert.NotSame(pixels, TakeOnceDone(copies).Pixels);
    }

    [Fact]
    public async Task A_copy_not_done_is_passed_over_and_the_next_one_starts_once_it_has_ended()
    {
        var data = FastPathTests.Synthetic(50, 40, 4, seed: 15);
        int[] first = [.. Enumerable.Range(0, 50).Reverse()], second = [.. Enumerable.Range(0, 50)];
        using var hold = new ManualResetEventSlim(false);
        using var copies = new OrderedEpochs(data, beforeCopy: n => { if (n == 1) hold.Wait(); });

        copies.Start(first);
        first[0] = 7;                                 // the trainer reshuffles its order in place: the copy kept its own
        Assert.Null(copies.TryTake());                // held back: its epoch reads the rows of its order where they are
        Assert.Equal(49, copies.Order[0]);
        Assert.False(copies.CanStart);
        Assert.Throws<InvalidOperationException>(() => copies.TryTake());
        hold.Set();
        Assert.True(SpinWait.SpinUntil(() => copies.CanStart, TimeSpan.FromSeconds(10)));
        var read = copies.Order;
        copies.Start(second);                         // into the other buffers and order: the epoch's order stays as it was
        Assert.Equal(49, read[0]);
        var (pixels, _) = TakeOnceDone(copies);
        for (int i = 0; i < second.Length; i++) Assert.Equal(data.PixelBytes(second[i]).ToArray(), pixels.AsSpan(i * 40, 40).ToArray());

        // Start after a pass-over waits for the copy passed over (the trainer does so at the end of an epoch).
        using var hold2 = new ManualResetEventSlim(false);
        using var later = new OrderedEpochs(data, beforeCopy: n => { if (n == 1) hold2.Wait(); });
        later.Start(first);
        Assert.Null(later.TryTake());
        var cancel = TestContext.Current.CancellationToken;
        var starting = Task.Run(() => later.Start(second), cancel);
        Assert.NotSame(starting, await Task.WhenAny(starting, Task.Delay(200, cancel)));   // still waiting for copy 1
        hold2.Set();
        await starting.WaitAsync(TimeSpan.FromSeconds(10), cancel);
        Assert.Equal(data.PixelBytes(second[3]).ToArray(), TakeOnceDone(later).Pixels.AsSpan(3 * 40, 40).ToArray());
    }

    [Theory]
    [InlineData(10)]
    [InlineData(37)]
    public void Epochs_whose_copy_is_held_back_train_the_same_weights_bit_for_bit(int batchSize)
    {
        // Copies 1 and 3 are held back until their epoch has made 10 steps: epochs 1 and 3 read the rows where they are,
        // epoch 2's copy starts only once copy 1 has ended. The same network, step costs and history as without copies.
        var network = Network.Create([40, 12, 4], seed: 3);
        using var epoch1 = new ManualResetEventSlim(false);
        using var epoch3 = new ManualResetEventSlim(false);
        int held = 0;
        var options = new TrainingOptions
        {
            Epochs = 4, BatchSize = batchSize, LearningRate = 1.0, Seed = 6, Engine = TrainingEngine.Fast, RecordStepCosts = true,
            TestData = FastPathTests.Synthetic(300, 40, 4, seed: 12), ProgressEverySteps = 5,
        };
        var where = FastTrainer.Train(network, Training, options, threads: 1, background: true, ordered: false);
        var progress = new CallbackProgress(p =>
        {
            if (p.Step != 10) return;
            if (p.Epoch == 1) epoch1.Set();
            if (p.Epoch == 3) epoch3.Set();
        });
        var copied = FastTrainer.Train(network, Training, options with { Progress = progress }, threads: 1, background: true, ordered: true,
            beforeCopy: n =>
            {
                if (n == 1) { Interlocked.Increment(ref held); epoch1.Wait(); }
                if (n == 3) { Interlocked.Increment(ref held); epoch3.Wait(); }
            });

        Assert.Equal(2, held);
        Assert.Equal(0, FastPathTests.MaxWeightDifference(where.Network, copied.Network));
        Assert.Equal(where.History.StepCosts, copied.History.StepCosts);
        static object Record(EpochRecord e) => (e.Epoch, e.TrainingCost, e.TestCost, e.TestAccuracy);
        Assert.Equal(where.History.Epochs.Select(Record), copied.History.Epochs.Select(Record));
    }

    private static (byte[] Pixels, byte[] Labels) TakeOnceDone(OrderedEpochs copies)
    {
        Assert.True(SpinWait.SpinUntil(() => copies.IsDone, TimeSpan.FromSeconds(10)));
        return copies.TryTake() ?? throw new InvalidOperationException("A copy that was done was not taken.");
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
