using NeuralNetworks.Cli;

namespace NeuralNetworks.Tests.Cli;

/// <summary>bench's measure of a cache line's trip between two cores and back.</summary>
public class CacheLineRoundTripTests
{
    [Fact]
    public void A_round_trip_takes_a_positive_time_on_two_cores_and_is_not_measured_on_one()
    {
        // Few round trips and a long limit: under a loaded test run the two spinning threads may wait for a core.
        var measured = CacheLineRoundTrip.Measure(rounds: 1, roundTrips: 2_000, limit: TimeSpan.FromSeconds(60));

        if (Environment.ProcessorCount < 2)
        {
            Assert.Null(measured);
            return;
        }
        Assert.NotNull(measured);
        // At least the time of a few instructions, at most a whole scheduler time slice per round trip on average.
        Assert.InRange(measured.Value, 0.005, 20_000);
    }

    [Fact]
    public void It_gives_up_and_says_so_when_the_other_thread_cannot_answer_in_time()
    {
        Assert.SkipWhen(Environment.ProcessorCount < 2, "one core: there is no second thread to wait for (the test above checks null then)");
        Assert.Null(CacheLineRoundTrip.Measure(rounds: 1, roundTrips: int.MaxValue, limit: TimeSpan.FromMilliseconds(50)));
    }

    [Fact]
    public void Nonsense_counts_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CacheLineRoundTrip.Measure(rounds: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => CacheLineRoundTrip.Measure(roundTrips: 0));
    }
}
