package dev.mstream.embed;

import java.nio.file.Paths;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The model profiles that ship with the project, by name, and {@link #resolve(String)}: what {@code
 * mstream.model} names, a built-in profile or a user's profile file.
 *
 * <p>Each built-in profile's files live at the root of a Maven Central jar (see {@link
 * #artifact(String)}). The default {@code mstream.jar} carries the two all-MiniLM-L6-v2 jars; the
 * bge and e5 jars are added by the Maven profile {@value #ALL_MODELS_MAVEN_PROFILE}.
 */
public final class ModelProfiles {
  /** The int8 all-MiniLM-L6-v2: about twice as fast as fp32 on CPU. */
  public static final String DEFAULT = "all-minilm-l6-v2-q";

  /** The Maven profile that adds the model jars left out of the default build. */
  public static final String ALL_MODELS_MAVEN_PROFILE = "all-models";

  /** Query instruction of bge-small-en-v1.5 for retrieval (its model card; none for passages). */
  public static final String BGE_QUERY_INSTRUCTION =
      "Represent this sentence for searching relevant passages: ";

  private static final String MINILM_VERSION = "1.19.0-beta29";
  private static final String V036 = "0.36.2";

  private static final Map<String, ModelProfile> BUILT_IN = new LinkedHashMap<>();
  private static final Map<String, String> ARTIFACTS = new LinkedHashMap<>();
  private static final Set<String> IN_DEFAULT_BUILD =
      Set.of("all-minilm-l6-v2-q", "all-minilm-l6-v2");

  static {
    register(miniLm("all-minilm-l6-v2-q"), "all-minilm-l6-v2-q", MINILM_VERSION);
    register(miniLm("all-minilm-l6-v2"), "all-minilm-l6-v2", MINILM_VERSION);
    register(bge("bge-small-en-v1.5"), "bge-small-en-v15", V036);
    register(bge("bge-small-en-v1.5-q"), "bge-small-en-v15-q", V036);
    register(e5("e5-small-v2"), "e5-small-v2", V036);
    register(e5("e5-small-v2-q"), "e5-small-v2-q", V036);
  }

  private ModelProfiles() {}

  /**
   * @throws IllegalArgumentException for an unknown name, listing the known ones
   */
  public static ModelProfile builtIn(String name) {
    ModelProfile profile = name == null ? null : BUILT_IN.get(name);
    if (profile == null) {
      throw new IllegalArgumentException(
          "unknown model profile '" + name + "'; known profiles: " + String.join(", ", names()));
    }
    return profile;
  }

  public static ModelProfile defaultProfile() {
    return builtIn(DEFAULT);
  }

  /** Built-in profile names, default first. */
  public static Set<String> names() {
    return Collections.unmodifiableSet(BUILT_IN.keySet());
  }

  /**
   * What {@code mstream.model} names: a built-in profile, or a profile file ({@code .json}, {@code
   * .yaml} or {@code .yml}, see {@link ModelProfileFile}). Either way the model and tokenizer files
   * must be there, so that a missing jar or a wrong path fails at start-up, not in a task.
   *
   * @throws IllegalArgumentException naming the unknown profile, or the setting that is missing or
   *     wrong, or the file that is absent (and for a built-in profile, which jar provides it)
   */
  public static ModelProfile resolve(String nameOrFile) {
    if (nameOrFile == null || nameOrFile.isBlank()) {
      throw new IllegalArgumentException(
          "no model profile given: name a built-in profile ("
              + String.join(", ", names())
              + ") or a profile file (.json, .yaml, .yml)");
    }
    String lower = nameOrFile.toLowerCase(Locale.ROOT);
    ModelProfile profile =
        lower.endsWith(".json") || lower.endsWith(".yaml") || lower.endsWith(".yml")
            ? ModelProfileFile.load(Paths.get(nameOrFile))
            : builtIn(nameOrFile.trim());
    requireFiles(profile);
    return profile;
  }

  /**
   * Checks that the profile's ONNX model and tokenizer can be found (as files or classpath
   * resources).
   *
   * @throws IllegalArgumentException naming the setting, where it looked and, for a built-in
   *     profile, the Maven artifact (and Maven profile) that provides the files
   */
  public static void requireFiles(ModelProfile profile) {
    for (ModelFile file : List.of(ModelFile.onnxModel(profile), ModelFile.tokenizer(profile))) {
      String problem = file.missing();
      if (problem == null) {
        continue;
      }
      StringBuilder msg =
          new StringBuilder("model profile '").append(profile.name()).append("': ").append(problem);
      String artifact = ARTIFACTS.get(profile.name());
      if (artifact != null && BUILT_IN.get(profile.name()).equals(profile)) {
        msg.append(". The files of this built-in profile come from the jar ").append(artifact);
        if (IN_DEFAULT_BUILD.contains(profile.name())) {
          msg.append(", which mstream.jar normally carries: is it on the classpath?");
        } else {
          msg.append(", which the default build leaves out (size): build with the Maven profile '")
              .append(ALL_MODELS_MAVEN_PROFILE)
              .append("' (mvn -B package -DskipTests -P")
              .append(ALL_MODELS_MAVEN_PROFILE)
              .append(") or put that jar on the classpath");
        }
      }
      throw new IllegalArgumentException(msg.toString());
    }
  }

  /**
   * The Maven coordinates (groupId:artifactId:version) of the jar holding a built-in profile's
   * files, or null for a name that is not built in.
   */
  public static String artifact(String name) {
    return ARTIFACTS.get(name);
  }

  private static void register(ModelProfile profile, String artifactSuffix, String version) {
    BUILT_IN.put(profile.name(), profile);
    ARTIFACTS.put(
        profile.name(), "dev.langchain4j:langchain4j-embeddings-" + artifactSuffix + ":" + version);
  }

  /**
   * all-MiniLM-L6-v2 as packaged in the langchain4j model jars: mean pooling, no prefixes.
   * maxTokens 256 is what sentence-transformers uses for this model, although the bundled
   * tokenizer.json says 128.
   */
  private static ModelProfile miniLm(String name) {
    return small384(name, Pooling.MEAN, 256, "", "");
  }

  /**
   * BAAI bge-small-en-v1.5 (ONNX export by Xenova, as packaged by langchain4j 0.36.2): the [CLS]
   * vector; queries get the retrieval instruction, passages nothing; 512 tokens.
   */
  private static ModelProfile bge(String name) {
    return small384(name, Pooling.CLS, 512, BGE_QUERY_INSTRUCTION, "");
  }

  /**
   * intfloat e5-small-v2 (ONNX export by Xenova, as packaged by langchain4j 0.36.2): mean pooling,
   * "query: " and "passage: " prefixes as its model card requires; 512 tokens.
   */
  private static ModelProfile e5(String name) {
    return small384(name, Pooling.MEAN, 512, "query: ", "passage: ");
  }

  /**
   * What every built-in profile shares: the ONNX model and tokenizer at the root of its jar, named
   * after the profile; 384 normalised dimensions from a model not trained with Matryoshka loss (its
   * prefixes need a rotation, see {@code mstream.index.rotate}). The {@code -q} variants are the
   * int8 exports, whose dynamic activation scales make a vector depend on its batch.
   */
  private static ModelProfile small384(
      String name, Pooling pooling, int maxTokens, String queryPrefix, String documentPrefix) {
    return ModelProfile.builder(name)
        .onnxModel(name + ".onnx")
        .tokenizer(name + "-tokenizer.json")
        .pooling(pooling)
        .maxTokens(maxTokens)
        .queryPrefix(queryPrefix)
        .documentPrefix(documentPrefix)
        .dimension(384)
        .normalize(true)
        .matryoshka(false)
        .batchDependent(name.endsWith("-q"))
        .matryoshkaDims(List.of(16, 32, 64, 128, 256, 384))
        .build();
  }
}
