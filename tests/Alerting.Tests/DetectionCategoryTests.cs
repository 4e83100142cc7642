namespace Alerting.Tests;

using EdgeAgent.Common.Observations;

public sealed class DetectionCategoryTests
{
    [Theory]
    [InlineData("animal", DetectionCategory.Animal)]
    [InlineData(" Person ", DetectionCategory.Person)]
    [InlineData("VEHICLE", DetectionCategory.Vehicle)]
    public void Names_parse_in_any_case(string name, DetectionCategory expected)
    {
        Assert.True(DetectionCategories.TryParse(name, out var category));
        Assert.Equal(expected, category);
        Assert.Equal(name.Trim().ToLowerInvariant(), category.Name());
    }

    [Theory]
    [InlineData("")]
    [InlineData("poacher")]
    [InlineData(null)]
    public void Other_names_are_refused(string? name)
    {
        Assert.False(DetectionCategories.TryParse(name, out _));
    }

    [Fact]
    public void Ids_are_megadetectors()
    {
        foreach (var (id, name) in DetectionCategories.MegaDetectorTable)
        {
            Assert.True(DetectionCategories.TryParse(name, out var category));
            Assert.Equal(int.Parse(id, System.Globalization.CultureInfo.InvariantCulture), (int)category);
        }
    }
}
