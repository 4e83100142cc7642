using EdgeAgent.Cli;
using EdgeAgent.Hosting;

FileModes.Restrict();
return await EdgeAgentCommandLine.InvokeAsync(args).ConfigureAwait(false);
