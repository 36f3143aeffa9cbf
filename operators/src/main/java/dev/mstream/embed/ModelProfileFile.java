package dev.mstream.embed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A user's own model as a profile file, so any BERT-style ONNX sentence encoder runs without a code
 * change: {@code mstream.model=/models/nomic/profile.yaml}. JSON ({@code .json}) or YAML ({@code
 * .yaml}, {@code .yml}) with the settings of {@link ModelProfile}:
 *
 * <pre>{@code
 * name: nomic-embed-text-v1.5          # optional, default: the file name without extension
 * onnxModel: model.onnx                # required; relative to this file's folder
 * tokenizer: tokenizer.json            # required; the Hugging Face tokenizer.json
 * pooling: mean                        # required: mean | cls
 * maxTokens: 512                       # required: tokens per text, special tokens included
 * dimension: 768                       # required: length of the model's output vectors
 * queryPrefix: "search_query: "        # optional, default ""
 * documentPrefix: "search_document: "  # optional, default ""
 * normalize: true                      # optional, default true
 * matryoshka: true                     # optional, default false: trained with Matryoshka loss?
 * matryoshkaDims: [64, 128, 256, 512, 768]  # optional, default [dimension]
 * batchDependent: false                # optional, default false; true for dynamic int8 models
 * queryDims: 128                       # optional: shortlist dims for queries that name none
 * queryCandidates: 200                 # optional: shortlist size per subtask, ditto
 * chunkTokens: 256                     # optional: tokens per chunk of long documents
 * chunkOverlapTokens: 32               # optional: tokens a chunk repeats from the one before
 * }</pre>
 *
 * Every problem — a missing or unknown setting, a wrong type, a file that is not there — fails the
 * load with a message naming the file and the setting.
 */
public final class ModelProfileFile {

  private static final Map<String, String> SETTINGS = new LinkedHashMap<>();

  static {
    SETTINGS.put("name", "text");
    SETTINGS.put("onnxModel", "path of the .onnx file");
    SETTINGS.put("tokenizer", "path of the Hugging Face tokenizer.json");
    SETTINGS.put("pooling", "mean or cls");
    SETTINGS.put("maxTokens", "integer > 0, tokens per text including special tokens");
    SETTINGS.put("dimension", "integer > 0, length of the model's output vectors");
    SETTINGS.put("queryPrefix", "text");
    SETTINGS.put("documentPrefix", "text");
    SETTINGS.put("normalize", "true or false");
    SETTINGS.put("matryoshka", "true or false");
    SETTINGS.put("matryoshkaDims", "list of ascending integers in 1..dimension");
    SETTINGS.put("batchDependent", "true or false");
    SETTINGS.put("queryDims", "integer in 1..dimension, default prefix dims of a query");
    SETTINGS.put("queryCandidates", "integer > 0, default shortlist size per index subtask");
    SETTINGS.put("chunkTokens", "integer in 1..maxTokens, tokens per chunk of a long document");
    SETTINGS.put("chunkOverlapTokens", "integer >= 0, tokens a chunk repeats from the one before");
  }

  private static final List<String> REQUIRED =
      List.of("onnxModel", "tokenizer", "pooling", "maxTokens", "dimension");

  private final Path file;

  private ModelProfileFile(Path file) {
    this.file = file;
  }

  /**
   * Reads, checks and builds the profile; relative model and tokenizer paths are resolved against
   * the folder of {@code file}.
   *
   * @throws IllegalArgumentException naming the file and the setting that is missing or wrong
   */
  public static ModelProfile load(Path file) {
    return new ModelProfileFile(file).read();
  }

  private ModelProfile read() {
    if (!Files.isRegularFile(file)) {
      throw problem("the file does not exist (relative to " + Path.of("").toAbsolutePath() + ")");
    }
    String lower = file.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean yaml = lower.endsWith(".yaml") || lower.endsWith(".yml");
    ObjectMapper mapper = yaml ? new YAMLMapper() : new ObjectMapper();
    JsonNode root;
    try {
      root = mapper.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw problem("not valid " + (yaml ? "YAML" : "JSON") + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw problem("cannot read it: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw problem(
          "expected a mapping of settings (" + String.join(", ", SETTINGS.keySet()) + ")");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!SETTINGS.containsKey(key)) {
        throw problem(
            "unknown setting '"
                + key
                + "'; the settings are "
                + String.join(", ", SETTINGS.keySet()));
      }
    }
    for (String key : REQUIRED) {
      JsonNode v = root.get(key);
      if (v == null || v.isNull()) {
        throw problem("missing required setting '" + key + "' (" + SETTINGS.get(key) + ")");
      }
    }

    String defaultName = file.getFileName().toString().replaceFirst("\\.[^.]+$", "");
    ModelProfile.Builder b =
        ModelProfile.builder(root.has("name") ? text(root, "name") : defaultName)
            .onnxModel(existingFile(root, "onnxModel"))
            .tokenizer(existingFile(root, "tokenizer"))
            .pooling(pooling(root))
            .maxTokens(integer(root, "maxTokens"))
            .dimension(integer(root, "dimension"));
    if (root.has("queryPrefix")) {
      b.queryPrefix(text(root, "queryPrefix"));
    }
    if (root.has("documentPrefix")) {
      b.documentPrefix(text(root, "documentPrefix"));
    }
    if (root.has("normalize")) {
      b.normalize(bool(root, "normalize"));
    }
    if (root.has("matryoshka")) {
      b.matryoshka(bool(root, "matryoshka"));
    }
    if (root.has("batchDependent")) {
      b.batchDependent(bool(root, "batchDependent"));
    }
    if (root.has("matryoshkaDims")) {
      b.matryoshkaDims(integers(root, "matryoshkaDims"));
    }
    if (root.has("queryDims")) {
      b.queryDims(integer(root, "queryDims"));
    }
    if (root.has("queryCandidates")) {
      b.queryCandidates(integer(root, "queryCandidates"));
    }
    if (root.has("chunkTokens")) {
      b.chunkTokens(integer(root, "chunkTokens"));
    }
    if (root.has("chunkOverlapTokens")) {
      b.chunkOverlapTokens(integer(root, "chunkOverlapTokens"));
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw problem(e.getMessage(), e);
    }
  }

  private String text(JsonNode root, String key) {
    JsonNode v = root.get(key);
    if (v == null || !v.isTextual()) {
      throw wrongType(key, v);
    }
    return v.asText();
  }

  private int integer(JsonNode root, String key) {
    JsonNode v = root.get(key);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
      throw wrongType(key, v);
    }
    return v.intValue();
  }

  private boolean bool(JsonNode root, String key) {
    JsonNode v = root.get(key);
    if (v == null || !v.isBoolean()) {
      throw wrongType(key, v);
    }
    return v.booleanValue();
  }

  private List<Integer> integers(JsonNode root, String key) {
    JsonNode v = root.get(key);
    if (v == null || !v.isArray()) {
      throw wrongType(key, v);
    }
    List<Integer> out = new ArrayList<>();
    for (JsonNode e : v) {
      if (!e.isIntegralNumber() || !e.canConvertToInt()) {
        throw wrongType(key, v);
      }
      out.add(e.intValue());
    }
    return out;
  }

  private Pooling pooling(JsonNode root) {
    String value = text(root, "pooling");
    try {
      return Pooling.valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw problem("setting 'pooling' is '" + value + "'; expected mean or cls");
    }
  }

  /** A model file named relative to the profile file, which must exist. */
  private String existingFile(JsonNode root, String key) {
    String value = text(root, key);
    if (value.isBlank()) {
      throw problem("setting '" + key + "' is empty (" + SETTINGS.get(key) + ")");
    }
    Path p = Path.of(value);
    Path resolved = p.isAbsolute() ? p : file.toAbsolutePath().getParent().resolve(p).normalize();
    if (!Files.isRegularFile(resolved)) {
      throw problem("setting '" + key + "': file " + resolved + " does not exist");
    }
    return resolved.toString();
  }

  private IllegalArgumentException wrongType(String key, JsonNode v) {
    return problem(
        "setting '"
            + key
            + "' must be "
            + SETTINGS.get(key)
            + ", not "
            + (v == null ? "missing" : v.isTextual() ? "'" + v.asText() + "'" : v.toString()));
  }

  private IllegalArgumentException problem(String message) {
    return new IllegalArgumentException("model profile file " + file + ": " + message);
  }

  private IllegalArgumentException problem(String message, Throwable cause) {
    return new IllegalArgumentException("model profile file " + file + ": " + message, cause);
  }
}
