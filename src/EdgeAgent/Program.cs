using EdgeAgent.Cli;
using EdgeAgent.Hosting;

FileModes.Restrict();
using var stop = new ProcessStop();
return await EdgeAgentCommandLine.InvokeAsync(args, stop.Token).ConfigureAwait(false);
