using NeuralNetworks.Cli;

// Every command adds itself in Cli.CreateRoot; Cli.Run is the one error boundary around all of them.
return Cli.Run(Cli.CreateRoot(), args);
