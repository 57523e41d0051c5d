namespace NeuralNetworks.Tests;

/// <summary>
/// Runs a test's call on a thread of its own, not the thread pool's. A test that gives the call a deadline must not fail
/// because the pool, busy with other tests (the notebook kernels' runs), started it late: CI's run of 7ab9358 failed so,
/// an OrderedEpochs copy's <c>Start</c> queued with <c>Task.Run</c> not begun within 30 s.
/// </summary>
internal static class OwnThread
{
    /// <summary>Starts <paramref name="work"/> at once on a new thread.</summary>
    public static Task Run(Action work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>Starts <paramref name="work"/> at once on a new thread; the task gives what it returns.</summary>
    public static Task<T> Run<T>(Func<T> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
