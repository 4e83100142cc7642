namespace EdgeAgent.IntegrationTests.Triton;

using System.Net;
using System.Runtime.InteropServices;
using EdgeAgent.Detection.Triton.Protocol;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

/// <summary>
/// A stand-in for Triton Inference Server (which cannot be installed here): an in-process gRPC server
/// that speaks the KServe v2 protocol and runs the real models with ONNX Runtime, answering as Triton
/// does — raw outputs, NOT_FOUND for an unknown model, UNAVAILABLE when not ready, INVALID_ARGUMENT
/// for a wrong name, type, shape or byte size.
/// </summary>
internal sealed class KServeTestServer : IAsyncDisposable
{
    private readonly Dictionary<string, ModelHost> _models;
    private WebApplication? _app;

    private KServeTestServer(IEnumerable<ModelHost> models) => _models = models.ToDictionary(m => m.Name, StringComparer.Ordinal);

    public int Port { get; private set; }

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>Whether the models answer; false makes the server answer UNAVAILABLE, as Triton does while loading.</summary>
    public bool Ready
    {
        get => _models.Values.All(m => m.Ready);
        set
        {
            foreach (var model in _models.Values)
            {
                model.Ready = value;
            }
        }
    }

    /// <summary>Inferences of the first model served.</summary>
    public long Inferences => Interlocked.Read(ref _models.Values.First().Inferences);

    public long InferencesOf(string model) => Interlocked.Read(ref _models[model].Inferences);

    public static Task<KServeTestServer> StartAsync(string modelName, string onnxPath) => StartAsync((modelName, onnxPath));

    /// <summary>Serves these models, each under its name, as one Triton serves a repository.</summary>
    public static async Task<KServeTestServer> StartAsync(params (string Name, string OnnxPath)[] models)
    {
        // Triton runs in a process of its own; this stand-in shares one with clients that block on
        // their calls, so it must not have to wait for the thread pool to grow.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), io);

        var server = new KServeTestServer(models.Select(m => new ModelHost(m.Name, m.OnnxPath)));
        await server.StartAsync(0);
        return server;
    }

    /// <summary>Starts (again) on the same port, as a restarted Triton would.</summary>
    public Task RestartAsync() => StartAsync(Port);

    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        foreach (var model in _models.Values)
        {
            model.Dispose();
        }
    }

    private async Task StartAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(o =>
        {
            // Triton accepts messages up to about 2 GB; ASP.NET Core's default is 4 MB.
            o.MaxReceiveMessageSize = 64 * 1024 * 1024;
            o.MaxSendMessageSize = 64 * 1024 * 1024;
        });
        builder.Services.AddSingleton<IReadOnlyDictionary<string, ModelHost>>(_models);
        _app = builder.Build();
        _app.MapGrpcService<KServeService>();
        await _app.StartAsync();
        Port = new Uri(_app.Urls.First()).Port;
    }
}

/// <summary>The model the stand-in serves.</summary>
internal sealed class ModelHost(string name, string onnxPath) : IDisposable
{
    public long Inferences;

    public string Name { get; } = name;

    public InferenceSession Session { get; } = new(onnxPath);

    public bool Ready { get; set; } = true;

    public void Dispose() => Session.Dispose();
}

internal sealed class KServeService(IReadOnlyDictionary<string, ModelHost> models) : GRPCInferenceService.GRPCInferenceServiceBase
{
    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    public override Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerReadyResponse { Ready = models.Values.All(m => m.Ready) });

    public override Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context)
    {
        return Task.FromResult(new ModelReadyResponse { Ready = RequireModel(request.Name).Ready });
    }

    public override Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context)
    {
        var model = RequireModel(request.Name);
        var response = new ModelMetadataResponse { Name = model.Name, Platform = "onnxruntime_onnx" };
        response.Versions.Add("1");
        response.Inputs.AddRange(model.Session.InputMetadata.Select(i => Tensor(i.Key, i.Value)));
        response.Outputs.AddRange(model.Session.OutputMetadata.Select(o => Tensor(o.Key, o.Value)));
        return Task.FromResult(response);
    }

    public override Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        var model = RequireModel(request.ModelName);
        if (!model.Ready)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"Request for unknown model: '{model.Name}' is not ready"));
        }

        if (request.Inputs.Count != model.Session.InputMetadata.Count || request.RawInputContents.Count != request.Inputs.Count)
        {
            throw Invalid($"expected {model.Session.InputMetadata.Count} inputs with raw contents, got {request.Inputs.Count} inputs and {request.RawInputContents.Count} raw contents");
        }

        var inputs = new Dictionary<string, OrtValue>();
        try
        {
            for (var i = 0; i < request.Inputs.Count; i++)
            {
                var input = request.Inputs[i];
                if (!model.Session.InputMetadata.TryGetValue(input.Name, out var metadata))
                {
                    throw Invalid($"unexpected inference input '{input.Name}' for model '{model.Name}'");
                }

                if (input.Datatype != "FP32")
                {
                    throw Invalid($"inference input '{input.Name}' data-type is '{input.Datatype}', but model '{model.Name}' expects 'FP32'");
                }

                if (input.Contents is not null)
                {
                    throw Invalid($"contents field must not be specified when using raw_input_contents for '{input.Name}'");
                }

                var shape = input.Shape.ToArray();
                if (shape.Length != metadata.Dimensions.Length || shape.Where((d, k) => metadata.Dimensions[k] >= 0 && metadata.Dimensions[k] != d).Any())
                {
                    throw Invalid($"unexpected shape for input '{input.Name}' for model '{model.Name}'. Expected [{string.Join(",", metadata.Dimensions)}], got [{string.Join(",", shape)}]");
                }

                var raw = request.RawInputContents[i];
                var expectedBytes = shape.Aggregate(1L, (a, d) => a * d) * sizeof(float);
                if (raw.Length != expectedBytes)
                {
                    throw Invalid($"input byte size mismatch for input '{input.Name}' for model '{model.Name}'. Expected {expectedBytes}, got {raw.Length}");
                }

                inputs[input.Name] = OrtValue.CreateTensorValueFromMemory(MemoryMarshal.Cast<byte, float>(raw.Span).ToArray(), shape);
            }

            var names = request.Outputs.Count > 0 ? request.Outputs.Select(o => o.Name).ToArray() : model.Session.OutputMetadata.Keys.ToArray();
            foreach (var name in names.Where(n => !model.Session.OutputMetadata.ContainsKey(n)))
            {
                throw Invalid($"unexpected inference output '{name}' for model '{model.Name}'");
            }

            // Held in a variable until Run returns: a RunOptions finalized mid-run crashes ONNX Runtime.
            using var runOptions = new RunOptions();
            using var results = model.Session.Run(runOptions, inputs.Keys.ToArray(), inputs.Values.ToArray(), names);
            var response = new ModelInferResponse { ModelName = model.Name, ModelVersion = "1", Id = request.Id };
            for (var i = 0; i < names.Length; i++)
            {
                var output = new InferTensor { Name = names[i], Datatype = "FP32" };
                output.Shape.AddRange(results[i].GetTensorTypeAndShape().Shape);
                response.Outputs.Add(output);
                response.RawOutputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(results[i].GetTensorDataAsSpan<float>())));
            }

            Interlocked.Increment(ref model.Inferences);
            return Task.FromResult(response);
        }
        finally
        {
            foreach (var value in inputs.Values)
            {
                value.Dispose();
            }
        }
    }

    private static ModelMetadataResponse.Types.TensorMetadata Tensor(string name, NodeMetadata metadata)
    {
        var tensor = new ModelMetadataResponse.Types.TensorMetadata { Name = name, Datatype = "FP32" };
        tensor.Shape.AddRange(metadata.Dimensions.Select(d => (long)d));
        return tensor;
    }

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));

    private ModelHost RequireModel(string name) =>
        models.TryGetValue(name, out var model) ? model : throw new RpcException(new Status(StatusCode.NotFound, $"Request for unknown model: '{name}' is not found"));
}
