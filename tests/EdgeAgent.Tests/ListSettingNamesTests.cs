namespace EdgeAgent.Tests;

using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Alerting.Rules;
using EdgeAgent.Sources;
using EdgeAgent.Testing;

/// <summary>Every item of a list setting that others refer to by name must have a name of its own, and the message says which.</summary>
public sealed class ListSettingNamesTests
{
    [Fact]
    public void A_source_id_used_by_a_drop_folder_and_a_stream_is_refused_at_the_stream()
    {
        using var folder = new TempFolder();
        var sources = new SourcesOptions
        {
            DropFolders = [new DropFolderOptions { Id = "CT-07", Path = folder.Path }, new DropFolderOptions { Id = "", Path = folder.Path }],
            Streams = [new StreamOptions { Id = "CT-07", Url = "rtsp://127.0.0.1:8554/cam" }, new StreamOptions { Id = "DRONE-1", Url = "rtsp://127.0.0.1:8554/drone" }],
        };

        var problems = sources.Problems().Where(p => p.Contains(":Id:", StringComparison.Ordinal)).ToList();

        Assert.Equal(2, problems.Count);
        Assert.StartsWith("Sources:DropFolders:1:Id:", problems[0], StringComparison.Ordinal);
        Assert.StartsWith("Sources:Streams:0:Id:", problems[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Two_rules_of_one_name_and_two_cameras_of_one_id_are_refused_at_the_second()
    {
        var alerting = new AlertingOptions { Rules = [new AlertRule { Name = "poachers" }, new AlertRule { Name = "rhinos" }, new AlertRule { Name = "poachers" }] };
        var geofencing = new GeofencingOptions
        {
            Cameras = [new CameraSite { Id = "CT-07", Latitude = -1.4, Longitude = 35.1 }, new CameraSite { Id = "CT-07", Latitude = -1.5, Longitude = 35.2 }],
        };

        Assert.Equal(["Alerting:Rules:2:Name: 'poachers' is used twice"], alerting.Problems().Where(p => p.Contains(":Name:", StringComparison.Ordinal)));
        Assert.Equal(["Geofencing:Cameras:1:Id: 'CT-07' is used twice"], geofencing.Problems());
    }
}
