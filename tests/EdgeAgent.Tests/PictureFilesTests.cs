namespace EdgeAgent.Tests;

using EdgeAgent.Common;
using EdgeAgent.Sources;
using EdgeAgent.Testing;

public sealed class PictureFilesTests
{
    [Fact]
    public void Pictures_are_found_by_extension_in_any_case()
    {
        using var folder = new TempFolder();
        foreach (var name in new[] { "a.JPG", "b.jpeg", "c.Png", "notes.txt", "d.gif" })
        {
            File.WriteAllText(folder.File(name), "x");
        }

        var found = PictureFiles.Find([folder.Path], recursive: false, _ => { });

        Assert.Equal(["a.JPG", "b.jpeg", "c.Png"], found.Select(f => f.Name));
    }

    [Fact]
    public void Sub_folders_are_walked_only_when_asked_and_name_the_camera()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.File("cam-07"));
        File.WriteAllText(folder.File("top.jpg"), "x");
        File.WriteAllText(Path.Combine(folder.File("cam-07"), "IMG_0001.JPG"), "x");

        Assert.Single(PictureFiles.Find([folder.Path], recursive: false, _ => { }));
        var found = PictureFiles.Find([folder.Path], recursive: true, _ => { });

        var inCamera = found.Single(f => f.Name == "cam-07/IMG_0001.JPG");
        Assert.Equal("cam-07", inCamera.Camera);
        Assert.Equal(".", found.Single(f => f.Name == "top.jpg").Camera);
    }

    [Fact]
    public void A_missing_input_is_a_configuration_error()
    {
        var error = Assert.Throws<ConfigurationException>(() => PictureFiles.Find(["/nonexistent/pictures"], false, _ => { }));
        Assert.Contains("/nonexistent/pictures", error.Message, StringComparison.Ordinal);
    }
}
