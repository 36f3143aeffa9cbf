package dev.mstream.embed;

import static org.apache.flink.util.Preconditions.checkArgument;

import java.io.Serializable;
import java.util.Locale;

/**
 * Where ONNX Runtime should run a model, parsed from the user's device string: {@code cpu}, {@code
 * cuda}, {@code cuda:N} or {@code auto} (CUDA device 0 when usable, CPU otherwise).
 */
public record ExecutionDevice(Kind kind, int cudaDeviceId) implements Serializable {

  public enum Kind {
    CPU,
    CUDA,
    AUTO
  }

  public static final ExecutionDevice CPU = new ExecutionDevice(Kind.CPU, 0);
  public static final ExecutionDevice AUTO = new ExecutionDevice(Kind.AUTO, 0);

  public ExecutionDevice {
    checkArgument(kind != null, "device kind is required");
    checkArgument(cudaDeviceId >= 0, "CUDA device id must be >= 0 (was %s)", cudaDeviceId);
  }

  /**
   * @throws IllegalArgumentException naming the accepted forms
   */
  public static ExecutionDevice parse(String device) {
    String d = device == null ? "" : device.trim().toLowerCase(Locale.ROOT);
    switch (d) {
      case "cpu":
        return CPU;
      case "auto":
        return AUTO;
      case "cuda":
        return new ExecutionDevice(Kind.CUDA, 0);
      default:
        if (d.startsWith("cuda:")) {
          try {
            int id = Integer.parseInt(d.substring("cuda:".length()));
            if (id >= 0) {
              return new ExecutionDevice(Kind.CUDA, id);
            }
          } catch (NumberFormatException e) {
            // reported below with the accepted forms
          }
        }
        throw new IllegalArgumentException(
            "device must be one of 'cpu', 'cuda', 'cuda:N' (N >= 0) or 'auto' (was '"
                + device
                + "')");
    }
  }

  /** Whether CUDA is asked for at all, explicitly or as the first choice of {@code auto}. */
  public boolean wantsCuda() {
    return kind != Kind.CPU;
  }

  @Override
  public String toString() {
    switch (kind) {
      case CPU:
        return "cpu";
      case AUTO:
        return "auto";
      default:
        return "cuda:" + cudaDeviceId;
    }
  }
}
