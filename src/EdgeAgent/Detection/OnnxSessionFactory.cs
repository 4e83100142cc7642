namespace EdgeAgent.Detection;

using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

/// <summary>
/// Opens an ONNX Runtime session on the best execution provider that actually loads. The GPU
/// providers live in separate native libraries that need CUDA, cuDNN and TensorRT at run time;
/// when any of them is missing, appending the provider or creating the session throws, and that
/// reason is what the log says.
/// </summary>
public static partial class OnnxSessionFactory
{
    private static readonly string[] ProviderLibraries =
    [
        "libonnxruntime_providers_tensorrt.so",
        "libonnxruntime_providers_cuda.so",
    ];

    static OnnxSessionFactory()
    {
        // ONNX Runtime's own logger would print every failed provider load in red on stderr; the
        // reasons are logged here instead, once and readable.
        var environment = new EnvironmentCreationOptions { logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, logId = "edge-agent" };
        try
        {
            OrtEnv.CreateInstanceWithOptions(ref environment);
        }
        catch (OnnxRuntimeException)
        {
            // Already created by an earlier caller: keep it.
        }
    }

    /// <summary>Creates the session; throws <see cref="ConfigurationException"/> when the requested provider cannot run the model.</summary>
    public static (InferenceSession Session, ExecutionProvider Provider) Create(string modelPath, DetectorOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!File.Exists(modelPath))
        {
            throw new ConfigurationException($"model file {modelPath} does not exist (run models/fetch-default-model.sh for the default model)");
        }

        ExecutionProvider[] order = options.Provider == ExecutionProvider.Auto
            ? [ExecutionProvider.TensorRT, ExecutionProvider.Cuda, ExecutionProvider.Cpu]
            : [options.Provider];
        var reasons = new List<string>();
        foreach (var provider in order)
        {
            var sessionOptions = new SessionOptions
            {
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
                IntraOpNumThreads = options.CpuThreads,
                LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            };

            // Idle ONNX Runtime threads otherwise spin for a while after each inference, taking the
            // core that the picture decoder needs.
            sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            try
            {
                AppendProvider(sessionOptions, provider, options);
                var started = DateTime.UtcNow;
                if (provider == ExecutionProvider.TensorRT)
                {
                    LogEngineBuild(logger, modelPath);
                }

                var session = new InferenceSession(modelPath, sessionOptions);
                LogProvider(logger, provider, modelPath, reasons.Count == 0 ? "" : $" ({string.Join("; ", reasons)})");
                if (provider == ExecutionProvider.TensorRT)
                {
                    LogEngineReady(logger, (DateTime.UtcNow - started).TotalSeconds);
                }

                return (session, provider);
            }
            catch (OnnxRuntimeException e)
            {
                sessionOptions.Dispose();
                var reason = provider == ExecutionProvider.Cpu ? FirstLine(e.Message) : WhyProviderFailed(provider, e);
                if (provider == ExecutionProvider.Cpu)
                {
                    // The CPU provider is always there: a failure here is the model file's fault.
                    throw new ConfigurationException($"model file {modelPath} cannot be loaded by ONNX Runtime: {reason}", e);
                }

                if (options.Provider != ExecutionProvider.Auto)
                {
                    throw new ConfigurationException($"execution provider {provider} is not available on this machine: {reason}", e);
                }

                reasons.Add($"{provider} not available: {reason}");
                LogProviderUnavailable(logger, provider, reason);
            }
        }

        throw new InvalidOperationException("unreachable: the CPU provider ends the loop");
    }

    private static void AppendProvider(SessionOptions sessionOptions, ExecutionProvider provider, DetectorOptions options)
    {
        switch (provider)
        {
            case ExecutionProvider.TensorRT:
                using (var trt = new OrtTensorRTProviderOptions())
                {
                    var settings = new Dictionary<string, string>
                    {
                        ["device_id"] = options.DeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        ["trt_fp16_enable"] = options.TensorRtFp16 ? "1" : "0",
                    };
                    if (options.TensorRtCachePath.Length > 0)
                    {
                        Directory.CreateDirectory(options.TensorRtCachePath);
                        settings["trt_engine_cache_enable"] = "1";
                        settings["trt_engine_cache_path"] = options.TensorRtCachePath;
                        settings["trt_timing_cache_enable"] = "1";
                        settings["trt_timing_cache_path"] = options.TensorRtCachePath;
                    }

                    trt.UpdateOptions(settings);
                    sessionOptions.AppendExecutionProvider_Tensorrt(trt);
                }

                // Nodes TensorRT does not take run on CUDA rather than on the CPU.
                AppendCuda(sessionOptions, options);
                break;
            case ExecutionProvider.Cuda:
                AppendCuda(sessionOptions, options);
                break;
            case ExecutionProvider.Cpu:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(provider), provider, "not a concrete provider");
        }
    }

    /// <summary>The CUDA provider with its options: the device, a capped arena that grows only as asked, and the convolution search.</summary>
    private static void AppendCuda(SessionOptions sessionOptions, DetectorOptions options)
    {
        using var cuda = new OrtCUDAProviderOptions();
        var settings = new Dictionary<string, string>
        {
            ["device_id"] = options.DeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["cudnn_conv_algo_search"] = options.CudnnConvolutionSearch,
            ["arena_extend_strategy"] = "kSameAsRequested",
        };
        if (options.GpuMemoryLimitMB > 0)
        {
            settings["gpu_mem_limit"] = ((long)options.GpuMemoryLimitMB * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        cuda.UpdateOptions(settings);
        sessionOptions.AppendExecutionProvider_CUDA(cuda);
    }

    /// <summary>
    /// ONNX Runtime only says a provider "failed to load"; loading its library ourselves gets the
    /// loader's own words, such as which CUDA library is missing.
    /// </summary>
    private static string WhyProviderFailed(ExecutionProvider provider, OnnxRuntimeException e)
    {
        var library = ProviderLibraries[provider == ExecutionProvider.TensorRT ? 0 : 1];
        var candidates = new[] { AppContext.BaseDirectory, Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native") }
            .Select(folder => Path.Combine(folder, library));
        var path = candidates.FirstOrDefault(File.Exists);
        if (path is null)
        {
            return $"{library} is not installed beside the executable";
        }

        try
        {
            NativeLibrary.Free(NativeLibrary.Load(path));
        }
        catch (DllNotFoundException loadError)
        {
            // .NET puts the loader's own message (dlerror) on the last line.
            var cause = loadError.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
            return $"{library} cannot load: {cause}";
        }

        // The library loads: the failure is past it (no GPU, driver too old…).
        return FirstLine(e.Message);
    }

    private static string FirstLine(string message)
    {
        var line = message.Split('\n', 2)[0].Trim();
        return line.Length > 300 ? line[..300] + "…" : line;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Trying TensorRT for {Model}: the first start builds an engine, which can take minutes on a Jetson")]
    private static partial void LogEngineBuild(ILogger logger, string model);

    [LoggerMessage(Level = LogLevel.Information, Message = "ONNX Runtime runs {Model} on the {Provider} execution provider{Reasons}")]
    private static partial void LogProvider(ILogger logger, ExecutionProvider provider, string model, string reasons);

    [LoggerMessage(Level = LogLevel.Information, Message = "TensorRT engine ready after {Seconds:F1} s")]
    private static partial void LogEngineReady(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Execution provider {Provider} is not available: {Reason}")]
    private static partial void LogProviderUnavailable(ILogger logger, ExecutionProvider provider, string reason);
}
