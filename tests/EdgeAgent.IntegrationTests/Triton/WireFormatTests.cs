namespace EdgeAgent.IntegrationTests.Triton;

using System.Diagnostics;
using EdgeAgent.Detection;
using EdgeAgent.Detection.Triton;
using EdgeAgent.Detection.Triton.Protocol;
using EdgeAgent.Testing;
using Google.Protobuf;
using Grpc.Net.Client;

/// <summary>
/// The bytes on the wire, read by protoc --decode_raw, which knows no .proto: a wrong field number
/// cannot pass because client and stand-in share one. The numbers are Triton's (DESIGN.md).
/// </summary>
public sealed class WireFormatTests
{
    [Fact]
    public async Task An_inference_request_uses_tritons_field_numbers()
    {
        await using var server = await KServeTestServer.StartAsync("yolox-nano", Path.Combine(TestPaths.RepositoryRoot, "models", "yolox-nano", "yolox_nano.onnx"));
        using var triton = new TritonDetector(ModelManifest.Load(TestPaths.DefaultManifest), new TritonOptions { Url = server.Url, Model = "yolox-nano", ModelVersion = "1" });
        triton.Connect();
        var tensor = new float[3 * 416 * 416];
        tensor[0] = 1f;

        var request = triton.CreateRequest(System.Runtime.InteropServices.MemoryMarshal.AsBytes(tensor.AsSpan()).ToArray());
        var decoded = await DecodeRawAsync(request.ToByteArray());

        // ModelInferRequest: model_name = 1, model_version = 2, inputs = 5, outputs = 6, raw_input_contents = 7.
        Assert.Equal(["1", "2", "5", "6", "7"], TopLevelFields(decoded));
        Assert.Contains("1: \"yolox-nano\"", decoded, StringComparison.Ordinal);
        Assert.Contains("2: \"1\"", decoded, StringComparison.Ordinal);

        // InferInputTensor: name = 1, datatype = 2, shape = 3 (packed int64: 1, 3, 416, 416 as varints).
        var input = Block(decoded, "5");
        Assert.Contains("1: \"images\"", input, StringComparison.Ordinal);
        Assert.Contains("2: \"FP32\"", input, StringComparison.Ordinal);
        Assert.Contains("3: \"\\001\\003\\240\\003\\240\\003\"", input, StringComparison.Ordinal);

        // InferRequestedOutputTensor: name = 1.
        Assert.Contains("1: \"output\"", Block(decoded, "6"), StringComparison.Ordinal);

        // Raw contents: little-endian FP32, so 1.0f is 00 00 80 3F.
        Assert.Contains("7: \"\\000\\000\\200?\\000", decoded, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_metadata_answer_and_an_inference_answer_use_tritons_field_numbers()
    {
        await using var server = await KServeTestServer.StartAsync("yolox-nano", Path.Combine(TestPaths.RepositoryRoot, "models", "yolox-nano", "yolox_nano.onnx"));
        using var channel = GrpcChannel.ForAddress(server.Url, new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024 });
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);

        var metadata = await client.ModelMetadataAsync(new ModelMetadataRequest { Name = "yolox-nano" });
        var decoded = await DecodeRawAsync(metadata.ToByteArray());

        // ModelMetadataResponse: name = 1, versions = 2, platform = 3, inputs = 4, outputs = 5.
        Assert.Equal(["1", "2", "3", "4", "5"], TopLevelFields(decoded));
        Assert.Contains("1: \"images\"", Block(decoded, "4"), StringComparison.Ordinal);
        Assert.Contains("1: \"output\"", Block(decoded, "5"), StringComparison.Ordinal);

        var request = new ModelInferRequest { ModelName = "yolox-nano" };
        var input = new InferTensor { Name = "images", Datatype = "FP32" };
        input.Shape.AddRange([1, 3, 416, 416]);
        request.Inputs.Add(input);
        request.RawInputContents.Add(ByteString.CopyFrom(new byte[3 * 416 * 416 * 4]));
        var response = await client.ModelInferAsync(request);

        // ModelInferResponse: model_name = 1, model_version = 2, outputs = 5, raw_output_contents = 6.
        Assert.Equal(["1", "2", "5", "6"], TopLevelFields(await DecodeRawAsync(response.ToByteArray())));
    }

    private static async Task<string> DecodeRawAsync(byte[] message)
    {
        var start = new ProcessStartInfo("protoc", "--decode_raw") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var protoc = Process.Start(start) ?? throw new InvalidOperationException("protoc (Debian: protobuf-compiler) is needed");
        var output = protoc.StandardOutput.ReadToEndAsync();
        await protoc.StandardInput.BaseStream.WriteAsync(message);
        protoc.StandardInput.Close();
        await protoc.WaitForExitAsync();
        Assert.True(protoc.ExitCode == 0, await protoc.StandardError.ReadToEndAsync());
        return await output;
    }

    /// <summary>Field numbers at the top level, in order of first appearance.</summary>
    private static List<string> TopLevelFields(string decoded) =>
        decoded.Split('\n').Where(l => l.Length > 0 && l[0] != ' ' && l[0] != '}').Select(l => l.Split([':', ' '], 2)[0]).Distinct().ToList();

    /// <summary>The first top-level block with the given field number.</summary>
    private static string Block(string decoded, string field)
    {
        var start = decoded.IndexOf($"\n{field} {{", StringComparison.Ordinal);
        start = start < 0 && decoded.StartsWith($"{field} {{", StringComparison.Ordinal) ? 0 : start;
        Assert.True(start >= 0, $"no block {field} in {decoded[..Math.Min(500, decoded.Length)]}");
        var end = decoded.IndexOf("\n}", start + 1, StringComparison.Ordinal);
        return decoded[start..end];
    }
}
