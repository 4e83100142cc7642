using EdgeAgent.Cli;

return await EdgeAgentCommandLine.InvokeAsync(args).ConfigureAwait(false);
