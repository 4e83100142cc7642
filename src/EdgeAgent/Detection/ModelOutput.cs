namespace EdgeAgent.Detection;

using EdgeAgent.Common.Observations;

/// <summary>
/// From a model's output tensor to detections in picture pixels: decode by layout, keep the labels the
/// manifest maps to a category, map boxes back through the letterbox, class-wise NMS. Shared by every
/// backend, so local and Triton inference give the same answers for the same tensor.
/// </summary>
public static class ModelOutput
{
    /// <summary>Detections from one picture's output of shape [1, rows, columns].</summary>
    public static List<Detection> ToDetections(
        ModelManifest manifest, ReadOnlySpan<float> output, ReadOnlySpan<long> shape, LetterboxTransform transform, int width, int height, float minConfidence)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (shape.Length != 3 || shape[0] != 1)
        {
            throw new InvalidOperationException($"model {manifest.Name} returned an output of shape [{string.Join(", ", shape.ToArray())}]; expected [1, rows, columns]");
        }

        var candidates = OutputDecoders.Decode(
            manifest.Layout, output, (int)shape[1], (int)shape[2], manifest.ClassLabels.Count, manifest.Input.Width, manifest.Input.Height, minConfidence);
        var detections = new List<Detection>(candidates.Count);
        foreach (var c in candidates)
        {
            if (manifest.ClassCategories[c.ClassId] is not { } category)
            {
                continue;
            }

            var box = transform.ToPicture(c.X1, c.Y1, c.X2, c.Y2).ClipTo(width, height);
            if (box.Area > 0)
            {
                detections.Add(new Detection(manifest.ClassLabels[c.ClassId], category, c.Score, box));
            }
        }

        return NonMaxSuppression.Apply(detections, manifest.NmsIou);
    }
}
