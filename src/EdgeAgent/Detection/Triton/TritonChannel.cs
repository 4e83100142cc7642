namespace EdgeAgent.Detection.Triton;

using EdgeAgent.Detection.Triton.Protocol;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

/// <summary>
/// One model on a Triton Inference Server over gRPC (KServe v2): one long-lived channel, a deadline
/// on every call, the authentication header if any, and Triton's answers sorted into a configuration
/// error (<see cref="ConfigurationException"/>: unknown model, wrong input) or a passing one
/// (<see cref="TritonUnavailableException"/>: unreachable, not ready, too slow).
/// </summary>
public sealed class TritonChannel : IDisposable
{
    /// <summary>Messages up to this size: a 1280×1280×3 FP32 tensor is 19.7 MB; .NET's default limit is 4 MB.</summary>
    private const int MaxMessageBytes = 64 * 1024 * 1024;

    private readonly GrpcChannel _channel;
    private readonly GRPCInferenceService.GRPCInferenceServiceClient _client;
    private readonly Metadata _headers = [];

    /// <summary>Opens the channel (no call yet); a bad address or a missing model name is a <see cref="ConfigurationException"/>.</summary>
    public TritonChannel(TritonOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new ConfigurationException($"Detector:Triton:Url: '{options.Url}' is not an http:// or https:// address");
        }

        if (options.Model.Length == 0)
        {
            throw new ConfigurationException("Detector:Triton:Model: the model's name in Triton is required");
        }

        if (options.AuthHeader.Length > 0)
        {
            _headers.Add(options.AuthHeader.ToLowerInvariant(), options.AuthToken);
        }

        _channel = GrpcChannel.ForAddress(url, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = MaxMessageBytes,
            MaxSendMessageSize = MaxMessageBytes,
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                ConnectTimeout = options.Deadline,

                // Triton drops connections that ping more often than every 5 minutes while idle.
                KeepAlivePingDelay = TimeSpan.FromMinutes(5),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
                KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            },
        });
        _client = new GRPCInferenceService.GRPCInferenceServiceClient(_channel);
    }

    /// <summary>The server and the model.</summary>
    public TritonOptions Options { get; }

    /// <summary>Where it points, for logs.</summary>
    public string Describe => $"Triton {Options.Url} model '{Options.Model}'";

    /// <summary>Checks that the server is live and ready and the model ready; returns the model's inputs and outputs.</summary>
    public ModelMetadataResponse Connect()
    {
        if (!Call(() => _client.ServerLive(new ServerLiveRequest(), _headers, Deadline()).Live))
        {
            throw new TritonUnavailableException($"{Describe}: the server is not live");
        }

        if (!Call(() => _client.ServerReady(new ServerReadyRequest(), _headers, Deadline()).Ready))
        {
            throw new TritonUnavailableException($"{Describe}: the server is not ready");
        }

        if (!Call(() => _client.ModelReady(new ModelReadyRequest { Name = Options.Model, Version = Options.ModelVersion }, _headers, Deadline()).Ready))
        {
            throw new TritonUnavailableException($"{Describe}: the model is not ready");
        }

        return Call(() => _client.ModelMetadata(new ModelMetadataRequest { Name = Options.Model, Version = Options.ModelVersion }, _headers, Deadline()));
    }

    /// <summary>
    /// A request for this model with one input tensor given as raw contents and one output asked
    /// for by name. The request refers to <paramref name="raw"/> until it has been sent.
    /// </summary>
    public ModelInferRequest Request(string input, string datatype, IEnumerable<long> shape, ByteString raw, string output)
    {
        var tensor = new InferTensor { Name = input, Datatype = datatype };
        tensor.Shape.AddRange(shape);
        var request = new ModelInferRequest { ModelName = Options.Model, ModelVersion = Options.ModelVersion };
        request.Inputs.Add(tensor);
        request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = output });
        request.RawInputContents.Add(raw);
        return request;
    }

    /// <summary>Runs the model.</summary>
    public ModelInferResponse Infer(ModelInferRequest request) => Call(() => _client.ModelInfer(request, _headers, Deadline()));

    /// <summary>The raw FP32 values of output <paramref name="name"/> in <paramref name="response"/>, with its shape.</summary>
    public (ReadOnlyMemory<byte> Values, long[] Shape) Output(ModelInferResponse response, string name)
    {
        ArgumentNullException.ThrowIfNull(response);
        var index = response.Outputs.Select(o => o.Name).ToList().IndexOf(name);
        if (index < 0 || index >= response.RawOutputContents.Count)
        {
            throw new InvalidOperationException($"{Describe}: the answer has no raw output '{name}'");
        }

        return (response.RawOutputContents[index].Memory, response.Outputs[index].Shape.ToArray());
    }

    /// <summary>
    /// The model's input or output (<paramref name="kind"/>) named <paramref name="name"/>, or its first
    /// when the manifest names none; a model without it does not fit <paramref name="manifest"/>.
    /// </summary>
    public ModelMetadataResponse.Types.TensorMetadata Tensor(IReadOnlyList<ModelMetadataResponse.Types.TensorMetadata> tensors, string kind, string? name, string manifest)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        return tensors.FirstOrDefault(t => t.Name == (name ?? tensors.FirstOrDefault()?.Name))
            ?? throw Mismatch(manifest, $"has no {kind} '{name}' (it has {string.Join(", ", tensors.Select(t => t.Name))})");
    }

    /// <summary>A model that does not fit what the agent sends or reads, named with both sides.</summary>
    public ConfigurationException Mismatch(string manifest, string problem) => new($"{Describe} does not fit the manifest {manifest}: the model {problem}");

    /// <inheritdoc />
    public void Dispose() => _channel.Dispose();

    /// <summary>Whether a dimension Triton reports (−1: any) takes <paramref name="expected"/>.</summary>
    public static bool Fits(long dimension, long expected) => dimension < 0 || dimension == expected;

    private DateTime Deadline() => DateTime.UtcNow + Options.Deadline;

    private T Call<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.NotFound)
        {
            throw new ConfigurationException($"{Describe}: the server has no such model ({e.Status.Detail})", e);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.InvalidArgument or StatusCode.Unimplemented or StatusCode.Unauthenticated or StatusCode.PermissionDenied)
        {
            throw new ConfigurationException($"{Describe}: {e.StatusCode}: {e.Status.Detail}", e);
        }
        catch (RpcException e)
        {
            throw new TritonUnavailableException($"{Describe}: {e.StatusCode}: {e.Status.Detail}", e);
        }
    }
}
