using System.CommandLine;
using NeuralNetworks.Cli;

// Each command lives in its own file and adds itself here; Cli.Run is the one error boundary around all of them.
var root = new RootCommand("Train, measure and explore the 3Blue1Brown digit network; run and export the notebooks.\n" +
                           "Numbers take a decimal point (0.5), whatever the language settings.\n" + Cli.ExitCodes);
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(NeuralNetworks.Cli.Notebooks.NotebooksCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(SweepCommand.Create());
return Cli.Run(root, args);
