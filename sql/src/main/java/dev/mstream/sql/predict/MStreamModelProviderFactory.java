package dev.mstream.sql.predict;

import dev.mstream.embed.EmbedderOptions;
import dev.mstream.embed.ModelProfile;
import dev.mstream.embed.ModelProfiles;
import dev.mstream.embed.OnnxEmbeddingModel;
import dev.mstream.embed.TextRole;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.config.ExecutionConfigOptions;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.ModelProviderFactory;
import org.apache.flink.table.ml.ModelProvider;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

/**
 * {@code 'provider' = 'mstream'}: the job's ONNX embedding models, run inside the Flink task.
 *
 * <pre>{@code
 * CREATE MODEL doc_embedder
 *   INPUT (text STRING) OUTPUT (embedding ARRAY<FLOAT>)
 *   WITH ('provider' = 'mstream', 'model' = 'all-minilm-l6-v2-q');
 * SELECT id, embedding FROM ML_PREDICT(TABLE docs, MODEL doc_embedder, DESCRIPTOR(text));
 * }</pre>
 *
 * <p>Everything is checked here, when a statement using the model is planned, with messages that
 * name the model and the option or column: missing or unknown options, an unknown profile (listing
 * the known ones) or a profile whose files are absent, a profile file whose dimension does not
 * match its ONNX model, the input and output columns, the device and the batch settings.
 */
@PublicEvolving
public final class MStreamModelProviderFactory implements ModelProviderFactory {

  public static final String IDENTIFIER = "mstream";

  @Override
  public String factoryIdentifier() {
    return IDENTIFIER;
  }

  @Override
  public Set<ConfigOption<?>> requiredOptions() {
    return Set.of(MStreamModelOptions.MODEL);
  }

  @Override
  public Set<ConfigOption<?>> optionalOptions() {
    return Set.of(
        MStreamModelOptions.ROLE,
        MStreamModelOptions.DEVICE,
        MStreamModelOptions.THREADS,
        MStreamModelOptions.BATCH_SIZE,
        MStreamModelOptions.MAX_DELAY,
        MStreamModelOptions.INFERENCE_BATCH_SIZE,
        MStreamModelOptions.BATCH_TOKENS,
        MStreamModelOptions.BATCH_INVARIANT);
  }

  @Override
  public ModelProvider createModelProvider(Context context) {
    String name = "model " + context.getObjectIdentifier().asSummaryString();
    FactoryUtil.ModelProviderFactoryHelper helper =
        FactoryUtil.createModelProviderFactoryHelper(this, context);
    try {
      helper.validate();
    } catch (ValidationException e) {
      throw new ValidationException(name + ": " + e.getMessage(), e);
    }
    ReadableConfig options = helper.getOptions();
    checkInput(name, context.getCatalogModel().getResolvedInputSchema());
    checkOutput(name, context.getCatalogModel().getResolvedOutputSchema());

    ModelProfile profile = profile(name, options.get(MStreamModelOptions.MODEL));
    EmbedSpec spec =
        new EmbedSpec(
            profile,
            embedderOptions(name, options),
            atLeast(name, options, MStreamModelOptions.THREADS, 0),
            options.get(MStreamModelOptions.ROLE) == MStreamModelOptions.Role.QUERY
                ? TextRole.QUERY
                : TextRole.DOCUMENT,
            atLeast(name, options, MStreamModelOptions.BATCH_SIZE, 1),
            maxDelay(name, options));
    int sessionCapacity =
        context
            .getConfiguration()
            .get(ExecutionConfigOptions.TABLE_EXEC_ASYNC_ML_PREDICT_MAX_CONCURRENT_OPERATIONS);
    return new EmbeddingModelProvider(spec, sessionCapacity);
  }

  /** One physical input column holding text. */
  private static void checkInput(String name, ResolvedSchema schema) {
    Column column = singlePhysical(name, schema, "INPUT");
    LogicalType type = column.getDataType().getLogicalType();
    if (!type.is(LogicalTypeFamily.CHARACTER_STRING)) {
      throw new ValidationException(
          name
              + ": INPUT column `"
              + column.getName()
              + "` is "
              + type.asSummaryString()
              + ", but the model embeds text: declare it STRING");
    }
  }

  /** One physical output column for the vector. */
  private static void checkOutput(String name, ResolvedSchema schema) {
    Column column = singlePhysical(name, schema, "OUTPUT");
    LogicalType type = column.getDataType().getLogicalType();
    if (!(type instanceof ArrayType array && array.getElementType().is(LogicalTypeRoot.FLOAT))) {
      throw new ValidationException(
          name
              + ": OUTPUT column `"
              + column.getName()
              + "` is "
              + type.asSummaryString()
              + ", but the model returns a vector: declare it ARRAY<FLOAT>");
    }
  }

  private static Column singlePhysical(String name, ResolvedSchema schema, String which) {
    List<Column> physical = schema.getColumns().stream().filter(Column::isPhysical).toList();
    if (physical.size() != 1 || physical.size() != schema.getColumnCount()) {
      throw new ValidationException(
          name
              + ": "
              + which
              + " must be exactly one physical column, but it has "
              + schema.getColumnNames());
    }
    return physical.get(0);
  }

  /**
   * The profile 'model' names. A profile file describes a model the project has never seen: open it
   * once, so that a dimension that does not match the ONNX file fails now, not in the task.
   */
  private static ModelProfile profile(String name, String setting) {
    ModelProfile profile;
    try {
      profile = ModelProfiles.resolve(setting);
    } catch (IllegalArgumentException e) {
      throw new ValidationException(
          name
              + ": option '"
              + MStreamModelOptions.MODEL.key()
              + "' = '"
              + setting
              + "': "
              + e.getMessage(),
          e);
    }
    boolean builtIn =
        ModelProfiles.names().contains(profile.name())
            && ModelProfiles.builtIn(profile.name()).equals(profile);
    if (!builtIn) {
      try {
        OnnxEmbeddingModel.open(profile, EmbedderOptions.defaults().withIntraOpThreads(1)).close();
      } catch (RuntimeException e) {
        throw new ValidationException(
            name
                + ": option '"
                + MStreamModelOptions.MODEL.key()
                + "' = '"
                + setting
                + "': "
                + e.getMessage(),
            e);
      }
    }
    return profile;
  }

  private static EmbedderOptions embedderOptions(String name, ReadableConfig options) {
    EmbedderOptions o = EmbedderOptions.defaults();
    try {
      o = o.withDevice(options.get(MStreamModelOptions.DEVICE));
    } catch (IllegalArgumentException e) {
      throw invalid(name, MStreamModelOptions.DEVICE, options, e.getMessage());
    }
    return o.withMaxBatchSize(atLeast(name, options, MStreamModelOptions.INFERENCE_BATCH_SIZE, 0))
        .withBatchTokens(atLeast(name, options, MStreamModelOptions.BATCH_TOKENS, 0))
        .withBatchInvariant(options.get(MStreamModelOptions.BATCH_INVARIANT));
  }

  private static int atLeast(
      String name, ReadableConfig options, ConfigOption<Integer> option, int min) {
    int value = options.get(option);
    if (value < min) {
      throw invalid(name, option, options, "must be >= " + min);
    }
    return value;
  }

  private static long maxDelay(String name, ReadableConfig options) {
    Duration delay = options.get(MStreamModelOptions.MAX_DELAY);
    if (delay.isNegative()) {
      throw invalid(name, MStreamModelOptions.MAX_DELAY, options, "must not be negative");
    }
    return delay.toMillis();
  }

  private static ValidationException invalid(
      String name, ConfigOption<?> option, ReadableConfig options, String problem) {
    return new ValidationException(
        name + ": option '" + option.key() + "' = '" + options.get(option) + "': " + problem);
  }
}
