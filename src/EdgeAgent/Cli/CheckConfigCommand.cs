namespace EdgeAgent.Cli;

using System.CommandLine;
using EdgeAgent.Configuration;

/// <summary><c>edge-agent check-config --config FILE</c>: the effective configuration, secrets masked, and every problem.</summary>
internal static class CheckConfigCommand
{
    public static Command Create()
    {
        return EdgeAgentCommandLine.ConfigVerb("check-config", "Print the effective configuration (secrets masked) and every problem in it; exit code 2 on any", [], async (parse, configuration, _) =>
        {
            foreach (var (key, value) in configuration.AsEnumerable()
                .Where(e => e.Value is not null && AgentConfiguration.Sections.Any(s => e.Key.StartsWith(s + ":", StringComparison.OrdinalIgnoreCase)))
                .OrderBy(e => e.Key, StringComparer.OrdinalIgnoreCase))
            {
                var secret = new[] { "password", "secret", "token", "signingkey" }.Any(word => key.Contains(word, StringComparison.OrdinalIgnoreCase));
                Console.WriteLine($"{key} = {(secret && value!.Length > 0 ? "********" : value)}");
            }

            var builder = AgentHost.CreateBuilder(configuration);
            builder.Services.AddFieldDaemon(configuration);
            using var host = builder.Build();
            try
            {
                var warnings = host.Services.VerifyDaemonConfiguration();
                await EdgeAgentCommandLine.WarnAsync(warnings).ConfigureAwait(false);
                Console.WriteLine("configuration OK");
                return 0;
            }
            catch (ConfigurationException e)
            {
                foreach (var line in e.Message.Split(Environment.NewLine))
                {
                    Console.WriteLine($"problem: {line}");
                }

                return ConfigurationException.ExitCode;
            }
        });
    }
}
