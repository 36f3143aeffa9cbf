package dev.mstream.index.vector;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the {@link VectorUtilSupport} for this JVM, once: the JDK Vector API implementation when
 * the module {@code jdk.incubator.vector} is in the boot layer (the JVM was started with {@code
 * --add-modules jdk.incubator.vector}) and its class loads, else plain Java. The system property
 * {@value #PROPERTY} ({@code scalar} or {@code panama}) overrides the choice; asking for {@code
 * panama} where it cannot run logs a warning and uses scalar.
 */
public final class VectorizationProvider {

  /** System property that forces an implementation: {@code scalar} or {@code panama}. */
  public static final String PROPERTY = "mstream.vector.impl";

  static final String MODULE = "jdk.incubator.vector";
  private static final Logger LOG = LoggerFactory.getLogger(VectorizationProvider.class);

  private VectorizationProvider() {}

  /** The implementation this JVM uses (chosen and logged on first use). */
  public static VectorUtilSupport get() {
    return Holder.INSTANCE;
  }

  /** Whether the Vector API module is in the boot layer. */
  public static boolean vectorModulePresent() {
    return ModuleLayer.boot().findModule(MODULE).isPresent();
  }

  /**
   * Builds an implementation by name without touching the shared instance: {@code "scalar"}, {@code
   * "panama"} (throws if the Vector API cannot be used here) or {@code "auto"}/{@code null} (Panama
   * when possible, else scalar).
   */
  public static VectorUtilSupport create(String impl) {
    String name = impl == null ? "auto" : impl.trim().toLowerCase(Locale.ROOT);
    switch (name) {
      case "scalar":
        return new ScalarVectorUtilSupport();
      case "panama":
        return loadPanama();
      case "auto":
      case "":
        try {
          return loadPanama();
        } catch (UnsupportedOperationException e) {
          return new ScalarVectorUtilSupport();
        }
      default:
        throw new IllegalArgumentException(
            "unknown " + PROPERTY + " '" + impl + "': expected scalar, panama or auto");
    }
  }

  private static VectorUtilSupport loadPanama() {
    if (!vectorModulePresent()) {
      throw new UnsupportedOperationException(
          "module "
              + MODULE
              + " is not in the boot layer (start the JVM with --add-modules "
              + MODULE
              + ")");
    }
    try {
      Class<?> cls =
          Class.forName(
              VectorizationProvider.class.getPackageName() + ".PanamaVectorUtilSupport",
              true,
              VectorizationProvider.class.getClassLoader());
      return (VectorUtilSupport) cls.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new UnsupportedOperationException(
          "the Vector API implementation does not load: " + cause, cause);
    }
  }

  private static VectorUtilSupport choose() {
    String requested = System.getProperty(PROPERTY);
    if (requested != null && requested.trim().equalsIgnoreCase("scalar")) {
      LOG.info("Vector kernels: scalar (plain Java), forced by -D{}=scalar", PROPERTY);
      return new ScalarVectorUtilSupport();
    }
    boolean forced = requested != null && requested.trim().equalsIgnoreCase("panama");
    if (requested != null && !forced && !requested.isBlank()) {
      LOG.warn("Ignoring -D{}={}: expected scalar or panama", PROPERTY, requested);
    }
    try {
      VectorUtilSupport panama = loadPanama();
      LOG.info(
          "Vector kernels: panama (JDK Vector API, {}){}",
          PanamaVectorUtilSupport.describe(),
          forced ? ", forced by -D" + PROPERTY + "=panama" : "");
      return panama;
    } catch (UnsupportedOperationException e) {
      if (forced) {
        LOG.warn("-D{}=panama asked for, but {}; using scalar", PROPERTY, e.getMessage());
      } else {
        LOG.info(
            "Vector kernels: scalar (plain Java) because {}. For SIMD scans pass the JVM flag"
                + " --add-modules {}",
            e.getMessage(),
            MODULE);
      }
      return new ScalarVectorUtilSupport();
    }
  }

  private static final class Holder {
    static final VectorUtilSupport INSTANCE = choose();
  }
}
