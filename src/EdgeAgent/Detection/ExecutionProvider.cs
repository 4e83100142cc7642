namespace EdgeAgent.Detection;

/// <summary>Where ONNX Runtime runs the model.</summary>
public enum ExecutionProvider
{
    /// <summary>TensorRT, else CUDA, else the CPU: the first that loads.</summary>
    Auto,

    /// <summary>NVIDIA TensorRT (with CUDA for the nodes TensorRT does not take).</summary>
    TensorRT,

    /// <summary>NVIDIA CUDA.</summary>
    Cuda,

    /// <summary>The CPU, always available.</summary>
    Cpu,
}
