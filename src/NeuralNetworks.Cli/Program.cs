using NeuralNetworks.Cli;

// Every command adds itself in Cli.CreateRoot; Cli.Run is the one error boundary around all of them.
// What reaches stderr (error lines naming files, cells' messages) shows control characters instead of obeying them.
Console.SetError(new PrintableWriter(Console.Error));
return Cli.Run(Cli.CreateRoot(), args);
