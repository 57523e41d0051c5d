using System.CommandLine;
using NeuralNetworks.Cli;

// Each command lives in its own file and adds itself here.
var root = new RootCommand("Train, measure and explore the 3Blue1Brown digit network; run and export the notebooks.");
root.Subcommands.Add(TrainCommand.Create());

root.Subcommands.Add(NeuralNetworks.Cli.Notebooks.NotebooksCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(SweepCommand.Create());
return Cli.Run(root, args);
