namespace EdgeAgent.IntegrationTests;

using System.Diagnostics;
using EdgeAgent.Testing;

/// <summary>A night's batch stopped by a signal loses nothing: the next run picks up where it stopped.</summary>
public sealed class InterruptedRunTests
{
    private const int Pictures = 300;

    private static string MakeBigDrop(TempFolder folder)
    {
        var drop = Directory.CreateDirectory(folder.File("drop")).FullName;
        var sources = Directory.GetFiles(TestPaths.CameraTrap, "*.jpg");
        for (var i = 0; i < Pictures; i++)
        {
            File.CreateSymbolicLink(Path.Combine(drop, $"IMG_{i:0000}.JPG"), sources[i % sources.Length]);
        }

        return drop;
    }

    [Fact]
    public async Task Ctrl_c_saves_what_is_done_and_the_next_run_does_the_rest()
    {
        using var folder = new TempFolder();
        var (drop, output, agent) = StartOnBigDrop(folder);
        using (agent)
        {
            // Stopped once the first picture is done (the first progress line), long before the last.
            await agent.WaitForErrorAsync($" 1/{Pictures} pictures", TimeSpan.FromMinutes(1));
            await AgentProcess.SignalAsync(agent.Process, "INT");
            var (code, _, error) = await agent.WaitForExitAsync(TimeSpan.FromMinutes(1));

            Assert.True(code == 130, error);
            Assert.Contains("Stopped:", error, StringComparison.Ordinal);
        }

        var saved = Results.Load(output).Images.Count();
        Assert.InRange(saved, 1, Pictures - 1);

        var (again, summary, stderr) = await AgentProcess.RunAsync("detect", drop, "-o", output);

        Assert.True(again == 0, stderr);
        Assert.Contains($"pictures: {Pictures} ({saved} from an earlier run)", summary, StringComparison.Ordinal);
        Assert.Equal(Pictures, Results.Load(output).Images.Select(i => (string)i["file"]!).Distinct().Count());
    }

    [Fact]
    public async Task Sigkill_leaves_the_last_checkpoint_whole()
    {
        using var folder = new TempFolder();
        var (drop, output, agent) = StartOnBigDrop(folder);
        using (agent)
        {
            // The first checkpoint is written after 200 pictures.
            var deadline = DateTime.UtcNow.AddMinutes(1);
            while (!File.Exists(output) && !agent.Process.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            await AgentProcess.SignalAsync(agent.Process, "KILL");
            await agent.Process.WaitForExitAsync();
        }

        var saved = Results.Load(output).Images.Count();
        Assert.True(saved >= 200, $"the checkpoint holds {saved} pictures");

        var (code, summary, stderr) = await AgentProcess.RunAsync("detect", drop, "-o", output);

        Assert.True(code == 0, stderr);
        Assert.Contains($"pictures: {Pictures} (", summary, StringComparison.Ordinal);
        Assert.Equal(Pictures, Results.Load(output).Images.Count());
    }

    private static (string Drop, string Output, RunningAgent Agent) StartOnBigDrop(TempFolder folder)
    {
        var drop = MakeBigDrop(folder);
        var output = folder.File("results.json");
        return (drop, output, new RunningAgent(Process.Start(AgentProcess.StartInfo("detect", drop, "-o", output))!));
    }
}
