namespace EdgeAgent.Detection;

/// <summary>A box the model proposed, in model-input pixels, before thresholds by label and NMS.</summary>
public readonly record struct Candidate(float X1, float Y1, float X2, float Y2, float Score, int ClassId);

/// <summary>
/// Turns a model's raw output tensor into candidate boxes. Pure functions of the tensor: no state,
/// no ONNX Runtime, so each layout is tested against hand-built tensors.
/// </summary>
public static class OutputDecoders
{
    private static readonly int[] YoloxStrides = [8, 16, 32];

    /// <summary>Decodes one picture's output (batch dimension removed).</summary>
    /// <param name="layout">The model's layout.</param>
    /// <param name="output">The output tensor's values, row-major.</param>
    /// <param name="rows">First dimension after the batch: anchors for YOLOX/YOLOv5, 4 + classes for YOLOv8.</param>
    /// <param name="columns">Second dimension after the batch.</param>
    /// <param name="classCount">Number of classes the model has.</param>
    /// <param name="inputWidth">Model input width (YOLOX grids depend on it).</param>
    /// <param name="inputHeight">Model input height.</param>
    /// <param name="minScore">Candidates scoring below this are not returned.</param>
    public static List<Candidate> Decode(
        ModelLayout layout, ReadOnlySpan<float> output, int rows, int columns, int classCount, int inputWidth, int inputHeight, float minScore)
    {
        if (output.Length != rows * columns)
        {
            throw new ArgumentException($"output holds {output.Length} values, not {rows}×{columns}", nameof(output));
        }

        return layout switch
        {
            ModelLayout.Yolox => DecodeYolox(output, rows, columns, classCount, inputWidth, inputHeight, minScore),
            ModelLayout.Yolov5 => DecodeYolov5(output, rows, columns, classCount, minScore),
            ModelLayout.Yolov8 => DecodeYolov8(output, rows, columns, classCount, minScore),
            _ => throw new ArgumentOutOfRangeException(nameof(layout), layout, "unknown layout"),
        };
    }

    /// <summary>The output shape (after the batch) a layout expects, or a reason it cannot fit.</summary>
    public static string? CheckShape(ModelLayout layout, long rows, long columns, int classCount, int inputWidth, int inputHeight)
    {
        switch (layout)
        {
            case ModelLayout.Yolox:
                var anchors = YoloxAnchorCount(inputWidth, inputHeight);
                if (columns != -1 && columns != 5 + classCount)
                {
                    return $"the yolox layout with {classCount} labels needs 5 + {classCount} = {5 + classCount} values per row, the model has {columns}";
                }

                return rows != -1 && rows != anchors
                    ? $"the yolox layout at {inputWidth}×{inputHeight} needs {anchors} rows (strides 8/16/32), the model has {rows}"
                    : null;
            case ModelLayout.Yolov5:
                return columns != -1 && columns != 5 + classCount
                    ? $"the yolov5 layout with {classCount} labels needs 5 + {classCount} = {5 + classCount} values per row, the model has {columns}"
                    : null;
            case ModelLayout.Yolov8:
                return rows != -1 && rows != 4 + classCount
                    ? $"the yolov8 layout with {classCount} labels needs 4 + {classCount} = {4 + classCount} rows, the model has {rows}"
                    : null;
            default:
                return $"unknown layout {layout}";
        }
    }

    private static int YoloxAnchorCount(int inputWidth, int inputHeight) =>
        YoloxStrides.Sum(s => (inputWidth / s) * (inputHeight / s));

    private static List<Candidate> DecodeYolox(
        ReadOnlySpan<float> output, int rows, int columns, int classCount, int inputWidth, int inputHeight, float minScore)
    {
        RequireColumns(columns, 5 + classCount);
        if (rows != YoloxAnchorCount(inputWidth, inputHeight))
        {
            throw new ArgumentException($"{rows} rows do not fit YOLOX grids for a {inputWidth}×{inputHeight} input");
        }

        var candidates = new List<Candidate>();
        var row = 0;
        foreach (var stride in YoloxStrides)
        {
            int gridWidth = inputWidth / stride, gridHeight = inputHeight / stride;
            for (var gy = 0; gy < gridHeight; gy++)
            {
                for (var gx = 0; gx < gridWidth; gx++, row++)
                {
                    var values = output.Slice(row * columns, columns);
                    var objectness = values[4];
                    if (objectness < minScore)
                    {
                        continue; // score = objectness × class score can only be lower
                    }

                    var (classId, classScore) = ArgMax(values[5..]);
                    var score = objectness * classScore;
                    if (score < minScore)
                    {
                        continue;
                    }

                    var cx = (values[0] + gx) * stride;
                    var cy = (values[1] + gy) * stride;
                    var w = MathF.Exp(values[2]) * stride;
                    var h = MathF.Exp(values[3]) * stride;
                    candidates.Add(new Candidate(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, score, classId));
                }
            }
        }

        return candidates;
    }

    private static List<Candidate> DecodeYolov5(ReadOnlySpan<float> output, int rows, int columns, int classCount, float minScore)
    {
        RequireColumns(columns, 5 + classCount);
        var candidates = new List<Candidate>();
        for (var row = 0; row < rows; row++)
        {
            var values = output.Slice(row * columns, columns);
            var objectness = values[4];
            if (objectness < minScore)
            {
                continue;
            }

            var (classId, classScore) = ArgMax(values[5..]);
            var score = objectness * classScore;
            if (score >= minScore)
            {
                candidates.Add(FromCenter(values[0], values[1], values[2], values[3], score, classId));
            }
        }

        return candidates;
    }

    private static List<Candidate> DecodeYolov8(ReadOnlySpan<float> output, int rows, int columns, int classCount, float minScore)
    {
        if (rows != 4 + classCount)
        {
            throw new ArgumentException($"YOLOv8 output has {rows} rows; {classCount} classes need {4 + classCount}");
        }

        // Transposed: row k holds value k of every anchor, so one anchor's values are `columns` apart.
        var anchors = columns;
        var candidates = new List<Candidate>();
        for (var anchor = 0; anchor < anchors; anchor++)
        {
            var classId = -1;
            var best = float.MinValue;
            for (var c = 0; c < classCount; c++)
            {
                var s = output[((4 + c) * anchors) + anchor];
                if (s > best)
                {
                    best = s;
                    classId = c;
                }
            }

            if (best >= minScore)
            {
                candidates.Add(FromCenter(
                    output[anchor], output[anchors + anchor], output[(2 * anchors) + anchor], output[(3 * anchors) + anchor], best, classId));
            }
        }

        return candidates;
    }

    private static Candidate FromCenter(float cx, float cy, float w, float h, float score, int classId) =>
        new(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, score, classId);

    private static (int Index, float Value) ArgMax(ReadOnlySpan<float> scores)
    {
        var index = 0;
        var best = scores[0];
        for (var i = 1; i < scores.Length; i++)
        {
            if (scores[i] > best)
            {
                best = scores[i];
                index = i;
            }
        }

        return (index, best);
    }

    private static void RequireColumns(int columns, int expected)
    {
        if (columns != expected)
        {
            throw new ArgumentException($"output rows hold {columns} values; the labels need {expected}");
        }
    }
}
