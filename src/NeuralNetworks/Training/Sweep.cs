using System.Diagnostics;
using NeuralNetworks.Data;
using NeuralNetworks.Model;

namespace NeuralNetworks.Training;

/// <summary>
/// Trains several network shapes with the same options and compares them: one configuration per core at a
/// time, each run on one thread when several run at once (the fast path would otherwise take a second thread for
/// mini-batches of 32 and more), so ten small networks train in about the time of five on two cores.
/// </summary>
public static class Sweep
{
    /// <summary>
    /// Trains a network of each of <paramref name="layerSizes"/> (<c>Network.Create(sizes, options.Seed)</c>: sigmoid,
    /// quadratic cost, N(0, 1) initialisation; the other overload takes networks made otherwise) on <paramref name="training"/> with
    /// <paramref name="options"/> (its test data replaced by <paramref name="test"/>, its label by the shape) and
    /// returns one row per configuration, in the order given. A run's result does not depend on what runs beside
    /// it: the same seed gives the same history as <see cref="Trainer.Train"/> alone.
    /// </summary>
    /// <param name="layerSizes">Each configuration's layer sizes, e.g. [784, 16, 16, 10].</param>
    /// <param name="training">The training data.</param>
    /// <param name="test">Held-out data for the accuracy after every epoch.</param>
    /// <param name="options">How each network trains; <see cref="TrainingOptions.Progress"/> is not used (runs overlap).</param>
    /// <param name="parallelism">How many runs at once; 0 or less means <see cref="Environment.ProcessorCount"/>. With more
    /// than one, each run trains on one thread.</param>
    /// <param name="finished">Called with each configuration's index and row as soon as it finishes (never two calls at
    /// once), e.g. to report it while the others still train.</param>
    /// <exception cref="ArgumentException">A configuration does not fit the data, or an option is out of range.</exception>
    /// <exception cref="OperationCanceledException"><see cref="TrainingOptions.CancellationToken"/> was cancelled: the runs
    /// stopped between two steps, and no configuration started after it; <paramref name="finished"/> has had the rows
    /// that finished before.</exception>
    /// <remarks>A configuration whose cost blows up gets a row saying so (<see cref="SweepRow.Diverged"/>): in a sweep that
    /// is a result, and the other configurations go on.</remarks>
    public static IReadOnlyList<SweepRow> Run(IEnumerable<int[]> layerSizes, DataSet training, DataSet test, TrainingOptions options,
        int parallelism = 0, Action<int, SweepRow>? finished = null)
    {
        ArgumentNullException.ThrowIfNull(layerSizes);
        ArgumentNullException.ThrowIfNull(options);
        // Every network is made before any run starts, so a bad shape fails early.
        return Run(layerSizes.Select(sizes => Network.Create(sizes, options.Seed)).ToArray(), training, test, options, parallelism, finished);
    }

    /// <summary>
    /// Trains each of <paramref name="networks"/> as <see cref="Run(IEnumerable{int[]}, DataSet, DataSet, TrainingOptions, int, Action{int, SweepRow}?)"/>
    /// does, from starting networks made elsewhere (another activation, cost or initialisation).
    /// </summary>
    public static IReadOnlyList<SweepRow> Run(IReadOnlyList<Network> networks, DataSet training, DataSet test, TrainingOptions options,
        int parallelism = 0, Action<int, SweepRow>? finished = null)
    {
        ArgumentNullException.ThrowIfNull(networks);
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(options);
        foreach (var network in networks)
        {
            training.CheckFits(network);
            test.CheckFits(network);
        }

        var rows = new SweepRow[networks.Count];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = parallelism > 0 ? parallelism : Environment.ProcessorCount };
        try
        {
            Parallel.For(0, networks.Count, parallel, i =>
            {
                stop.Token.ThrowIfCancellationRequested();   // cancelled, or a run beside it failed: start no more
                var network = networks[i];
                var clock = Stopwatch.StartNew();
                TrainingResult result;
                try
                {
                    result = Trainer.TrainOnThreads(network, training, options with
                    {
                        TestData = test,
                        Label = network.Shape,
                        Progress = null,
                        CancellationToken = stop.Token,
                    }, threads: parallel.MaxDegreeOfParallelism > 1 ? 1 : null);   // the same weights on any number of threads
                }
                catch (TrainingDivergedException diverged)
                {
                    Finish(i, new SweepRow(network.Sizes.ToArray(), network.ParameterCount, double.NaN, clock.Elapsed.TotalSeconds, null, diverged));
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    stop.Cancel();   // any other failure ends the sweep: stop the runs beside it between steps
                    throw;
                }
                Finish(i, new SweepRow(network.Sizes.ToArray(), network.ParameterCount, result.History.FinalTestAccuracy ?? double.NaN,
                    clock.Elapsed.TotalSeconds, result.History));
            });
        }
        catch (AggregateException e)
        {
            // Rethrow the run's own exception (not a cancellation of a run beside it), with its stack trace.
            var first = e.InnerExceptions.FirstOrDefault(x => x is not OperationCanceledException) ?? e.InnerExceptions[0];
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
        }
        return rows;

        void Finish(int i, SweepRow row)
        {
            lock (rows)
            {
                rows[i] = row;
                finished?.Invoke(i, row);
            }
        }
    }
}
