using NeuralNetworks.Fast;

namespace NeuralNetworks.Tests;

/// <summary>
/// <see cref="PartnerThread.Finish"/> says whether the partner ran the offered part: the engine's "both on N % of the
/// steps" counts those steps (FastPathTests checks the wording).
/// </summary>
public sealed class PartnerThreadTests
{
    [Fact]
    public void A_part_the_partner_ran_counts_as_run_by_the_partner()
    {
        using var partner = new PartnerThread();
        int caller = Environment.CurrentManagedThreadId, ranOn = 0;
        partner.Offer(() => ranOn = Environment.CurrentManagedThreadId);
        Assert.True(SpinWait.SpinUntil(() => partner.IsDone, TimeSpan.FromSeconds(30)), "the partner did not run the part within 30 s");

        Assert.True(partner.Finish());
        Assert.NotEqual(0, ranOn);
        Assert.NotEqual(caller, ranOn);
    }

    [Fact]
    public void A_part_taken_back_runs_on_the_calling_thread_and_does_not_count()
    {
        using var partner = new PartnerThread { HoldBack = () => true };
        int caller = Environment.CurrentManagedThreadId, ranOn = 0, runs = 0;
        partner.Offer(() => { ranOn = Environment.CurrentManagedThreadId; runs++; });
        Thread.Sleep(20);   // time enough for a partner that was not held back to take it

        Assert.False(partner.Finish());
        Assert.Equal(caller, ranOn);
        Assert.Equal(1, runs);
        Assert.False(partner.IsDone);
    }

    [Fact]
    public void After_a_part_taken_back_the_next_one_can_run_on_the_partner()
    {
        bool hold = true;
        using var partner = new PartnerThread { HoldBack = () => Volatile.Read(ref hold) };
        int caller = Environment.CurrentManagedThreadId, first = 0, second = 0;
        partner.Offer(() => first = Environment.CurrentManagedThreadId);
        Assert.False(partner.Finish());

        Volatile.Write(ref hold, false);
        partner.Offer(() => second = Environment.CurrentManagedThreadId);
        Assert.True(SpinWait.SpinUntil(() => partner.IsDone, TimeSpan.FromSeconds(30)), "the partner did not run the second part within 30 s");

        Assert.True(partner.Finish());
        Assert.Equal(caller, first);
        Assert.NotEqual(caller, second);
    }

    [Fact]
    public void TakeBack_runs_a_part_the_partner_has_not_taken_on_the_calling_thread_and_says_so_while_it_runs()
    {
        using var partner = new PartnerThread { HoldBack = () => true };
        int caller = Environment.CurrentManagedThreadId, ranOn = 0;
        bool takenBackWhileRunning = false;
        partner.Offer(() => { ranOn = Environment.CurrentManagedThreadId; takenBackWhileRunning = partner.IsTakenBack; });
        Thread.Sleep(20);   // time enough for a partner that was not held back to take it

        Assert.True(partner.TakeBack());
        Assert.Equal(caller, ranOn);
        Assert.True(takenBackWhileRunning);
        Assert.False(partner.IsDone);
    }

    [Fact]
    public void TakeBack_leaves_a_part_the_partner_has_taken_to_the_partner_and_Finish_waits_for_it()
    {
        using var partner = new PartnerThread();
        int caller = Environment.CurrentManagedThreadId, ranOn = 0;
        bool takenBackWhileRunning = true;
        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        partner.Offer(() => { started.Set(); release.Wait(); ranOn = Environment.CurrentManagedThreadId; takenBackWhileRunning = partner.IsTakenBack; });
        Assert.True(started.Wait(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken), "the partner did not take the part within 30 s");

        Assert.False(partner.TakeBack());
        Assert.Equal(0, ranOn);   // not run here
        release.Set();
        Assert.True(partner.Finish());
        Assert.NotEqual(caller, ranOn);
        Assert.False(takenBackWhileRunning);
    }

    [Fact]
    public void What_a_part_throws_on_the_partner_reaches_the_caller()
    {
        using var partner = new PartnerThread();
        partner.Offer(() => throw new InvalidOperationException("from the part"));
        Assert.True(SpinWait.SpinUntil(() => partner.IsDone, TimeSpan.FromSeconds(30)), "the partner did not run the part within 30 s");

        var thrown = Assert.Throws<AggregateException>(() => partner.Finish());
        Assert.Equal("from the part", Assert.IsType<InvalidOperationException>(thrown.InnerException).Message);
    }

    /// <summary>A step number published by a part, in a class so that a lambda can write it.</summary>
    private sealed class Progress
    {
        public PublishedStep Step;
    }

    [Fact]
    public void A_caller_kept_waiting_for_what_a_part_publishes_sends_the_partner_resting()
    {
        // The partner takes the part, then loses its core for a second (as when the host holds its virtual core) before it
        // publishes; the caller, which worked for next to nothing meanwhile, waits in Await, not in Finish.
        using var partner = new PartnerThread();
        var progress = new Progress();
        partner.Offer(() => { Thread.Sleep(1000); Volatile.Write(ref progress.Step.Value, 1); });
        Assert.True(SpinWait.SpinUntil(() => partner.HasStarted, TimeSpan.FromSeconds(30)), "the partner did not take the part within 30 s");

        Assert.True(partner.Await(ref progress.Step, 1));
        Assert.True(partner.Finish());
        Assert.Equal(1, partner.Rests);
    }

    [Fact]
    public void A_caller_kept_waiting_in_Finish_sends_the_partner_resting()
    {
        using var partner = new PartnerThread();
        partner.Offer(() => Thread.Sleep(500));
        Assert.True(SpinWait.SpinUntil(() => partner.HasStarted, TimeSpan.FromSeconds(30)), "the partner did not take the part within 30 s");

        Assert.True(partner.Finish());
        Assert.Equal(1, partner.Rests);
    }

    [Fact]
    public void A_part_done_while_the_caller_worked_leaves_the_partner_working()
    {
        using var partner = new PartnerThread();
        var progress = new Progress();
        partner.Offer(() => Volatile.Write(ref progress.Step.Value, 1));
        Thread.Sleep(200);   // the caller's own part, far longer than the partner's
        Assert.True(SpinWait.SpinUntil(() => partner.IsDone, TimeSpan.FromSeconds(30)), "the partner did not run the part within 30 s");

        Assert.True(partner.Await(ref progress.Step, 1));
        Assert.True(partner.Finish());
        Assert.Equal(0, partner.Rests);
        Assert.False(partner.Resting);
    }

    [Fact]
    public async Task Await_says_so_when_the_part_ends_without_publishing_and_Finish_rethrows_what_it_threw()
    {
        using var partner = new PartnerThread();
        var progress = new Progress();
        partner.Offer(() => throw new InvalidOperationException("before publishing"));
        Assert.True(SpinWait.SpinUntil(() => partner.HasStarted, TimeSpan.FromSeconds(30)), "the partner did not take the part within 30 s");

        Assert.False(await Within30Seconds(() => partner.Await(ref progress.Step, 1), "Await still waits for a part that ended"));
        var thrown = Assert.Throws<AggregateException>(() => partner.Finish());
        Assert.Equal("before publishing", Assert.IsType<InvalidOperationException>(thrown.InnerException).Message);
    }

    [Fact]
    public async Task Finish_with_no_part_outstanding_returns_at_once()
    {
        bool hold = true;
        using var partner = new PartnerThread { HoldBack = () => Volatile.Read(ref hold) };
        partner.Offer(() => { });
        Assert.True(partner.TakeBack());
        Assert.False(await Within30Seconds(partner.Finish, "Finish after TakeBack waits for a part that is not outstanding"));

        Volatile.Write(ref hold, false);
        partner.Offer(() => { });
        Assert.True(SpinWait.SpinUntil(() => partner.IsDone, TimeSpan.FromSeconds(30)), "the partner did not run the part within 30 s");
        Assert.True(partner.Finish());
        Assert.False(await Within30Seconds(partner.Finish, "Finish a second time waits for a part that is not outstanding"));
    }

    /// <summary>What <paramref name="call"/> returns on another thread, which must come within 30 s (else the test fails saying <paramref name="hangs"/>).</summary>
    private static async Task<bool> Within30Seconds(Func<bool> call, string hangs)
    {
        var running = OwnThread.Run(call);
        if (await Task.WhenAny(running, Task.Delay(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken)) != running)
            Assert.Fail(hangs);
        return await running;
    }

    [Fact]
    public async Task A_part_waiting_for_a_calling_thread_that_publishes_nothing_more_ends_when_the_partner_is_disposed()
    {
        // As when the calling thread threw mid-step: the partner's part waits for its half, which never comes.
        var partner = new PartnerThread();
        var progress = new Progress();
        bool? awaited = null;
        partner.Offer(() => awaited = partner.AwaitCaller(ref progress.Step, 1));
        Assert.True(SpinWait.SpinUntil(() => partner.HasStarted, TimeSpan.FromSeconds(30)), "the partner did not take the part within 30 s");

        Assert.True(await Within30Seconds(() => { partner.Dispose(); return true; }, "Dispose waits for ever for a part that waits for the calling thread"));
        Assert.False(awaited);
    }

    [Fact]
    public void AwaitCaller_returns_once_the_calling_thread_publishes()
    {
        using var partner = new PartnerThread();
        var progress = new Progress();
        bool? awaited = null;
        partner.Offer(() => awaited = partner.AwaitCaller(ref progress.Step, 7));
        Thread.Sleep(20);
        Volatile.Write(ref progress.Step.Value, 7);
        Assert.True(SpinWait.SpinUntil(() => partner.IsDone || awaited is not null, TimeSpan.FromSeconds(30)), "the part did not end within 30 s of the publication");
        partner.Finish();
        Assert.True(awaited);
    }
}
