namespace EdgeAgent.IntegrationTests;

using System.Text.Json.Nodes;

/// <summary>Reads a MegaDetector results file the way other tools do: as plain JSON.</summary>
internal sealed class Results(JsonNode json)
{
    public static Results Load(string path) => new(JsonNode.Parse(File.ReadAllText(path))!);

    public JsonNode Json => json;

    public IEnumerable<JsonNode> Images => json["images"]!.AsArray().Select(i => i!);

    public JsonNode Image(string file) => Images.Single(i => (string?)i["file"] == file);

    public static IEnumerable<(string Category, string Label, double Conf, double[] Bbox)> Detections(JsonNode image) =>
        image["detections"]!.AsArray().Select(d => (
            (string)d!["category"]!,
            (string)d["label"]!,
            (double)d["conf"]!,
            d["bbox"]!.AsArray().Select(v => (double)v!).ToArray()));

    public IEnumerable<string> Labels(string file) => Detections(Image(file)).Select(d => d.Label);
}
