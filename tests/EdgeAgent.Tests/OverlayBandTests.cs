namespace EdgeAgent.Tests;

using EdgeAgent.Alerting.Observations;
using EdgeAgent.Detection;
using EdgeAgent.Testing;
using OpenCvSharp;

/// <summary>Camera traps' burned-in information bands, found in real pictures and in bands drawn the way cameras burn them.</summary>
public sealed class OverlayBandTests
{
    private static Mat Read(string name) => Cv2.ImRead(TestPaths.Picture(TestPaths.CameraTrap, name));

    [Theory]
    [InlineData("sn__domestic_cattle.jpg", true, true)]
    [InlineData("sn__vehicle.jpg", true, true)]
    [InlineData("sn__american_black_bear.jpg", true, true)]
    [InlineData("zamba_ena24__4383.jpg", true, true)]
    [InlineData("sn__human.jpg", false, true)]
    [InlineData("zamba_ena24__7951.jpg", false, true)]
    [InlineData("sn__blank3.jpg", false, true)]
    public void The_bands_of_real_camera_trap_pictures_are_found_at_their_edges(string name, bool top, bool bottom)
    {
        using var picture = Read(name);

        var bands = OverlayBand.Find(picture);

        Assert.Equal(top, bands.Any(b => b.Edge == PictureEdge.Top));
        Assert.Equal(bottom, bands.Any(b => b.Edge == PictureEdge.Bottom));
        Assert.All(bands, b => Assert.InRange(b.Share, 0.015f, 0.12f));
    }

    [Fact]
    public void A_picture_without_a_band_has_none_and_a_band_burned_in_is_found_at_either_edge()
    {
        // The middle of a daytime picture: no band at either edge.
        using var source = Read("sn__human.jpg");
        using var plain = source[new Rect(0, source.Height / 8, source.Width, source.Height * 3 / 4)].Clone();
        Assert.Empty(OverlayBand.Find(plain));

        foreach (var edge in new[] { PictureEdge.Top, PictureEdge.Bottom })
        {
            using var banded = plain.Clone();
            var band = BurnIn(banded, edge, 48);
            var found = Assert.Single(OverlayBand.Find(banded));
            Assert.Equal(edge, found.Edge);
            Assert.Equal(band, found.Share, 0.01f);
        }
    }

    [Fact]
    public void A_logo_on_the_band_is_the_band_and_an_animal_behind_it_is_not()
    {
        var band = new OverlayBand(PictureEdge.Bottom, 0.05f);
        const int Width = 2048, Height = 1536;

        // The maker's logo: on the band, sticking a little above it.
        Assert.True(band.Covers(new BoundingBox(1700, 1440, 200, 90), Width, Height));

        // A deer at the bottom edge, its legs behind the band: most of it above.
        Assert.False(band.Covers(new BoundingBox(600, 1000, 500, 536), Width, Height));

        // Nothing near the band.
        Assert.False(band.Covers(new BoundingBox(600, 100, 200, 200), Width, Height));
        Assert.False(new OverlayBand(PictureEdge.Top, 0.05f).Covers(new BoundingBox(1700, 1440, 200, 90), Width, Height));
    }

    /// <summary>A black strip with a date, a temperature and a logo, as a camera burns it; returns its share of the height.</summary>
    internal static float BurnIn(Mat picture, PictureEdge edge, int bandHeight)
    {
        var top = edge == PictureEdge.Top ? 0 : picture.Height - bandHeight;
        picture.Rectangle(new Rect(0, top, picture.Width, bandHeight), Scalar.All(0), -1);
        picture.PutText("2026-11-26 02:14:07  18C  CT-07", new Point(12, top + (bandHeight * 3 / 4)), HersheyFonts.HersheySimplex, bandHeight / 48.0, Scalar.All(255), 2);
        var logo = new Rect(picture.Width - (bandHeight * 4), top + 4, bandHeight * 3, bandHeight - 8);
        picture.Rectangle(logo, Scalar.All(255), 2);
        picture.PutText("TRAIL", new Point(logo.X + 8, logo.Y + (logo.Height * 3 / 4)), HersheyFonts.HersheyDuplex, bandHeight / 60.0, Scalar.All(255), 2);
        return (float)bandHeight / picture.Height;
    }
}
