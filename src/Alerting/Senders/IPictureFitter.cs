namespace EdgeAgent.Alerting.Senders;

/// <summary>Makes a JPEG small enough to send. The alerting stage knows no image library; the host provides one.</summary>
public interface IPictureFitter
{
    /// <summary>The picture re-encoded to at most <paramref name="maxBytes"/>, or null if it cannot be made that small.</summary>
    byte[]? Fit(byte[] jpeg, int maxBytes);
}

/// <summary>The fallback without an image library: a picture that is small enough goes as it is, a larger one stays behind.</summary>
public sealed class SizeLimitPictureFitter : IPictureFitter
{
    /// <inheritdoc />
    public byte[]? Fit(byte[] jpeg, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(jpeg);
        return jpeg.Length <= maxBytes ? jpeg : null;
    }
}
