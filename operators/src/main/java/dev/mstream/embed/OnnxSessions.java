package dev.mstream.embed;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.file.Path;

/** Opens an ONNX Runtime session on the execution provider the options ask for. */
final class OnnxSessions {
  static final String CPU = "CPU";
  static final String CUDA = "CUDA";

  /** A session with the options it was created with; the caller owns and closes both. */
  record Opened(
      OrtSession.SessionOptions options, OrtSession session, String provider, String cudaProblem) {}

  private OnnxSessions() {}

  /**
   * Tries CUDA first when the device asks for it. "auto" falls back to CPU when CUDA cannot be
   * used; an explicit "cuda" fails instead, because silently running a GPU deployment on CPU would
   * look like a mysterious slowdown rather than a configuration error.
   */
  static Opened open(OrtEnvironment env, ModelProfile profile, EmbedderOptions options)
      throws IOException, OrtException {
    ModelFile file = ModelFile.onnxModel(profile);
    Path path = file.path();
    byte[] bytes = path == null ? file.readAll() : null;
    ExecutionDevice device = options.device();

    String cudaProblem = null;
    if (device.wantsCuda()) {
      OrtSession.SessionOptions cudaOptions = baseOptions(options);
      String step = "adding the CUDA execution provider";
      // Without a usable CUDA the CPU-only jar reports a missing provider library (OrtException),
      // but native loading can also fail with UnsatisfiedLinkError or IllegalStateException.
      try {
        cudaOptions.addCUDA(device.cudaDeviceId());
        step = "creating a CUDA session";
        OrtSession session = create(env, path, bytes, cudaOptions);
        return new Opened(cudaOptions, session, CUDA, null);
      } catch (OrtException | RuntimeException | LinkageError e) {
        cudaOptions.close();
        cudaProblem = step + " for device " + device.cudaDeviceId() + " failed: " + e;
        if (device.kind() == ExecutionDevice.Kind.CUDA) {
          throw new EmbeddingException(
              "model '"
                  + profile.name()
                  + "': device '"
                  + device
                  + "' asks for the CUDA execution provider, but "
                  + cudaProblem
                  + ". CUDA needs the onnxruntime_gpu artifact instead of onnxruntime and an"
                  + " NVIDIA GPU with matching CUDA and cuDNN libraries; use device 'auto' to fall"
                  + " back to CPU, or 'cpu'.",
              e);
        }
      }
    }

    // fresh options: a failed addCUDA may leave the old ones half-configured
    OrtSession.SessionOptions cpuOptions = baseOptions(options);
    try {
      return new Opened(cpuOptions, create(env, path, bytes, cpuOptions), CPU, cudaProblem);
    } catch (OrtException | RuntimeException e) {
      cpuOptions.close();
      throw e;
    }
  }

  private static OrtSession.SessionOptions baseOptions(EmbedderOptions options)
      throws OrtException {
    OrtSession.SessionOptions so = new OrtSession.SessionOptions();
    try {
      so.setIntraOpNumThreads(options.intraOpThreads());
      // one graph, run node by node: inter-op threads would only compete with intra-op ones
      so.setInterOpNumThreads(1);
      so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      return so;
    } catch (OrtException | RuntimeException e) {
      so.close();
      throw e;
    }
  }

  private static OrtSession create(
      OrtEnvironment env, Path path, byte[] bytes, OrtSession.SessionOptions so)
      throws OrtException {
    return path != null ? env.createSession(path.toString(), so) : env.createSession(bytes, so);
  }
}
