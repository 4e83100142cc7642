namespace EdgeAgent.Pipeline;

using EdgeAgent.Common.Observations;
using EdgeAgent.Detection;
using EdgeAgent.Recording;
using EdgeAgent.Tracking;
using OpenCvSharp;

/// <summary>A picture's detections after post-processing: the objects, and what was set aside and why.</summary>
/// <param name="Kept">Detections that are objects.</param>
/// <param name="Suppressed">Detections that are not: under a mask, on the information band, or static.</param>
/// <param name="Bands">The picture's information bands, looked for only when there was something to set aside.</param>
public sealed record PostProcessed(IReadOnlyList<Detection> Kept, IReadOnlyList<SuppressedDetection> Suppressed, IReadOnlyList<OverlayBand> Bands);

/// <summary>
/// What every verb does to a frame's detections before anything is decided on them, written once for
/// <c>detect</c> and <c>run</c>: boxes under the camera's mask, boxes lying on a camera-trap
/// picture's burned-in information band (the maker's logo is not a car; one standing at the same
/// place on the band as in the camera's previous picture is the logo too) and, where the camera has a
/// history, static objects, and what a person said was not a threat, are set aside with their reason. Runs after the detector, never on its threads.
/// </summary>
public static class PicturePostProcessor
{
    /// <summary>Reason recorded for a box under the camera's mask.</summary>
    public const string Masked = "mask";

    /// <summary>Reason recorded for a box on the information band.</summary>
    public const string Overlay = "overlay";

    /// <summary>Reason recorded for a static object.</summary>
    public const string Static = "static";

    /// <summary>Reason recorded for a box a person said was not a threat (the same label at the same place of that camera).</summary>
    public const string Dismissed = "verdict";

    /// <summary>Post-processes one frame's detections.</summary>
    /// <param name="detections">The detector's boxes, in the frame's pixels.</param>
    /// <param name="pixels">The decoded picture, searched for an information band (null for video, which has none).</param>
    /// <param name="width">The frame's width in the file.</param>
    /// <param name="height">The frame's height in the file.</param>
    /// <param name="mask">The camera's mask.</param>
    /// <param name="statics">The camera's static-object filter, when it keeps one.</param>
    /// <param name="bandEvidence">The camera's band evidence (its previous picture), for camera-trap pictures taken in order.</param>
    /// <param name="dismissed">Whether a person's "not a threat" covers a detection.</param>
    public static PostProcessed Apply(
        IReadOnlyList<Detection> detections, Mat? pixels, int width, int height, DetectionMask mask, StaticObjectFilter? statics = null, BandEvidence? bandEvidence = null,
        Func<Detection, bool>? dismissed = null)
    {
        ArgumentNullException.ThrowIfNull(detections);
        ArgumentNullException.ThrowIfNull(mask);
        var suppressed = new List<SuppressedDetection>();
        IReadOnlyList<Detection> kept = detections;

        kept = SetAside(kept, d => !mask.IsEmpty && mask.Covers(d.Box, width, height), Masked, suppressed);
        if (dismissed is not null)
        {
            kept = SetAside(kept, dismissed, Dismissed, suppressed);
        }

        IReadOnlyList<OverlayBand> bands = [];
        if (pixels is not null && kept.Count > 0)
        {
            bands = OverlayBandFinder.Find(pixels);
            kept = SetAside(kept, d => bands.Any(b => b.Covers(d.Box, width, height)) || bandEvidence?.Repeats(d.Box, bands, width, height) == true, Overlay, suppressed);
        }

        bandEvidence?.Remember(bands, detections, width, height);

        if (statics is not null)
        {
            var moving = statics.Filter(kept, width, height, out _);
            kept = SetAside(kept, d => !moving.Any(m => ReferenceEquals(m, d)), Static, suppressed);
        }

        return new PostProcessed(kept, suppressed, bands);
    }

    private static IReadOnlyList<Detection> SetAside(IReadOnlyList<Detection> detections, Func<Detection, bool> isNotObject, string reason, List<SuppressedDetection> suppressed)
    {
        if (detections.Count == 0)
        {
            return detections;
        }

        var kept = new List<Detection>(detections.Count);
        foreach (var detection in detections)
        {
            if (isNotObject(detection))
            {
                suppressed.Add(new SuppressedDetection(detection, reason));
            }
            else
            {
                kept.Add(detection);
            }
        }

        return kept.Count == detections.Count ? detections : kept;
    }
}
