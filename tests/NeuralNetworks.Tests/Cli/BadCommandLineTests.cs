using NeuralNetworks.Cli;
using NeuralNetworks.Data;

namespace NeuralNetworks.Tests.Cli;

/// <summary>Bad command lines for every command, through the program's own root command and error boundary:
/// each gets its exit code and one line on stderr that names the problem, and nothing on stdout.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class BadCommandLineTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("nn-bad-command-lines-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static (int ExitCode, string Output, string Error) Run(string[] args) =>
        CommandLine.Run(NeuralNetworks.Cli.Cli.CreateRoot(), args);

    public static TheoryData<string, int, string> CommandLines => new()
    {
        { "", 2, "no command given; choose one of: train, notebooks, bench, sweep" },
        { "trian", 2, "unknown command 'trian'; did you mean 'train'?" },
        { "swep --layers 784,10", 2, "unknown command 'swep'; did you mean 'sweep'?" },
        { "--verbose", 2, "unknown option '--verbose'" },
        { "train --learning-rate 0,5", 2, "'0,5' has a comma" },
        // A hostile user's audit (2026-12-06): wide and Arabic-Indic digits were "too large", or "could mean ٣.٠".
        { "train --epochs ３", 2, "--epochs ３: '３' has digits other than 0–9; write it with the digits 0–9" },
        { "train --learning-rate ٣,٠", 2, "'٣,٠' has digits other than 0–9" },
        { "train --layers ７８４,16,10", 2, "'７８４' has digits other than 0–9" },
        { "train --epochs 0", 2, "--epochs: Epochs must be at least 1, not 0" },
        { "train --layers 784,-3,10", 2, "Layer 1 has size -3" },
        { "train --layers 784,8,10 --layers 784,12,10", 2, "Option '--layers' expects a single argument but 2 were provided" },
        { "train --layers", 2, "Required argument missing for option: '--layers'" },
        { "sweep --layers 784,10 --layers 784,12,10", 2, "Option '--layers' expects a single argument but 2 were provided" },
        { "train --out /proc/no/such/x.json", 2, "--out /proc/no/such/x.json: cannot write" },
        { "train --data /no/such/folder", 2, "--data /no/such/folder: there is no folder /no/such/folder" },
        { "train --recipe nope", 2, "--recipe nope: no such recipe; the recipes are nielsen, better, best" },
        { "train --recipe best --momentum 0", 2, "--momentum 0: --recipe best uses Nesterov momentum, which needs a momentum μ above 0" },
        { "train --cost hinge", 2, "--cost hinge: Unknown cost 'hinge'" },
        { "train --schedule cosine:2", 2, "--schedule cosine:2: Unknown schedule 'cosine:2'" },
        { "sweep", 2, "--layers" },
        { "sweep --layers 784,0,10", 2, "Layer 1 has size 0" },
        { "sweep --layers 784,10;784,2147483647,10", 2, "needs 1,707,249,499,375 weights and biases" },
        { "sweep --layers 784,10 --parallelism 0", 2, "--parallelism must be at least 1, not 0" },
        { "sweep --layers 784,10 --learning-rate 1e-3,5", 2, "--learning-rate 1e-3,5: '1e-3,5' is not a number" },
        { "sweep --layers 784,10 --chart /proc/no/such/sweep.html", 2, "--chart /proc/no/such/sweep.html: cannot write" },
        { "sweep --layers 784,10 --data /no/such/folder", 2, "there is no folder /no/such/folder" },
        { "sweep --layers 784,10 --recipe nielsen", 2, "unknown option '--recipe' for 'sweep'" },
        { "bench --epochs 0", 2, "--epochs must be at least 1, not 0" },
        { "bench --epoch 3", 2, "unknown option '--epoch' for 'bench'; did you mean '--epochs'?" },
        { "bench --reference-epochs -1", 2, "--reference-epochs must be 0 or more, not -1" },
        { "bench --batch-sizes 10,x", 2, "--batch-sizes '10,x': 'x' is not a whole number" },
        { "bench --batch-sizes 0", 2, "0 is not a batch size from 1" },
        { "bench --batch-sizes 10,,32", 2, "--batch-sizes '10,,32': size 2 of 3 is empty" },
        { "bench --batch-sizes 10,32,", 2, "--batch-sizes '10,32,': size 3 of 3 is empty" },
        { "bench --data /no/such/folder", 2, "--data /no/such/folder: there is no folder" },
        { "bench --end-to-end /proc/no/such/x.json", 2, "--end-to-end /proc/no/such/x.json: cannot write" },
        { "bench --recipe bset", 2, "--recipe bset: no such recipe; did you mean 'best'?" },
        { "bench --recipe best --batch-sizes 10", 2, "--batch-sizes belongs to the per-epoch table" },
        { "bench --recipe best --batch-sizes 10 --peer-epochs 2", 2, "--batch-sizes and --peer-epochs belong to the per-epoch table" },
        { "bench --recipe better --peers", 2, "there is a PyTorch peer only for best" },
        { "bench --recipe best --epochs 0", 2, "--epochs must be at least 1, not 0" },
        { "bench --seed 3", 2, "--seed is for --recipe" },
        { "bench --peers --rounds 0", 2, "--rounds must be at least 1, not 0" },
        { "bench --rounds 3", 2, "--rounds pairs the fast path with its peers: add --peers" },
        { "bench --recipe best --rounds 0", 2, "--rounds must be at least 1, not 0" },
        { "bench --recipe best --rounds 2 --end-to-end x.json", 2, "--end-to-end belongs to the per-epoch table" },
        { "notebooks", 2, "no command given after 'notebooks'; choose one of: run, clear" },
        { "notebooks rnu", 2, "unknown command 'rnu' for 'notebooks'; did you mean 'run'?" },
        { "notebooks run --timeout 0", 2, "--timeout must be a positive number of seconds, not 0" },
        { "notebooks run --timeout soon", 2, "soon" },
        { "notebooks run --timeout 86401", 2, "--timeout must be at most 86,400 seconds (a day), not 86,401" },
        { "notebooks slides --timeout 2147483647", 2, "--timeout must be at most 86,400 seconds (a day), not 2,147,483,647" },
        { "notebooks grade nowhere --out nowhere-graded --timeout 5000000", 2, "--timeout must be at most 86,400 seconds (a day), not 5,000,000" },
        { "notebooks run --out /proc/no/such/folder", 2, "--out /proc/no/such/folder: cannot write in /proc/no/such/folder" },
        { "notebooks clear --bogus", 2, "unknown option '--bogus'; notebooks and folders are given as paths" },
        { "notebooks run --only 09", 2, "unknown option '--only'; notebooks and folders are given as paths" },
        { "notebooks run --solution", 2, "unknown option '--solution'; did you mean '--solutions'?" },
        { "notebooks slides --singlefile", 2, "unknown option '--singlefile'; did you mean '--single-file'?" },
        { "notebooks handout --out handout --soltions", 2, "unknown option '--soltions'; did you mean '--solutions'?" },
    };

    [Theory]
    [MemberData(nameof(CommandLines))]
    public void A_bad_command_line_gets_its_exit_code_and_one_line_naming_the_problem(string commandLine, int exitCode, string message)
    {
        var (code, output, error) = Run(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(exitCode, code);
        Assert.StartsWith("error: ", error);
        Assert.DoesNotContain('\n', error.TrimEnd());
        Assert.Contains(message, error);
        Assert.Equal("", output);
    }

    [Theory]
    [InlineData("train")]
    [InlineData("sweep")]
    [InlineData("bench")]
    public void An_empty_data_folder_name_names_the_option(string command)
    {
        // A hostile user's audit (2026-12-06): --data "" (an unset shell variable) said only "The value cannot be an empty string."
        string[] args = command == "sweep" ? [command, "--layers", "784,10", "--data", ""] : [command, "--data", " "];
        var (code, _, error) = Run(args);
        Assert.Equal(2, code);
        Assert.Contains("--data needs a folder, e.g. --data data/mnist", error);
    }

    [Fact]
    public void A_data_folder_without_the_files_is_exit_2_and_a_corrupt_one_exit_1_for_every_training_command()
    {
        string empty = Directory.CreateDirectory(Path.Combine(folder, "empty")).FullName;
        string corrupt = Directory.CreateDirectory(Path.Combine(folder, "corrupt")).FullName;
        foreach (var name in Mnist.Sha256.Keys) File.WriteAllBytes(Path.Combine(corrupt, name), [0x1F, 0x8B, 8, 0, 1, 2]);
        string chart = Path.Combine(folder, "sweep.html"), network = Path.Combine(folder, "network.json");

        foreach (var (args, code, message) in new (string[], int, string)[]
        {
            (["train", "--data", empty, "--out", network], 2, Path.Combine(empty, Mnist.TrainingImagesFile)),
            (["sweep", "--layers", "784,10", "--data", empty, "--chart", chart], 2, Path.Combine(empty, Mnist.TrainingImagesFile)),
            (["bench", "--data", empty, "--end-to-end", network], 2, Path.Combine(empty, Mnist.TrainingImagesFile)),
            (["bench", "--data", empty, "--recipe", "best"], 2, Path.Combine(empty, Mnist.TrainingImagesFile)),
            (["train", "--data", corrupt, "--out", network], 1, Path.Combine(corrupt, Mnist.TrainingImagesFile)),
            (["sweep", "--layers", "784,10", "--skip-checksums", "--data", corrupt, "--chart", chart], 1, Path.Combine(corrupt, Mnist.TrainingImagesFile)),
            (["bench", "--data", corrupt, "--end-to-end", network], 1, Path.Combine(corrupt, Mnist.TrainingImagesFile)),
            (["bench", "--data", corrupt, "--recipe", "best"], 1, Path.Combine(corrupt, Mnist.TrainingImagesFile)),
        })
        {
            var (exit, _, error) = Run(args);
            Assert.True(exit == code, $"{string.Join(' ', args)}: exit {exit}, expected {code}: {error}");
            Assert.StartsWith("error: ", error);
            Assert.DoesNotContain('\n', error.TrimEnd());
            Assert.Contains(message, error);
        }
        Assert.False(File.Exists(chart));
        Assert.False(File.Exists(network));
    }

    [Fact]
    public void The_help_states_the_exit_codes_and_the_number_format()
    {
        var (code, output, _) = Run(["--help"]);

        Assert.Equal(0, code);
        Assert.Contains("Exit codes: 0 done; 1 the run failed", output);
        Assert.Contains("2 the command line is wrong", output);
        Assert.Contains("decimal point", output);
    }

    [Theory]
    [InlineData("0.5", 0.5)]
    [InlineData("1e-3", 0.001)]
    [InlineData("-2", -2.0)]
    [InlineData("3", 3.0)]
    public void Numbers_are_read_with_a_decimal_point_and_a_comma_is_refused_with_both_meanings(string text, double expected)
    {
        // The tests run in .NET's invariant-globalization mode, so no other culture can be switched on here; the
        // parser passes CultureInfo.InvariantCulture explicitly and takes no thousands separators.
        Assert.True(Numbers.TryParseDouble(text, out var value, out _));
        Assert.Equal(expected, value);
        Assert.False(Numbers.TryParseDouble(text.Replace('.', ','), out _, out var problem) && text.Contains('.'));
        Assert.False(Numbers.TryParseDouble("0,5", out _, out problem));
        Assert.Contains("0.5 (decimal comma) or 5 (thousands separator)", problem);
        Assert.False(Numbers.TryParseInt("12,000", out _, out problem));
        Assert.Contains("write 12000", problem);
    }
}
