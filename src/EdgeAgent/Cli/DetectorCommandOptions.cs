namespace EdgeAgent.Cli;

using System.CommandLine;
using EdgeAgent.Detection;
using EdgeAgent.Jobs;

/// <summary>The options every verb that runs the detector shares.</summary>
internal sealed class DetectorCommandOptions
{
    private readonly Option<string> _model = new("--model", "-m")
    {
        Description = "Model manifest (JSON)",
        DefaultValueFactory = _ => ModelManifest.DefaultPath,
    };

    private readonly Option<ExecutionProvider> _provider = new("--provider")
    {
        Description = "Execution provider: auto tries TensorRT, then CUDA, then the CPU",
        DefaultValueFactory = _ => ExecutionProvider.Auto,
    };

    private readonly Option<DetectorBackend> _backend = new("--backend")
    {
        Description = "onnx: run the model here; triton: send frames to a Triton Inference Server (the local model is the fallback)",
        DefaultValueFactory = _ => DetectorBackend.Onnx,
    };

    private readonly Option<string> _tritonUrl = new("--triton-url")
    {
        Description = "Triton's gRPC address",
        DefaultValueFactory = _ => new TritonOptions().Url,
    };

    private readonly Option<string> _tritonModel = new("--triton-model") { Description = "The model's name in Triton" };

    private readonly Option<bool> _tile = new("--tile") { Description = "Also run on overlapping model-size tiles, for small distant animals (slower)" };

    private readonly Option<int> _cpuThreads = new("--cpu-threads")
    {
        Description = "ONNX Runtime threads per inference on the CPU (default: the cores shared among the detect workers)",
    };

    private readonly Option<int> _detectWorkers = new("--detect-workers")
    {
        Description = "Pictures run through the detector at once",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };

    private readonly Option<int> _decodeWorkers = new("--decode-workers")
    {
        Description = "Threads decoding pictures while the detector runs (default: 1 when inference is on the CPU, all cores but one when it is on a GPU or Triton)",
    };

    private readonly Option<int> _gpuMemoryLimit = new("--gpu-memory-limit-mb")
    {
        Description = "Cap of the CUDA provider's memory arena in MB (0: none)",
        DefaultValueFactory = _ => new DetectorOptions().GpuMemoryLimitMB,
    };

    private readonly Option<string> _cudnnSearch = new("--cudnn-search")
    {
        Description = "cuDNN convolution algorithm search: HEURISTIC, EXHAUSTIVE or DEFAULT",
        DefaultValueFactory = _ => new DetectorOptions().CudnnConvolutionSearch,
    };

    private readonly Option<int> _maxMegapixels = new("--max-megapixels")
    {
        Description = "Larger pictures are decoded reduced (JPEG) or refused",
        DefaultValueFactory = _ => Sources.PictureReader.DefaultMaxMegapixels,
    };

    private readonly Option<string?> _classifier = new("--classifier")
    {
        Description = "Species classifier manifest (JSON): names each animal from its crop, rolling up to genus, family… when unsure",
    };

    private readonly Option<float> _classifierThreshold = new("--classifier-threshold")
    {
        Description = "Summed score at which a species (or a rank) is named (default: the classifier manifest's)",
    };

    private readonly Option<string?> _classifierTritonModel = new("--classifier-triton-model")
    {
        Description = "With --backend triton: the classifier's name on the same Triton server (this machine classifies while the server is away)",
    };

    private readonly Option<string[]> _expected = new("--expected")
    {
        Description = "Taxa expected at the site, at any rank (e.g. 'loxodonta africana' bovidae); others roll up to their lowest expected ancestor",
        AllowMultipleArgumentsPerToken = true,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_classifier);
        command.Options.Add(_classifierThreshold);
        command.Options.Add(_classifierTritonModel);
        command.Options.Add(_expected);
        _classifierThreshold.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<float>() is < 0 or > 1)
            {
                r.AddError("--classifier-threshold must lie between 0 and 1");
            }
        });
        foreach (var option in new Option[] { _model, _provider, _backend, _tritonUrl, _tritonModel, _tile, _cpuThreads, _decodeWorkers, _detectWorkers, _maxMegapixels, _gpuMemoryLimit, _cudnnSearch })
        {
            command.Options.Add(option);
        }

        command.Validators.Add(r =>
        {
            if (r.GetValue(_classifierTritonModel) is { Length: > 0 } && (r.GetValue(_backend) != DetectorBackend.Triton || r.GetValue(_classifier) is null))
            {
                r.AddError("--classifier-triton-model runs the classifier on the detector's Triton server: it needs --backend triton and --classifier (its manifest)");
            }
        });
        _cudnnSearch.AcceptOnlyFromAmong("HEURISTIC", "EXHAUSTIVE", "DEFAULT");
        _decodeWorkers.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 0)
            {
                r.AddError("--decode-workers cannot be negative");
            }
        });
        foreach (var workers in new[] { _detectWorkers, _maxMegapixels })
        {
            workers.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int>() < 1)
                {
                    r.AddError($"{workers.Name} must be at least 1");
                }
            });
        }

        _cpuThreads.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 0)
            {
                r.AddError("--cpu-threads cannot be negative");
            }
        });
    }

    public DetectorOptions Read(ParseResult parse) => new()
    {
        Model = parse.GetValue(_model)!,
        Provider = parse.GetValue(_provider),
        CpuThreads = parse.GetValue(_cpuThreads) is > 0 and var threads
            ? threads
            : Math.Max(1, Environment.ProcessorCount / parse.GetValue(_detectWorkers)),
        Tiling = new TilingOptions { Enabled = parse.GetValue(_tile) },
        GpuMemoryLimitMB = parse.GetValue(_gpuMemoryLimit),
        CudnnConvolutionSearch = parse.GetValue(_cudnnSearch)!,
        Backend = parse.GetValue(_backend),
        Triton = new TritonOptions { Url = parse.GetValue(_tritonUrl)!, Model = parse.GetValue(_tritonModel) ?? "" },
        Classifier = new ClassifierOptions
        {
            Model = parse.GetValue(_classifier) ?? "",
            Threshold = parse.GetValue(_classifierThreshold),
            TritonModel = parse.GetValue(_classifierTritonModel) ?? "",
            Expected = parse.GetValue(_expected) ?? [],
        },
    };

    public PipelineOptions ReadPipeline(ParseResult parse) => new()
    {
        DecodeWorkers = parse.GetValue(_decodeWorkers),
        DetectWorkers = parse.GetValue(_detectWorkers),
        MaxMegapixels = parse.GetValue(_maxMegapixels),
    };
}
