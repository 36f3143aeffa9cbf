package dev.mstream.jobs;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.description.HtmlFormatter;
import org.apache.flink.util.TimeUtils;

/**
 * Generates {@code docs/configuration.md} from the {@link ConfigOption} fields of {@link
 * MStreamOptions}: key, type, default and description. The file is never edited by hand; {@code
 * ConfigurationDocsTest} fails when it differs from what this class produces.
 *
 * <p>{@code java -cp jobs/target/mstream.jar dev.mstream.jobs.ConfigurationDocs
 * docs/configuration.md}
 */
public final class ConfigurationDocs {

  /** Classes whose {@code public static final ConfigOption} fields are documented. */
  static final List<Class<?>> OPTION_CLASSES = List.of(MStreamOptions.class);

  /** Where the generated file lives, relative to the repository root. */
  public static final String DOCS_FILE = "docs/configuration.md";

  private ConfigurationDocs() {}

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args.length > 0 ? args[0] : DOCS_FILE);
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Files.writeString(out, generate(), StandardCharsets.UTF_8);
    System.out.println("wrote " + out.toAbsolutePath());
  }

  /** One documented option. */
  record OptionDoc(String key, String type, String defaultValue, String description) {}

  /** All options of {@link #OPTION_CLASSES}, sorted by key. */
  static List<OptionDoc> options() {
    List<OptionDoc> docs = new ArrayList<>();
    for (Class<?> c : OPTION_CLASSES) {
      for (Field f : c.getFields()) {
        int m = f.getModifiers();
        if (!Modifier.isStatic(m) || f.getType() != ConfigOption.class) {
          continue;
        }
        ConfigOption<?> option;
        try {
          option = (ConfigOption<?>) f.get(null);
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
        Class<?> valueType = valueType(f);
        docs.add(
            new OptionDoc(
                option.key(),
                typeName(valueType),
                option.hasDefaultValue() ? formatValue(option.defaultValue()) : "(none)",
                new HtmlFormatter().format(option.description())));
      }
    }
    docs.sort(Comparator.comparing(OptionDoc::key));
    return docs;
  }

  /** The {@code T} of a {@code ConfigOption<T>} field. */
  private static Class<?> valueType(Field f) {
    Type t = f.getGenericType();
    if (t instanceof ParameterizedType p && p.getActualTypeArguments()[0] instanceof Class<?> c) {
      return c;
    }
    throw new IllegalStateException(f + ": declare it as ConfigOption<SomeType>");
  }

  private static String typeName(Class<?> type) {
    if (type.isEnum()) {
      return "Enum: "
          + Arrays.stream(type.getEnumConstants())
              .map(e -> ((Enum<?>) e).name())
              .collect(Collectors.joining(", "));
    }
    return type.getSimpleName();
  }

  private static String formatValue(Object value) {
    if (value instanceof Duration d) {
      return TimeUtils.formatWithHighestUnit(d);
    }
    if (value instanceof Enum<?> e) {
      return e.name();
    }
    return String.valueOf(value);
  }

  /** The whole Markdown file. */
  public static String generate() {
    StringBuilder md = new StringBuilder();
    md.append("# Configuration\n\n");
    md.append(
        "<!-- Generated from MStreamOptions by dev.mstream.jobs.ConfigurationDocs; do not edit."
            + " ConfigurationDocsTest says how to regenerate it. -->\n\n");
    md.append(
        "Every setting of the job is a Flink configuration key under `mstream.`. Set it in any of"
            + " these places; a later one wins over an earlier one:\n\n"
            + "1. the cluster's Flink configuration (`config.yaml`), or a Kubernetes"
            + " `FlinkDeployment`'s `spec.flinkConfiguration` (see"
            + " [`infra/k8s/flinkdeployment.yaml`](../infra/k8s/flinkdeployment.yaml));\n"
            + "2. `flink run -D mstream.key=value`, or the `flinkConfiguration` of a REST"
            + " `POST /jars/:jarid/run`;\n"
            + "3. program arguments: `flink run mstream-job.jar --mstream.key value`"
            + " (`args` of a FlinkDeployment's `spec.job`).\n\n"
            + "The command-line tool takes the same keys as `-D mstream.key=value`.\n\n");
    md.append("| Key | Type | Default | Description |\n");
    md.append("|---|---|---|---|\n");
    for (OptionDoc o : options()) {
      md.append("| `")
          .append(o.key())
          .append("` | ")
          .append(cell(o.type()))
          .append(" | ")
          .append(o.defaultValue().equals("(none)") ? "(none)" : "`" + o.defaultValue() + "`")
          .append(" | ")
          .append(cell(o.description()))
          .append(" |\n");
    }
    md.append("| `")
        .append(MStreamOptions.KAFKA_PROPERTIES_PREFIX)
        .append("*` | String | (none) | ")
        .append(
            "Passed unchanged (without the prefix) to every Kafka client of the job: sources and"
                + " sinks, e.g. `")
        .append(MStreamOptions.KAFKA_PROPERTIES_PREFIX)
        .append("security.protocol: SASL_SSL`. |\n");
    return md.toString();
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }
}
