using System.CommandLine;
using System.IO.Compression;
using System.Text.RegularExpressions;
using NeuralNetworks.Cli;
using NeuralNetworks.Data;
using NeuralNetworks.Training;

namespace NeuralNetworks.Tests.Cli;

/// <summary>These tests swap Console.Out and Console.Error, so nothing else may run beside them.</summary>
[CollectionDefinition(nameof(ConsoleCollection), DisableParallelization = true)]
public sealed class ConsoleCollection;

[Collection(nameof(ConsoleCollection))]
public sealed class TrainCommandTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("train-command-tests-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string OutFile => Path.Combine(folder, "out", "network.json");

    /// <summary>Runs <c>train</c> with <paramref name="args"/> through System.CommandLine, as Program.cs does.</summary>
    private static (int ExitCode, string Output, string Error) Train(params string[] args) =>
        CommandLine.Run(new RootCommand("test") { TrainCommand.Create() }, ["train", .. args]);

    /// <summary>A folder with the four MNIST file names holding a few random 28×28 images in the MNIST (IDX, gzip) format.</summary>
    private string TinyDataFolder(int trainingCount = 200, int testCount = 50, int rows = 28, int columns = 28) =>
        TinyDataFolder(Path.Combine(folder, "tiny-mnist"), trainingCount, testCount, rows, columns);

    /// <summary>Writes the four MNIST files of <see cref="TinyDataFolder(int, int, int, int)"/> into <paramref name="data"/>; returns it.</summary>
    internal static string TinyDataFolder(string data, int trainingCount = 200, int testCount = 50, int rows = 28, int columns = 28)
    {
        Directory.CreateDirectory(data);
        var random = new Random(7);
        void Write(string prefix, int count)
        {
            var pixels = new byte[count * rows * columns];
            var labels = new byte[count];
            random.NextBytes(pixels);
            for (int i = 0; i < count; i++) labels[i] = (byte)random.Next(10);
            WriteGzip(Path.Combine(data, $"{prefix}-images-idx3-ubyte.gz"), Idx(0x803, [count, rows, columns], pixels));
            WriteGzip(Path.Combine(data, $"{prefix}-labels-idx1-ubyte.gz"), Idx(0x801, [count], labels));
        }
        Write("train", trainingCount);
        Write("t10k", testCount);
        return data;
    }

    private static byte[] Idx(int magic, int[] sizes, byte[] data)
    {
        var bytes = new List<byte>();
        foreach (int value in (int[])[magic, .. sizes])
            bytes.AddRange([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    private static void WriteGzip(string path, byte[] bytes)
    {
        using var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest);
        gzip.Write(bytes);
    }

    private static void AssertOneLine(string text)
    {
        Assert.False(string.IsNullOrWhiteSpace(text), "expected a message on stderr");
        Assert.DoesNotContain('\n', text.TrimEnd());
    }

    [Theory]
    [InlineData("--no-such-option", "--no-such-option")]
    [InlineData("--layers 784,0,10", "--layers '784,0,10': Layer 1 has size 0; every layer needs at least one neuron")]
    [InlineData("--layers 784", "--layers '784': A network needs at least two layers")]
    [InlineData("--layers abc", "'abc' is not a whole number")]
    [InlineData("--layers 784,16,x", "'x' is not a whole number")]
    [InlineData("--layers 784,100000000,10", "needs 79,500,000,010 weights and biases")]
    [InlineData("--layers 784,2147483647,10", "needs 1,707,249,499,375 weights and biases")]
    [InlineData("--learning-rate 0,5", "'0,5' has a comma, which could mean 0.5 (decimal comma) or 5 (thousands separator)")]
    [InlineData("--epochs 1,000", "write 1000")]
    [InlineData("--epochs 1_000", "digit-group separators")]
    [InlineData("--batch-size 2.5", "'2.5' is not a whole number")]
    [InlineData("--seed 99999999999", "'99999999999' is too large for a whole number here (the largest is 2,147,483,647)")]
    [InlineData("--seed -99999999999", "'-99999999999' is too small for a whole number here (the least is -2,147,483,648)")]
    [InlineData("--epochs 99999999999", "--epochs 99999999999: '99999999999' is too large for a whole number here")]
    [InlineData("--recipe nielsn", "--recipe nielsn: no such recipe; did you mean 'nielsen'?")]
    [InlineData("--recipe better --activation relu", "--recipe better sets the network")]
    [InlineData("--lerning-rate 1", "unknown option '--lerning-rate' for 'train'; did you mean '--learning-rate'?")]
    [InlineData("--learning-rate-decay 0.95", "unknown option '--learning-rate-decay' for 'train'")]
    [InlineData("--epochs 0", "--epochs: Epochs must be at least 1, not 0")]
    [InlineData("--epochs abc", "--epochs")]
    [InlineData("--batch-size 0", "--batch-size: The batch size must be at least 1, not 0")]
    [InlineData("--learning-rate -1", "--learning-rate: The learning rate must be a positive, finite number, not -1")]
    [InlineData("--learning-rate NaN", "--learning-rate: The learning rate must be a positive, finite number, not NaN")]
    [InlineData("--learning-rate Infinity", "--learning-rate: The learning rate must be a positive, finite number, not Infinity")]
    [InlineData("--cost foo", "--cost foo: Unknown cost 'foo': choose quadratic, cross-entropy or log-likelihood")]
    [InlineData("--activation foo", "--activation foo: Unknown activation 'foo'")]
    [InlineData("--output-activation foo", "--output-activation foo: Unknown activation 'foo'")]
    [InlineData("--activation softmax", "--activation: softmax works on a whole layer, so it is for the output layer only")]
    [InlineData("--init foo", "--init foo: Unknown initialization 'foo': choose standard")]
    [InlineData("--init 1", "--init 1: Unknown initialization '1'")]
    [InlineData("--cost cross-entropy --output-activation relu", "--output-activation: The cross-entropy cost needs a sigmoid output layer, not relu")]
    [InlineData("--cost log-likelihood", "--output-activation: The log-likelihood cost needs a softmax output layer, not sigmoid")]
    [InlineData("--momentum 1", "--momentum: Momentum μ must be in [0, 1), not 1")]
    [InlineData("--momentum -0.5", "--momentum: Momentum μ must be in [0, 1), not -0.5")]
    [InlineData("--nesterov", "--nesterov: Nesterov momentum needs a momentum μ above 0")]
    [InlineData("--weight-decay -1", "--weight-decay: Weight decay λ must be 0 or more, and finite, not -1")]
    [InlineData("--schedule linear", "--schedule linear: Unknown schedule 'linear': choose constant, cosine, exponential:DECAY or step:EVERY[:FACTOR]")]
    [InlineData("--schedule step:0", "--schedule step:0: A step schedule drops η every 1 or more epochs, not 0")]
    [InlineData("--schedule step:5:2", "--schedule step:5:2: A step schedule multiplies η by a factor in (0, 1], not 2")]
    [InlineData("--schedule step:x", "--schedule step:x: In the schedule 'step:x', EVERY 'x' is not a whole number of epochs")]
    [InlineData("--schedule exponential:1.5", "--schedule exponential:1.5: An exponential schedule multiplies η by a decay in (0, 1] every epoch, not 1.5")]
    [InlineData("--schedule exponential:0,9", "--schedule exponential:0,9: In the schedule 'exponential:0,9', DECAY '0,9' is not a number")]
    [InlineData("--max-shift -1", "--max-shift: The largest shift must be 0 (off) or more pixels, not -1")]
    public void A_bad_option_is_one_line_on_stderr_and_exit_code_2(string args, string problem)
    {
        var (exitCode, output, error) = Train([.. args.Split(' '), "--out", OutFile]);

        Assert.Equal(2, exitCode);
        AssertOneLine(error);
        Assert.Contains(problem, error);
        Assert.StartsWith("error: ", error);
        Assert.Equal("", output);
        Assert.False(File.Exists(OutFile));
    }

    [Fact]
    public void A_data_folder_that_does_not_exist_is_a_usage_error_naming_the_path()
    {
        string nowhere = Path.Combine(folder, "no", "such", "folder");

        var (exitCode, _, error) = Train("--data", nowhere, "--out", OutFile);

        Assert.Equal(2, exitCode);
        AssertOneLine(error);
        Assert.Contains(nowhere, error);
    }

    [Fact]
    public void A_data_folder_without_the_MNIST_files_is_a_usage_error_naming_the_missing_file()
    {
        string empty = Directory.CreateDirectory(Path.Combine(folder, "empty")).FullName;

        var (exitCode, _, error) = Train("--data", empty, "--out", OutFile);

        Assert.Equal(2, exitCode);
        AssertOneLine(error);
        Assert.Contains(Path.Combine(empty, "train-images-idx3-ubyte.gz"), error);
    }

    [Fact]
    public void A_directory_in_place_of_a_data_file_fails_with_exit_code_1_saying_it_is_a_directory()
    {
        string data = TinyDataFolder();
        string images = Path.Combine(data, "train-images-idx3-ubyte.gz");
        File.Delete(images);
        Directory.CreateDirectory(images);

        var (exitCode, _, error) = Train("--data", data, "--out", OutFile);

        Assert.Equal(1, exitCode);
        AssertOneLine(error);
        Assert.Contains($"{images}: it is a directory, not a file", error);
        Assert.False(File.Exists(OutFile));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_corrupt_data_file_fails_with_exit_code_1_naming_the_file(bool verifyChecksums)
    {
        string data = TinyDataFolder();
        string images = Path.Combine(data, "train-images-idx3-ubyte.gz");
        File.WriteAllBytes(images, [0x1f, 0x8b, 1, 2, 3]);

        var (exitCode, _, error) = Train(["--data", data, "--out", OutFile, .. verifyChecksums ? Array.Empty<string>() : ["--skip-checksums"]]);

        Assert.Equal(1, exitCode);
        AssertOneLine(error);
        Assert.Contains(images, error);
        Assert.False(File.Exists(OutFile));
    }

    [Fact]
    public void Other_IDX_data_under_the_MNIST_names_trains_without_options_and_says_once_it_is_not_MNIST()
    {
        string data = TinyDataFolder();

        var (exitCode, output, error) = Train("--data", data, "--layers", "784,10", "--epochs", "1", "--out", OutFile);

        Assert.Equal("", error);
        Assert.Equal(0, exitCode);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(output, "not the bundled MNIST"));
        Assert.Contains("on 200 tiny-mnist images, testing on 50", output);
        Assert.True(File.Exists(OutFile));
    }

    [Fact]
    public void Training_and_test_images_of_two_sizes_are_bad_data_that_says_so()
    {
        // Found 2026-12-04: each --layers got "does not fit … would fit" pointing at the other set's size, exit 2.
        string data = TinyDataFolder();
        var pixels = new byte[50 * 32 * 32];
        new Random(3).NextBytes(pixels);
        WriteGzip(Path.Combine(data, "t10k-images-idx3-ubyte.gz"), Idx(0x803, [50, 32, 32], pixels));

        var (exitCode, _, error) = Train("--data", data, "--skip-checksums", "--layers", "784,8,10", "--epochs", "1", "--out", OutFile);

        Assert.Equal(1, exitCode);
        AssertOneLine(error);
        Assert.Contains("the training images are 28×28 (784 inputs) but the test images 32×32 (1024 inputs); no network takes both", error);
        Assert.DoesNotContain("would fit", error);
    }

    [Fact]
    public void Images_of_another_size_get_a_message_naming_the_folder_the_shape_and_the_layers_that_fit()
    {
        string data = TinyDataFolder(rows: 20, columns: 20);

        var (exitCode, output, error) = Train("--data", data, "--epochs", "1", "--out", OutFile);

        Assert.Equal(2, exitCode);
        AssertOneLine(error);
        Assert.Contains($"--layers 784,16,16,10 does not fit the data in {data}: tiny-mnist training does not fit the network 784-16-16-10", error);
        Assert.Contains("its inputs are 20×20 = 400 pixels and its labels 10 classes", error);
        Assert.Contains("layers 400-16-16-10 would fit", error);
        Assert.False(File.Exists(OutFile));
    }

    [Fact]
    public void A_batch_larger_than_the_training_set_is_one_step_per_epoch_as_in_the_library()
    {
        string data = TinyDataFolder();

        var (exitCode, output, error) = Train("--data", data, "--layers", "784,10", "--batch-size", "2147483647", "--epochs", "2", "--out", OutFile);

        Assert.Equal("", error);
        Assert.Equal(0, exitCode);
        Assert.Contains("epoch 2/2", output);
    }

    [Fact]
    public void A_failed_run_leaves_an_existing_output_file_as_it_was()
    {
        string data = TinyDataFolder();
        Directory.CreateDirectory(Path.GetDirectoryName(OutFile)!);
        File.WriteAllText(OutFile, "{\"sizes\": [784, 16, 10], \"weights\": [], \"note\": \"the network of an earlier run\"}");

        var (exitCode, _, _) = Train("--data", data, "--layers", "784,16,10", "--activation", "relu", "--learning-rate", "1e300", "--out", OutFile);

        Assert.Equal(1, exitCode);
        Assert.Equal("{\"sizes\": [784, 16, 10], \"weights\": [], \"note\": \"the network of an earlier run\"}", File.ReadAllText(OutFile));
        Assert.Equal([Path.GetFileName(OutFile)], Directory.GetFiles(Path.GetDirectoryName(OutFile)!).Select(Path.GetFileName));
    }

    [Fact]
    public void The_recipe_option_trains_the_recipe_and_its_help_lists_every_recipe()
    {
        string data = TinyDataFolder();

        var (exitCode, output, error) = Train("--data", data, "--recipe", "better", "--epochs", "1", "--out", OutFile);
        var (_, help, _) = Train("--help");

        Assert.Equal("", error);
        Assert.Equal(0, exitCode);
        Assert.Contains(TrainingRecipe.Better.Name, output);
        Assert.Contains("η = 0.05 (schedule exponential:0.95)", output);
        foreach (var name in TrainingRecipe.All.Keys) Assert.Contains(name, help);
    }

    [Fact]
    public void Training_on_a_small_data_folder_prints_the_epochs_the_final_accuracy_and_saves_the_network()
    {
        string data = TinyDataFolder(trainingCount: 200, testCount: 50);

        var (exitCode, output, error) = Train("--data", data, "--skip-checksums", "--layers", "784,5,10", "--epochs", "2",
            "--batch-size", "20", "--learning-rate", "0.5", "--init", "scaled", "--seed", "3", "--out", OutFile);

        Assert.Equal("", error);
        Assert.Equal(0, exitCode);
        Assert.Matches(new Regex(@"^epoch 1/2  cost \d+\.\d{4}  test accuracy \d+\.\d{2}%  \d+\.\d{3} s$", RegexOptions.Multiline), output);
        Assert.Matches(new Regex(@"^epoch 2/2  cost ", RegexOptions.Multiline), output);
        Assert.Contains("Training cost", output);
        Assert.Contains("Test cost", output);
        Assert.Matches(@"Test accuracy after 2 epochs: \d+\.\d{2}% \(\d+ / 50\)", output);
        Assert.Contains($"Saved the network to {OutFile}", output);
        Assert.DoesNotContain('\u001b', output);

        var network = NetworkJson.Load(OutFile);
        Assert.Equal([784, 5, 10], network.Sizes);
    }

    [Fact]
    [Trait("Category", Category.Mnist)]
    public void Notebook_11s_techniques_as_options_train_exactly_the_best_recipe()
    {
        string mnist = Mnist.FindDataDirectory(AppContext.BaseDirectory), byRecipe = Path.Combine(folder, "recipe.json");

        var (recipeExit, _, _) = Train("--recipe", "best", "--epochs", "2", "--data", mnist, "--out", byRecipe);
        var (exitCode, output, error) = Train("--layers", "784,16,16,10", "--activation", "tanh", "--output-activation", "softmax",
            "--cost", "log-likelihood", "--init", "scaled", "--learning-rate", "0.04", "--batch-size", "64", "--momentum", "0.9",
            "--nesterov", "--schedule", "cosine", "--max-shift", "1", "--epochs", "2", "--data", mnist, "--out", OutFile);

        Assert.Equal((0, 0, ""), (recipeExit, exitCode, error));
        Assert.Contains("η = 0.04 (schedule cosine)", output);
        Assert.Contains("Nesterov momentum μ = 0.9, shifts of up to 1 pixel", output);
        Assert.Equal(File.ReadAllText(byRecipe), File.ReadAllText(OutFile));   // the same weights, to the last digit
    }

    [Fact]
    [Trait("Category", Category.Mnist)]
    public void One_epoch_on_MNIST_reports_the_accuracy_out_of_ten_thousand_and_saves_a_network_that_loads_back()
    {
        var (exitCode, output, error) = Train("--layers", "784,10", "--epochs", "1", "--data", Mnist.FindDataDirectory(AppContext.BaseDirectory),
            "--out", OutFile);

        Assert.Equal("", error);
        Assert.Equal(0, exitCode);
        Assert.Contains("on 60,000 MNIST images, testing on 10,000", output);
        Assert.DoesNotContain("not the bundled MNIST", output);
        Assert.Matches(new Regex(@"^epoch 1/1  cost \d\.\d{4}  test accuracy \d+\.\d{2}%  \d+\.\d{3} s$", RegexOptions.Multiline), output);
        Assert.Matches(new Regex(@"│\s+1 │\s+\d\.\d{4} │\s+\d\.\d{4} │\s+\d+\.\d{2}% │\s+\d+\.\d{3} │"), output);
        var accuracy = Regex.Match(output, @"Test accuracy after 1 epoch: (\d+\.\d{2})% \(([\d,]+) / 10,000\)");
        Assert.True(accuracy.Success, output);
        Assert.Equal(double.Parse(accuracy.Groups[1].Value) * 100, double.Parse(accuracy.Groups[2].Value.Replace(",", "")), 6);
        // The line names its three parts, and they add up to the total (each rounded to 0.01 s): no part is counted twice.
        var time = Regex.Match(output, @"Total time: (\d+\.\d\d) s \(loading (\d+\.\d\d) s, training (\d+\.\d\d) s, testing and the rest (\d+\.\d\d) s\)");
        Assert.True(time.Success, output);
        double Part(int i) => double.Parse(time.Groups[i].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Part(1), Part(2) + Part(3) + Part(4), 0.025);   // (in this process MNIST may load from its cache in 0.00 s)
        Assert.DoesNotContain("did not learn", output);   // the chance-level note is for runs that learned nothing

        var network = NetworkJson.Load(OutFile);
        Assert.Equal([784, 10], network.Sizes);
        Assert.Equal("quadratic", network.Cost.Name);
    }

    [Fact]
    [Trait("Category", Category.Mnist)]
    public void A_copy_of_MNIST_with_a_test_label_changed_to_10_is_blamed_on_that_file_even_with_skip_checksums()
    {
        string copy = LoaderMessageTests.CopyOfMnistWithATestLabelOf10(Path.Combine(folder, "my-mnist"));
        string labels = Path.Combine(copy, Mnist.TestLabelsFile);

        var (exitCode, output, error) = Train("--data", copy, "--skip-checksums", "--epochs", "1", "--out", OutFile);

        Assert.Equal(1, exitCode);
        AssertOneLine(error);
        Assert.StartsWith($"error: could not read the data: {labels}: SHA-256 mismatch", error);
        Assert.DoesNotContain("would fit", error);
        Assert.DoesNotContain("784,16,16,11", error);
        Assert.Equal("", output);
    }

    [Fact]
    public void A_learning_rate_that_makes_the_cost_blow_up_fails_with_exit_code_1_and_saves_nothing()
    {
        string data = TinyDataFolder();

        var (exitCode, output, error) = Train("--data", data, "--skip-checksums", "--layers", "784,16,10", "--activation", "relu",
            "--learning-rate", "1e300", "--out", OutFile);

        Assert.Equal(1, exitCode);
        AssertOneLine(error);
        Assert.Contains("diverged at epoch 1, step", error);
        Assert.Contains("η = 1E+300", error);
        Assert.DoesNotContain("Saved", output);
        Assert.False(File.Exists(OutFile));
    }

    [Fact]
    public void A_sweep_in_which_every_configuration_diverges_fails_with_exit_code_1_names_the_first_and_writes_no_chart()
    {
        string data = TinyDataFolder();
        string chart = Path.Combine(folder, "out", "sweep.html");

        var (exitCode, output, error) = CommandLine.Run(new RootCommand("test") { SweepCommand.Create() },
            ["sweep", "--data", data, "--skip-checksums", "--layers", "784,16,10;784,10", "--activation", "relu",
             "--learning-rate", "1e300", "--epochs", "1", "--chart", chart]);

        Assert.Equal(1, exitCode);
        AssertOneLine(error);
        Assert.StartsWith("error: every configuration diverged, so there is no chart to write; ", error);
        Assert.Contains("diverged at epoch 1, step", error);
        Assert.Contains("784-16-10: diverged", output);   // each configuration's row and line, before the error
        Assert.Contains("784-10: diverged", output);
        Assert.False(File.Exists(chart));
    }

    [Fact]
    public void Cancelling_stops_training_with_exit_code_130_and_saves_nothing()
    {
        string data = TinyDataFolder();
        var output = new StringWriter();
        var error = new StringWriter();
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        int exitCode = TrainCommand.Run(new TrainArguments { DataDirectory = data, VerifyChecksums = false, Layers = [784, 10], Out = OutFile },
            output, error, cancellation.Token);

        Assert.Equal(TrainCommand.Cancelled, exitCode);
        Assert.Contains("cancelled", error.ToString());
        Assert.False(File.Exists(OutFile));
    }

    [Fact]
    public void A_device_or_a_named_pipe_is_refused_as_an_output_before_anything_is_written()
    {
        // Found 2026-12-04: as root, `train --out /dev/null` renamed its temporary file over /dev/null, which became a
        // regular file. OutputFile.Check is called directly: were the check to fail, nothing would then write there.
        if (!OperatingSystem.IsLinux()) Assert.Skip("devices and named pipes are recognised on Linux only (DataFile)");
        var device = Assert.Throws<UsageException>(() => OutputFile.Check("/dev/null", "--out", "network.json"));
        Assert.Contains("/dev/null is a character device, not a file", device.Message);

        string pipe = Path.Combine(folder, "pipe.json");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", pipe)) mkfifo.WaitForExit();
        var named = Assert.Throws<UsageException>(() => OutputFile.Check(pipe, "--summary", "summary.json"));
        Assert.Contains($"{pipe} is a FIFO (a named pipe), not a file", named.Message);

        string link = Path.Combine(folder, "to-null.json");
        File.CreateSymbolicLink(link, "/dev/null");
        Assert.Contains("/dev/null is a character device", Assert.Throws<UsageException>(() => OutputFile.Check(link, "--out", "network.json")).Message);
        Assert.Null(DataFile.NotAFile(Path.Combine(folder, "missing.json")));
    }

    [Fact]
    public void An_out_path_that_is_a_symbolic_link_writes_its_target_and_keeps_the_targets_permissions()
    {
        string data = TinyDataFolder();
        string target = Path.Combine(folder, "kept", "network.json"), link = Path.Combine(folder, "link.json");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.WriteAllText(target, "{\"sizes\": [784, 5, 10], \"weights\": [], \"note\": \"an earlier network\"}");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.CreateSymbolicLink(link, target);

        var (exitCode, output, error) = Train("--data", data, "--skip-checksums", "--layers", "784,5,10", "--epochs", "1", "--out", link);

        Assert.True(exitCode == 0, error);
        Assert.Equal(target, new FileInfo(link).LinkTarget);   // still a link
        Assert.Equal([784, 5, 10], NetworkJson.Load(target).Sizes);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(target));
        Assert.Contains($"Saved the network to {target}", output);
    }

    [Fact]
    public void The_same_file_for_the_network_and_the_summary_is_a_usage_error()
    {
        var (exitCode, _, error) = Train("--out", OutFile, "--summary", Path.Combine(folder, "out", ".", "network.json"));

        Assert.Equal(2, exitCode);
        Assert.Contains("name the same file", error);
    }

    [Fact]
    public void A_summary_that_cannot_be_written_at_the_end_costs_neither_the_network_nor_a_clear_message()
    {
        // Found 2026-12-04: the summary was written first, and when it failed the trained network was not saved at all.
        string data = TinyDataFolder();
        string summaryFolder = Path.Combine(folder, "summaries"), summary = Path.Combine(summaryFolder, "summary.json");
        var output = new BreakFolderWhenTrained(summaryFolder);
        var error = new StringWriter();

        int exitCode = TrainCommand.Run(new TrainArguments { DataDirectory = data, VerifyChecksums = false, Layers = [784, 5, 10], Epochs = 1, Out = OutFile },
            output, error, TestContext.Current.CancellationToken, summary);

        Assert.True(output.Broke, "the summary's folder was not replaced before the end of the run");
        Assert.Equal(1, exitCode);
        Assert.Equal([784, 5, 10], NetworkJson.Load(OutFile).Sizes);
        Assert.Contains($"the summary could not be written to {summary}", error.ToString());
        Assert.Contains($"the network was saved to {OutFile}", error.ToString());
    }

    /// <summary>Output that replaces a folder by a file once training has reported its final accuracy (before saving).</summary>
    private sealed class BreakFolderWhenTrained(string folderToBreak) : StringWriter
    {
        public bool Broke { get; private set; }

        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (Broke || value is null || !value.StartsWith("Test accuracy after", StringComparison.Ordinal)) return;
            Directory.Delete(folderToBreak, recursive: true);
            File.WriteAllText(folderToBreak, "a file where the summary's folder was");
            Broke = true;
        }
    }

    [Fact]
    public void Cancelling_while_the_data_loads_stops_at_once_with_exit_code_130_and_saves_nothing()
    {
        string data = TinyDataFolder();
        var output = new StringWriter();
        var error = new StringWriter();
        using var cancellation = new CancellationTokenSource();
        using var release = new ManualResetEventSlim();
        // A load that takes long (a slow disk, a large file): Ctrl+C comes as this folder starts loading, which then waits.
        Action<string> slowLoad = loading =>
        {
            if (loading != data) return;   // another test's data
            cancellation.Cancel();
            release.Wait(TimeSpan.FromSeconds(20));
        };
        Mnist.Loading += slowLoad;
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            int exitCode = TrainCommand.Run(new TrainArguments { DataDirectory = data, VerifyChecksums = false, Layers = [784, 10], Out = OutFile },
                output, error, cancellation.Token);

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"train waited {clock.Elapsed.TotalSeconds:0} s for the load after Ctrl+C");
            Assert.Equal(TrainCommand.Cancelled, exitCode);
            Assert.Equal("error: cancelled; nothing was saved.", error.ToString().Trim());
            Assert.False(File.Exists(OutFile));
        }
        finally
        {
            release.Set();
            Mnist.Loading -= slowLoad;
        }
    }

    [Fact]
    public void Data_that_cannot_be_found_tells_a_command_line_user_to_give_the_folder_with_the_data_option()
    {
        var missing = Assert.Throws<DirectoryNotFoundException>(() => Mnist.FindDataDirectory(Path.GetPathRoot(folder)));
        var error = new StringWriter();

        Assert.Equal(2, NeuralNetworks.Cli.Cli.Report(missing, error));
        Assert.Contains("give the folder with --data DIR", error.ToString());
        Assert.DoesNotContain("Mnist.Load", error.ToString());
    }

    [Fact]
    public void A_run_that_ends_at_chance_accuracy_says_the_network_did_not_learn()
    {
        // Found 2026-12-04: η = 10⁶ saturates every sigmoid; the run ended at 10 % (guessing), exit 0, without a word.
        string data = TinyDataFolder();   // random labels: nothing to learn, so any run ends near 1 in 10

        var (exitCode, output, _) = Train("--data", data, "--skip-checksums", "--layers", "784,5,10", "--epochs", "1", "--learning-rate", "1000000", "--out", OutFile);

        Assert.Equal(0, exitCode);
        Assert.Matches(@"Note: test accuracy \d+\.\d\d% is about what guessing gives \(1 in 10\): the network did not learn", output);
        Assert.Contains("η = 1000000", output);
    }

    [Fact]
    public void An_out_path_that_is_a_folder_is_a_usage_error()
    {
        var (exitCode, _, error) = Train("--out", folder);

        Assert.Equal(2, exitCode);
        AssertOneLine(error);
        Assert.Contains($"{folder} is a folder", error);
    }

    [Fact]
    public void The_help_lists_every_option()
    {
        var (exitCode, output, _) = Train("--help");

        Assert.Equal(0, exitCode);
        foreach (var option in new[] { "--layers", "--epochs", "--batch-size", "--learning-rate", "--momentum", "--nesterov", "--weight-decay", "--schedule", "--max-shift",
                     "--cost", "--activation", "--init", "--seed", "--data", "--out" })
            Assert.Contains(option, output);
    }
}

/// <summary><c>bench</c> starts its <c>train</c> children as it was itself started: through its own executable when it is one
/// (it took "NeuralNetworks.Cli" for "NeuralNetworks" plus an extension, and went through a `dotnet` on PATH instead).</summary>
public class BenchChildCommandTests
{
    [Theory]
    [InlineData("/opt/nn/NeuralNetworks.Cli")]
    [InlineData(@"C:\nn\NeuralNetworks.Cli.exe")]
    public void The_tools_own_executable_runs_its_children(string self)
    {
        if (self.Contains('\\') && !OperatingSystem.IsWindows()) self = "/opt/nn/NeuralNetworks.Cli.exe";
        Assert.Equal([self], NeuralNetworks.Cli.Cli.SelfCommand(self));
    }

    [Fact]
    public void Under_dotnet_the_children_run_the_assembly_through_the_same_dotnet()
    {
        var command = NeuralNetworks.Cli.Cli.SelfCommand("/usr/share/dotnet/dotnet");
        Assert.Equal("/usr/share/dotnet/dotnet", command[0]);
        Assert.Equal("exec", command[1]);
        Assert.EndsWith("NeuralNetworks.Cli.dll", command[2]);
    }
}
