package dev.mstream.embed;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Which vector space a model's vectors live in: two models with the same fingerprint give a text
 * the same vector, two with different fingerprints give vectors that must never be compared.
 *
 * <p>The fingerprint is the first 64 bits of a SHA-256 over everything that changes the vectors:
 * the bytes of the ONNX file and of the tokenizer file, the pooling, normalisation, dimension,
 * token limit and the query and document prefixes (plus {@link #FORMAT}, which names how the
 * embedder's own code turns those into vectors). It leaves out what does not: the profile's name (a
 * label: renaming a profile file, or copying a built-in profile into one, keeps the model), the
 * Matryoshka dims and query defaults (how the index uses the vectors), the execution provider and
 * batching (numeric noise within one space, see {@link ModelProfile#batchDependent()}).
 *
 * <p>Computing it reads both files once: 0.8 s for the 23 MB int8 MiniLM, 1.4 s for the 90 MB fp32
 * one, measured by {@code ModelIdentityTest} on a 2-core machine at load average 14, most of it
 * inflating the file out of its jar. {@link OnnxEmbeddingModel} does it once when it opens, the
 * job's {@code main()} once from the profile.
 *
 * @param name the profile name, for messages
 * @param fingerprint 16 lower-case hex digits
 */
public record ModelIdentity(String name, String fingerprint) implements Serializable {

  /**
   * Version of the recipe from files and settings to vectors. Bump it when a change to the
   * embedder's code (tokenizer options, pooling, normalisation) changes the vectors of the same
   * files, so that indexes built before refuse to mix with vectors computed after.
   */
  public static final String FORMAT = "mstream-model-fingerprint/1";

  private static final HexFormat HEX = HexFormat.of();

  public ModelIdentity {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(fingerprint, "fingerprint");
    if (fingerprint.length() != 16 || !fingerprint.chars().allMatch(HexFormat::isHexDigit)) {
      throw new IllegalArgumentException(
          "model fingerprint must be 16 hex digits, was '" + fingerprint + "'");
    }
    fingerprint = fingerprint.toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * The identity of the model a profile describes: reads its ONNX and tokenizer files.
   *
   * @throws EmbeddingException naming the profile when a file cannot be read
   */
  public static ModelIdentity of(ModelProfile profile) {
    return of(
        profile,
        digest(profile, ModelFile.onnxModel(profile)),
        digest(profile, ModelFile.tokenizer(profile)));
  }

  /**
   * The identity of a model that is not made of a profile's files (a test's fake): its settings and
   * a label that stands for its weights and tokenizer. Change the label when the fake's vectors
   * change.
   */
  public static ModelIdentity describing(ModelProfile profile, String weights) {
    byte[] label = sha256().digest(weights.getBytes(StandardCharsets.UTF_8));
    return of(profile, label, label);
  }

  static ModelIdentity of(ModelProfile profile, byte[] onnxDigest, byte[] tokenizerDigest) {
    MessageDigest sha = sha256();
    update(sha, FORMAT);
    sha.update(onnxDigest);
    sha.update(tokenizerDigest);
    update(sha, profile.pooling().name());
    update(sha, Integer.toString(profile.maxTokens()));
    update(sha, profile.queryPrefix());
    update(sha, profile.documentPrefix());
    update(sha, Integer.toString(profile.dimension()));
    update(sha, Boolean.toString(profile.normalize()));
    byte[] full = sha.digest();
    return new ModelIdentity(profile.name(), HEX.formatHex(full, 0, 8));
  }

  /**
   * Parses {@link #id()}; null for a string without a fingerprint (a model id written before
   * fingerprints existed: the bare profile name).
   */
  public static ModelIdentity parse(String id) {
    if (id == null) {
      return null;
    }
    int at = id.lastIndexOf('@');
    if (at <= 0 || id.length() - at - 1 != 16) {
      return null;
    }
    try {
      return new ModelIdentity(id.substring(0, at), id.substring(at + 1));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * Whether two model ids (as {@link #id()} writes them) name the same model: same fingerprint when
   * both have one (the names may differ), else the same string.
   */
  public static boolean sameModel(String a, String b) {
    ModelIdentity x = parse(a);
    ModelIdentity y = parse(b);
    return x != null && y != null ? x.sameModel(y) : Objects.equals(a, b);
  }

  /** Same fingerprint: the names may differ. */
  public boolean sameModel(ModelIdentity other) {
    return other != null && fingerprint.equals(other.fingerprint);
  }

  /** The fingerprint as a number, for compact state. */
  public long fingerprintBits() {
    return HexFormat.fromHexDigitsToLong(fingerprint);
  }

  /** {@code name@fingerprint}: how the index stores it, and how messages show it. */
  public String id() {
    return name + "@" + fingerprint;
  }

  @Override
  public String toString() {
    return id();
  }

  private static byte[] digest(ModelProfile profile, ModelFile file) {
    MessageDigest sha = sha256();
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = file.open()) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha.update(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new EmbeddingException(
          "model profile '"
              + profile.name()
              + "': cannot read its files to fingerprint the model: "
              + e.getMessage(),
          e);
    }
    return sha.digest();
  }

  /** Length-prefixed, so that ("ab", "c") and ("a", "bc") differ. */
  private static void update(MessageDigest sha, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    sha.update(
        new byte[] {
          (byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16),
          (byte) (bytes.length >>> 8), (byte) bytes.length
        });
    sha.update(bytes);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
