using static NeuralNetworks.Tests.TestNetworks;
using NeuralNetworks.Model;
using NeuralNetworks.Data;
using NeuralNetworks.Training;
using NeuralNetworks.Course;

namespace NeuralNetworks.Tests.Course;

public class LiveProgressTests
{
    private static readonly DataSet Train = Quadrants(400, seed: 1);
    private static readonly DataSet Validation = Quadrants(200, seed: 2);

    private static TrainingOptions Options(IProgress<TrainingProgress> progress) => new()
    {
        LearningRate = 1.0,
        Epochs = 3,
        BatchSize = 10,
        Seed = 5,
        ValidationData = Validation,
        Progress = progress,
    };

    [Fact]
    public void Outside_a_notebook_it_prints_one_line_per_epoch_with_the_histories_figures()
    {
        var printed = new StringWriter();
        var progress = new LiveProgress(printed);
        var history = Trainer.Train(Network.Create([64, 8, 4], seed: 1), Train, Options(progress) with { ProgressEverySteps = 10 }).History;

        var lines = printed.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.False(progress.IsLive);
        Assert.Equal(3, lines.Length);
        Assert.Equal(lines, progress.EpochLines);
        for (int e = 0; e < 3; e++)
        {
            Assert.StartsWith($"epoch {e + 1}/3: training cost {history.Epochs[e].TrainingCost:0.####}", lines[e]);
            Assert.Contains($"validation accuracy {history.Epochs[e].ValidationAccuracy:P2}", lines[e]);
            Assert.DoesNotContain("test accuracy", lines[e]);
        }
    }

    [Fact]
    public void In_a_notebook_it_displays_once_and_rewrites_that_display_ending_with_every_epoch()
    {
        var shown = new List<string>();
        var printed = new StringWriter();
        var progress = new LiveProgress(first => { shown.Add((string)first!); return text => shown.Add(text); }, printed);
        var history = Trainer.Train(Network.Create([64, 8, 4], seed: 1), Train, Options(progress)).History;

        Assert.True(progress.IsLive);
        Assert.Equal("", printed.ToString());
        Assert.Equal(3, shown.Count);   // the first display (after epoch 1: no step reports asked for), then one rewrite per later epoch
        Assert.Equal(["training: 1 of 3 epochs done", progress.EpochLines[0]], shown[0].Split('\n'));
        var final = shown[^1].Split('\n');
        Assert.Equal("training: 3 of 3 epochs done", final[0]);
        Assert.Equal(progress.EpochLines, final[1..]);
        Assert.Contains($"{history.Final.TrainingCost:0.####}", final[^1]);
    }

    [Fact]
    public void Without_a_kernel_the_default_progress_falls_back_to_printed_lines()
    {
        var progress = new LiveProgress();
        var original = Console.Out;
        var printed = new StringWriter();
        Console.SetOut(printed);
        try
        {
            Trainer.Train(Network.Create([64, 8, 4], seed: 1), Train, Options(progress) with { Epochs = 2 });
        }
        finally
        {
            Console.SetOut(original);
        }
        Assert.False(progress.IsLive);
        Assert.Equal(2, progress.EpochLines.Count);
        Assert.Contains(progress.EpochLines[1], printed.ToString());
    }
}
