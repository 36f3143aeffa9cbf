package dev.mstream.embed;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The model profiles that ship with the project, by name. */
public final class ModelProfiles {
  /** The int8 all-MiniLM-L6-v2: about twice as fast as fp32 on CPU. */
  public static final String DEFAULT = "all-minilm-l6-v2-q";

  private static final Map<String, ModelProfile> BUILT_IN = new LinkedHashMap<>();

  static {
    register(miniLm("all-minilm-l6-v2-q"));
    register(miniLm("all-minilm-l6-v2"));
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

  private static void register(ModelProfile profile) {
    BUILT_IN.put(profile.name(), profile);
  }

  /**
   * all-MiniLM-L6-v2 as packaged in the langchain4j model jars (files at the jar root). maxTokens
   * 256 is what sentence-transformers uses for this model, although the bundled tokenizer.json says
   * 128; the model was not trained with Matryoshka loss, so its prefixes need a rotation.
   */
  private static ModelProfile miniLm(String name) {
    return ModelProfile.builder(name)
        .onnxModel(name + ".onnx")
        .tokenizer(name + "-tokenizer.json")
        .pooling(Pooling.MEAN)
        .maxTokens(256)
        .queryPrefix("")
        .documentPrefix("")
        .dimension(384)
        .normalize(true)
        .matryoshka(false)
        .batchDependent(name.endsWith("-q"))
        .matryoshkaDims(List.of(32, 64, 128, 256, 384))
        .build();
  }
}
