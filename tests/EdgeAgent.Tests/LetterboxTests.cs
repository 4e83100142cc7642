namespace EdgeAgent.Tests;

using EdgeAgent.Detection;
using OpenCvSharp;

public sealed class LetterboxTests
{
    private static ModelInputSpec Spec(LetterboxPlacement placement, ColorOrder order = ColorOrder.Bgr, float scale = 1f) => new()
    {
        Width = 8,
        Height = 8,
        LetterboxPlacement = placement,
        ColorOrder = order,
        PixelScale = scale,
        LetterboxFill = 114,
        Stride = 0,
    };

    [Fact]
    public void Top_left_placement_pads_right_and_bottom()
    {
        // 16×8 blue picture → scale 0.5 → 8×4 at the top, 4 rows of padding below.
        using var picture = new Mat(8, 16, MatType.CV_8UC3, new Scalar(200, 10, 20));
        var tensor = new float[3 * 64];

        var transform = Letterbox.Apply(picture, Spec(LetterboxPlacement.TopLeft), tensor);

        Assert.Equal(new LetterboxTransform(0.5f, 0, 0), transform);
        Assert.Equal(200f, tensor[0]);               // B plane, top-left
        Assert.Equal(10f, tensor[64]);               // G plane
        Assert.Equal(20f, tensor[128]);              // R plane
        Assert.Equal(114f, tensor[(5 * 8) + 3]);     // B plane, row 5: padding
    }

    [Fact]
    public void Centre_placement_splits_the_padding_and_maps_boxes_back()
    {
        using var picture = new Mat(8, 16, MatType.CV_8UC3, Scalar.All(50));
        var tensor = new float[3 * 64];

        var transform = Letterbox.Apply(picture, Spec(LetterboxPlacement.Center), tensor);

        Assert.Equal(new LetterboxTransform(0.5f, 0, 2), transform);
        Assert.Equal(114f, tensor[(1 * 8) + 4]);     // row 1: padding above
        Assert.Equal(50f, tensor[(3 * 8) + 4]);      // row 3: picture
        var box = transform.ToPicture(2, 3, 6, 5);
        Assert.Equal((4f, 2f, 8f, 4f), (box.X, box.Y, box.Width, box.Height));
    }

    [Fact]
    public void Rgb_models_get_channels_swapped_and_scaled()
    {
        using var picture = new Mat(8, 8, MatType.CV_8UC3, new Scalar(255, 0, 51)); // B=255, R=51
        var tensor = new float[3 * 64];

        Letterbox.Apply(picture, Spec(LetterboxPlacement.Center, ColorOrder.Rgb, 1f / 255f), tensor);

        Assert.Equal(0.2f, tensor[0], 5);    // R first
        Assert.Equal(0f, tensor[64], 5);     // G
        Assert.Equal(1f, tensor[128], 5);    // B last
    }

    [Fact]
    public void A_tensor_of_the_wrong_length_is_refused()
    {
        using var picture = new Mat(8, 8, MatType.CV_8UC3, Scalar.All(0));
        Assert.Throws<ArgumentException>(() => Letterbox.Apply(picture, Spec(LetterboxPlacement.Center), new float[10]));
    }
}
