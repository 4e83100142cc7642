namespace EdgeAgent.Tests;

using EdgeAgent.Sources;
using EdgeAgent.Testing;
using OpenCvSharp;

public sealed class PictureReaderTests
{
    private static string Human => TestPaths.Picture(TestPaths.CameraTrap, "sn__human.jpg");

    [Fact]
    public void Large_jpegs_decode_at_reduced_size_and_keep_their_true_size()
    {
        using var full = Cv2.ImRead(Human);
        using var picture = PictureReader.Read(Human, 416, 416);

        Assert.Equal((full.Width, full.Height), (picture.Width, picture.Height));
        Assert.True(picture.DecodeScale > 1, "a 2048-pixel picture needs no full decode for a 416-pixel model");
        Assert.Equal(full.Width, picture.Pixels.Width * picture.DecodeScale, 0);
        Assert.True(picture.Pixels.Width >= 416 || picture.Pixels.Height >= 416);
    }

    [Fact]
    public void No_minimum_size_decodes_every_pixel()
    {
        using var picture = PictureReader.Read(Human, 0, 0);
        Assert.Equal(1f, picture.DecodeScale);
        Assert.Equal(picture.Width, picture.Pixels.Width);
    }

    [Fact]
    public void A_picture_over_the_pixel_limit_is_decoded_reduced_when_a_jpeg_and_refused_when_a_png()
    {
        using var full = Cv2.ImRead(Human);
        var megapixels = full.Width * full.Height / 1e6;

        // Every pixel asked for (tiling), but the limit is under the picture's size: the JPEG is decoded at ½.
        using var reduced = PictureReader.Read(Human, 0, 0, maxMegapixels: (int)Math.Ceiling(megapixels / 4));
        Assert.Equal(2f, reduced.DecodeScale);
        Assert.Equal((full.Width, full.Height), (reduced.Width, reduced.Height));

        using var folder = new TempFolder();
        var bomb = folder.File("bomb.png");
        PictureBomb.Write(bomb, 60_000, 60_000);
        var refused = Assert.Throws<PictureException>(() => PictureReader.Read(bomb, 416, 416));
        Assert.Equal("60000×60000 pixels (3600 megapixels) is over the limit of 100 megapixels", refused.Message);
    }

    [Fact]
    public void Only_jpeg_and_png_reach_a_decoder()
    {
        using var folder = new TempFolder();
        var bmp = folder.File("disguised.jpg");
        Cv2.ImWrite(bmp.Replace(".jpg", ".bmp", StringComparison.Ordinal), new Mat(10, 10, MatType.CV_8UC3, Scalar.All(0)));
        File.Move(bmp.Replace(".jpg", ".bmp", StringComparison.Ordinal), bmp);

        Assert.Equal("not a JPEG or PNG picture", Assert.Throws<PictureException>(() => PictureReader.Read(bmp, 416, 416)).Message);
    }

    [Fact]
    public void Exif_capture_time_is_read()
    {
        using var picture = PictureReader.Read(Human, 416, 416);
        Assert.Equal("2024:01:21 15:19:15", picture.DateTimeOriginal);
        Assert.Equal(new DateTime(2024, 1, 21, 15, 19, 15), picture.CapturedAt);
    }

    [Fact]
    public void Png_pictures_are_read()
    {
        using var source = new Mat(50, 80, MatType.CV_8UC3, new Scalar(1, 2, 3));
        using var picture = PictureReader.Decode(source.ImEncode(".png"), 416, 416);
        Assert.Equal((80, 50, 1f), (picture.Width, picture.Height, picture.DecodeScale));
    }

    [Fact]
    public void An_empty_file_is_reported()
    {
        var error = Assert.Throws<PictureException>(() => PictureReader.Decode([], 416, 416));
        Assert.Contains("empty file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_jpeg_is_reported_not_half_analysed()
    {
        var bytes = File.ReadAllBytes(Human);
        var error = Assert.Throws<PictureException>(() => PictureReader.Decode(bytes[..(bytes.Length / 2)], 416, 416));
        Assert.Contains("truncated JPEG", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<int, bool> Appendices => new() { { 10, false }, { 10, true }, { 4096, true }, { 1 << 20, false }, { 1 << 20, true } };

    /// <summary>What camera makes append after the image: their settings as text, or binary blocks (with FF D8 and FF D9 bytes among them).</summary>
    [Theory]
    [MemberData(nameof(Appendices))]
    public void Data_a_camera_appends_after_the_image_is_ignored_and_every_shared_picture_is_whole(int length, bool binary)
    {
        var appendix = binary
            ? Enumerable.Range(0, length).Select(i => (byte)(i % 7 == 0 ? 0xFF : i % 11 == 0 ? 0xD9 : i * 31)).ToArray()
            : System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("Trigger\tPIR\tSensitivity\tHigh\n", (length / 20) + 1)))[..length];
        foreach (var path in Directory.GetFiles(TestPaths.CameraTrap, "*.jpg").Concat(Directory.GetFiles(TestPaths.Images, "*.jpg")))
        {
            var bytes = File.ReadAllBytes(path);
            Assert.True(PictureEnd.Jpeg(bytes) > bytes.Length / 2, path);
            using var whole = PictureReader.Decode(bytes, 416, 416);
            using var appended = PictureReader.Decode([.. bytes, .. appendix], 416, 416);
            Assert.Equal((whole.Width, whole.Height, whole.DateTimeOriginal), (appended.Width, appended.Height, appended.DateTimeOriginal));

            // Cut inside the image data, with or without the appendix's bytes after it: still an upload in progress.
            var cut = bytes[..(bytes.Length * 2 / 3)];
            Assert.False(Assert.Throws<PictureException>(() => PictureReader.Decode(cut, 416, 416)).Final);
        }
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 0)]
    [InlineData(false, 4)]
    [InlineData(true, 2)]
    public void Progressive_and_restart_marker_jpegs_are_walked_to_their_end(bool progressive, int restartInterval)
    {
        using var picture = Cv2.ImRead(Human);
        var bytes = picture.ImEncode(".jpg", [(int)ImwriteFlags.JpegProgressive, progressive ? 1 : 0, (int)ImwriteFlags.JpegRstInterval, restartInterval, (int)ImwriteFlags.JpegQuality, 60]);

        Assert.Equal(bytes.Length, PictureEnd.Jpeg([.. bytes, .. "camera notes"u8.ToArray()]));
        Assert.Equal(-1, PictureEnd.Jpeg(bytes[..^1]));
    }

    [Fact]
    public void A_png_is_whole_at_its_iend_chunk_whatever_follows()
    {
        using var picture = Cv2.ImRead(Human);
        var png = picture.Resize(new Size(320, 240)).ImEncode(".png");

        Assert.Equal(png.Length, PictureEnd.Png([.. png, 1, 2, 3]));
        using var appended = PictureReader.Decode([.. png, .. "trailer"u8.ToArray()], 0, 0);
        Assert.Equal(320, appended.Width);
        var error = Assert.Throws<PictureException>(() => PictureReader.Decode(png[..(png.Length - 20)], 0, 0));
        Assert.Contains("truncated PNG", error.Message, StringComparison.Ordinal);
        Assert.False(error.Final);
    }

    [Fact]
    public void A_text_file_is_reported()
    {
        var error = Assert.Throws<PictureException>(() => PictureReader.Decode("not a picture at all\n"u8.ToArray(), 416, 416));
        Assert.Contains("not a JPEG or PNG", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_reported()
    {
        var error = Assert.Throws<PictureException>(() => PictureReader.Read("/nonexistent/x.jpg", 0, 0));
        Assert.Contains("cannot be read", error.Message, StringComparison.Ordinal);
    }
}
