using NeuralNetworks.Training;

namespace NeuralNetworks.Tests;

/// <summary>One way to change η over the epochs, <see cref="LearningRateSchedule"/>, written and read as text the same
/// way: what <see cref="LearningRateSchedule.ToString"/> writes, <see cref="LearningRateSchedule.Parse"/> reads back.</summary>
public class LearningRateScheduleTests
{
    public static TheoryData<string, string> Schedules => new()
    {
        { "constant", "constant" },
        { "cosine", "cosine" },
        { "exponential:0.95", "exponential:0.95" },
        { "exponential:0.123456789012345", "exponential:0.123456789012345" },
        { "step:10", "step:10:0.1" },
        { "step:3:0.5", "step:3:0.5" },
        { "STEP:7:0.3333333333333333", "step:7:0.3333333333333333" },
        { " Cosine ", "cosine" },
        { "exponential:1", "constant" },
        { "step:2:1e-2", "step:2:0.01" },
    };

    [Theory]
    [MemberData(nameof(Schedules))]
    public void Every_schedule_reads_its_text_and_writes_text_that_reads_back_to_the_same_schedule(string text, string written)
    {
        var schedule = LearningRateSchedule.Parse(text);

        Assert.Equal(written, schedule.ToString());
        var again = LearningRateSchedule.Parse(schedule.ToString());
        Assert.Equal(schedule, again);
        Assert.Equal(schedule.GetHashCode(), again.GetHashCode());
        Assert.Equal(Enumerable.Range(1, 30).Select(e => schedule.Factor(e, 30)), Enumerable.Range(1, 30).Select(e => again.Factor(e, 30)));
    }

    [Fact]
    public void The_schedules_made_in_code_write_what_the_command_line_takes()
    {
        LearningRateSchedule[] schedules =
        [
            LearningRateSchedule.Constant, LearningRateSchedule.Cosine, LearningRateSchedule.Exponential(0.95), LearningRateSchedule.Exponential(0.1 + 0.2),
            LearningRateSchedule.Step(10), LearningRateSchedule.Step(4, 1.0 / 3), TrainingRecipe.Better.Options.Schedule, TrainingRecipe.Best.Options.Schedule,
        ];
        foreach (var schedule in schedules)
            Assert.Equal(schedule, LearningRateSchedule.Parse(schedule.ToString()));
        Assert.NotEqual(LearningRateSchedule.Step(10), LearningRateSchedule.Step(10, 0.5));
        Assert.NotEqual(LearningRateSchedule.Exponential(0.5), LearningRateSchedule.Step(1, 0.5));   // the same factors, another schedule
    }

    [Theory]
    [InlineData("linear", "Unknown schedule 'linear'")]
    [InlineData("cosine:2", "Unknown schedule 'cosine:2'")]
    [InlineData("step", "Unknown schedule 'step'")]
    [InlineData("step:1:2:3", "Unknown schedule 'step:1:2:3'")]
    [InlineData("exponential", "Unknown schedule 'exponential'")]
    [InlineData("step:x", "EVERY 'x' is not a whole number of epochs")]
    [InlineData("step:2.5", "EVERY '2.5' is not a whole number of epochs")]
    [InlineData("step:0", "drops η every 1 or more epochs, not 0")]
    [InlineData("step:3:0", "a factor in (0, 1], not 0")]
    [InlineData("exponential:0,9", "DECAY '0,9' is not a number")]
    [InlineData("exponential:NaN", "a decay in (0, 1] every epoch, not NaN")]
    [InlineData("", "Unknown schedule ''")]
    public void Text_that_names_no_schedule_is_refused_saying_why(string text, string problem)
    {
        var e = Assert.Throws<ArgumentException>(() => LearningRateSchedule.Parse(text));
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void The_better_recipes_exponential_schedule_gives_the_learning_rates_of_a_decay_of_095_bit_for_bit()
    {
        // The recipe once multiplied η by decay^(e−1) beside its schedule's factor of 1; the schedule is now the one way,
        // and the arithmetic is the same to the last bit, so the recipe's weights (and test digits) are unchanged.
        var options = TrainingRecipe.Better.Options;
        Assert.Equal("exponential:0.95", options.Schedule.ToString());
        for (int e = 1; e <= options.Epochs; e++)
            Assert.Equal(0.05 * Math.Pow(0.95, e - 1) * 1.0, options.LearningRateAt(e));
    }
}
