namespace EdgeAgent.Tests;

using EdgeAgent.Common.Observations;
using EdgeAgent.Detection;
using EdgeAgent.Pipeline;
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

        var bands = OverlayBandFinder.Find(picture);

        Assert.Equal(top, bands.Any(b => b.Edge == PictureEdge.Top));
        Assert.Equal(bottom, bands.Any(b => b.Edge == PictureEdge.Bottom));
        Assert.All(bands, b => Assert.InRange(b.Share, 0.015f, 0.12f));
    }

    [Fact]
    public void Every_shared_camera_trap_picture_has_its_band_found()
    {
        foreach (var path in Directory.GetFiles(TestPaths.CameraTrap, "*.jpg"))
        {
            using var picture = Cv2.ImRead(path);
            Assert.True(OverlayBandFinder.Find(picture).Count > 0, $"no band found on {Path.GetFileName(path)}");
        }
    }

    [Fact]
    public void A_picture_without_a_band_has_none_and_a_band_burned_in_is_found_at_either_edge()
    {
        // The middle of a daytime picture: no band at either edge.
        using var source = Read("sn__human.jpg");
        using var plain = PaintedBand.Scene(source);
        Assert.Empty(OverlayBandFinder.Find(plain));

        foreach (var edge in new[] { PictureEdge.Top, PictureEdge.Bottom })
        {
            using var banded = plain.Clone();
            var band = BurnIn(banded, edge, 48);
            var found = Assert.Single(OverlayBandFinder.Find(banded));
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

    public static TheoryData<string, PictureEdge, int> RealCameraBands => new()
    {
        { "sn__human.jpg", PictureEdge.Bottom, 60 },
        { "sn__human.jpg", PictureEdge.Top, 95 },
        { "zamba_ena24__2480.jpg", PictureEdge.Bottom, 75 },
        { "zamba_ena24__9455.jpg", PictureEdge.Top, 60 },
        { "sn__ocelot.jpg", PictureEdge.Bottom, 85 },
    };

    /// <summary>
    /// Bands as other makes burn them, painted on the middle of real pictures (day and infrared) and
    /// re-encoded as the camera would: tinted near-black, JPEG noise, a lighter separator line along the
    /// inner edge, white and coloured text, and the logo on a badge that rises above the strip.
    /// </summary>
    [Theory]
    [MemberData(nameof(RealCameraBands))]
    public void A_tinted_noisy_band_with_a_separator_and_a_rising_badge_is_found_and_a_detection_on_the_badge_is_the_bands(string name, PictureEdge edge, int quality)
    {
        using var source = Read(name);
        using var middle = PaintedBand.Scene(source);
        var bandHeight = middle.Height / 20;
        var badge = PaintedBand.Paint(middle, edge, bandHeight);
        using var camera = PaintedBand.Encoded(middle, quality);

        var found = Assert.Single(OverlayBandFinder.Find(camera));
        Assert.Equal(edge, found.Edge);
        var probeRow = camera.Width / 256.0; // the rows are measured on a 256-pixel-wide copy
        Assert.InRange(found.Share * camera.Height, bandHeight - probeRow - 2, bandHeight + probeRow + 2);

        // The detector's "car" on the badge: only partly on the strip, but the band's.
        Assert.True(found.Covers(badge, camera.Width, camera.Height));

        // An animal standing at that edge, reaching well above the band, is not.
        var animal = edge == PictureEdge.Bottom
            ? new BoundingBox(camera.Width * 0.3f, camera.Height * 0.55f, camera.Width * 0.2f, camera.Height * 0.45f)
            : new BoundingBox(camera.Width * 0.3f, 0, camera.Width * 0.2f, camera.Height * 0.45f);
        Assert.False(found.Covers(animal, camera.Width, camera.Height));
    }

    [Fact]
    public void A_box_at_the_same_place_on_the_band_in_consecutive_pictures_is_the_overlay_even_where_one_picture_alone_is_unclear()
    {
        using var source = Read("sn__human.jpg");
        using var middle = PaintedBand.Scene(source);
        var bandHeight = middle.Height / 20;
        using var banded = middle.Clone();
        var badge = PaintedBand.Paint(banded, PictureEdge.Bottom, bandHeight);

        // The same camera's next picture with the sun's glare on one end of the strip: no band is found in it alone.
        using var glared = banded.Clone();
        glared.Rectangle(new Rect(0, glared.Height - (bandHeight * 2), glared.Width / 8, bandHeight * 2), Scalar.All(250), -1);
        using var clear = PaintedBand.Encoded(banded, 80);
        using var unclear = PaintedBand.Encoded(glared, 80);
        Assert.Single(OverlayBandFinder.Find(clear));
        Assert.Empty(OverlayBandFinder.Find(unclear));

        // The detector's "car" on the badge, its box drawn taller than the badge: one picture alone does not make it the band's.
        var car = new Detection("car", DetectionCategory.Vehicle, 0.7f, new BoundingBox(badge.X, clear.Height - (2.5f * bandHeight), badge.Width, 2.5f * bandHeight));
        var evidence = new BandEvidence();
        PostProcessed Next(Mat picture, Detection found) =>
            PicturePostProcessor.Apply([found], picture, picture.Width, picture.Height, DetectionMask.None, bandEvidence: evidence);

        Assert.Single(Next(clear, car).Kept);
        Assert.Equal(PicturePostProcessor.Overlay, Assert.Single(Next(clear, car).Suppressed).Reason);
        Assert.Equal(PicturePostProcessor.Overlay, Assert.Single(Next(unclear, car).Suppressed).Reason);

        // What moved is kept; so is an animal at the edge that stood still but reaches well above the band.
        Assert.Single(Next(clear, car with { Box = car.Box.Offset(bandHeight * 2, 0) }).Kept);
        var zebra = new Detection("zebra", DetectionCategory.Animal, 0.8f, new BoundingBox(clear.Width * 0.3f, clear.Height - (5f * bandHeight), clear.Width * 0.2f, 5f * bandHeight));
        Assert.Single(Next(clear, zebra).Kept);
        Assert.Single(Next(clear, zebra).Kept);

        // A camera whose band was never found learns nothing from boxes that repeat at its bottom edge.
        var noBand = new BandEvidence();
        using var plain = PaintedBand.Encoded(middle, 80);
        for (var i = 0; i < 2; i++)
        {
            Assert.Single(PicturePostProcessor.Apply([car], plain, plain.Width, plain.Height, DetectionMask.None, bandEvidence: noBand).Kept);
        }
    }

    [Fact]
    public void No_band_is_found_on_a_dark_floor_snow_or_a_black_vehicle_at_the_edge()
    {
        using var source = Read("sn__human.jpg");
        using var middle = PaintedBand.Scene(source);
        var edgeHeight = middle.Height / 14;
        var noise = new Mat(edgeHeight, middle.Width, MatType.CV_8UC3);

        // A dark forest floor and snow: a strip of one dark or bright grey with the sensor's noise, and no text.
        foreach (var grey in new[] { 18, 240 })
        {
            using var ground = middle.Clone();
            Cv2.Randn(noise, Scalar.All(grey), Scalar.All(4));
            noise.CopyTo(ground[new Rect(0, ground.Height - edgeHeight, ground.Width, edgeHeight)]);
            using var camera = PaintedBand.Encoded(ground, 80);
            Assert.Empty(OverlayBandFinder.Find(camera));
        }

        // A black vehicle across most of the bottom edge.
        using var vehicle = middle.Clone();
        vehicle.Rectangle(new Rect(0, vehicle.Height - edgeHeight, vehicle.Width * 2 / 3, edgeHeight), new Scalar(12, 12, 14), -1);
        Assert.Empty(OverlayBandFinder.Find(vehicle));
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
