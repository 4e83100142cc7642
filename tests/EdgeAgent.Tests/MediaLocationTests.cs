namespace EdgeAgent.Tests;

using EdgeAgent.Reporting;

public sealed class MediaLocationTests
{
    private readonly MediaLocation _location = new(new Dictionary<string, string> { ["CT-07"] = "/srv/drop/ct07/processed" });

    [Fact]
    public void A_picture_is_named_by_its_file_uri_on_the_agent_or_its_published_url_and_a_name_never_leaves_its_folder()
    {
        Assert.Equal("file:///srv/drop/ct07/processed/2026/IMG%200001.JPG", _location.Of("CT-07", "2026/IMG 0001.JPG"));
        Assert.Equal(
            "https://media.example.org/traps/CT-07/2026/IMG%200001.JPG",
            (_location with { BaseUrl = "https://media.example.org/traps/" }).Of("CT-07", "2026/IMG 0001.JPG"));

        Assert.Null(_location.LocalFile("CT-07", "../../../etc/passwd"));
        Assert.Null(_location.Of("CT-07", "../secrets.jpg"));
        Assert.Null(_location.Of("MAST-1", "IMG_0001.JPG"));
    }
}
