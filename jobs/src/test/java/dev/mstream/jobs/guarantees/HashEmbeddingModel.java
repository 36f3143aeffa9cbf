package dev.mstream.jobs.guarantees;

import dev.mstream.embed.EmbeddingModel;
import dev.mstream.embed.EmbeddingModelFactory;
import dev.mstream.embed.ModelIdentity;
import dev.mstream.embed.ModelProfile;
import dev.mstream.embed.TextRole;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake embedding model for the guarantee tests: a text's vector is drawn from a random generator
 * seeded by a hash of its UTF-8 bytes, L2-normalised, 384 dimensions. Deterministic in every JVM
 * (so a test can compute the exact vector the index must hold), independent of role and batch (a
 * query with a document's text finds it with score 1), and fast: tens of thousands of texts per
 * second, so the tests measure the pipeline, not ONNX.
 *
 * <p>{@link #slow} wraps it with a sleep per batch and per text, to build up backpressure.
 */
final class HashEmbeddingModel implements EmbeddingModel {

  static final int DIMENSION = 384;

  /** Describes the fake to the pipeline: 384 dims, no Matryoshka training (so: PCA rotation). */
  static final ModelProfile PROFILE =
      ModelProfile.builder("hash-384")
          .onnxModel("(none: test fake)")
          .tokenizer("(none: test fake)")
          .maxTokens(512)
          .dimension(DIMENSION)
          .matryoshka(false)
          .matryoshkaDims(List.of(32, 64, 128, DIMENSION))
          .build();

  /** The fake's model identity: its settings and the name of its recipe. */
  static final ModelIdentity IDENTITY = ModelIdentity.describing(PROFILE, "fnv-seeded random v1");

  /** A second fake model, of other vectors ({@link #secondModel()}), for model changes. */
  static final ModelIdentity SECOND_IDENTITY =
      ModelIdentity.describing(PROFILE, "fnv-seeded random v1, second model");

  private static final long SECOND_SALT = 0x5eed5eed5eed5eedL;

  /** Texts embedded by any instance in this JVM (replays after a failure included). */
  static final AtomicInteger TEXTS = new AtomicInteger();

  /** Largest batch any slow model instance in this JVM was asked to embed. */
  static final AtomicInteger LARGEST_SLOW_BATCH = new AtomicInteger();

  /** Texts embedded by slow model instances in this JVM (replays after a failure included). */
  static final AtomicInteger SLOW_TEXTS = new AtomicInteger();

  private final long sleepPerBatchMillis;
  private final long sleepPerTextMicros;
  private final long salt;

  private HashEmbeddingModel(long sleepPerBatchMillis, long sleepPerTextMicros, long salt) {
    this.sleepPerBatchMillis = sleepPerBatchMillis;
    this.sleepPerTextMicros = sleepPerTextMicros;
    this.salt = salt;
  }

  static EmbeddingModelFactory fast() {
    return () -> new HashEmbeddingModel(0, 0, 0);
  }

  static EmbeddingModelFactory slow(long sleepPerBatchMillis, long sleepPerTextMicros) {
    return () -> new HashEmbeddingModel(sleepPerBatchMillis, sleepPerTextMicros, 0);
  }

  /** Another model: other vectors for the same texts, another identity, same profile. */
  static EmbeddingModelFactory secondModel() {
    return () -> new HashEmbeddingModel(0, 0, SECOND_SALT);
  }

  /** The vector the fake gives {@code text}, as a test computes what the index must hold. */
  static float[] vector(String text) {
    return vector(text, 0);
  }

  /** The vector {@link #secondModel()} gives {@code text}. */
  static float[] secondVector(String text) {
    return vector(text, SECOND_SALT);
  }

  private static float[] vector(String text, long salt) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    long seed = 0xcbf29ce484222325L ^ salt;
    for (byte b : bytes) {
      seed ^= b & 0xFF;
      seed *= 0x100000001b3L;
    }
    SplittableRandom random = new SplittableRandom(seed);
    double[] v = new double[DIMENSION];
    double norm = 0;
    for (int i = 0; i < DIMENSION; i++) {
      v[i] = random.nextDouble() * 2 - 1;
      norm += v[i] * v[i];
    }
    double inv = 1 / Math.sqrt(norm);
    float[] out = new float[DIMENSION];
    for (int i = 0; i < DIMENSION; i++) {
      out[i] = (float) (v[i] * inv);
    }
    return out;
  }

  @Override
  public ModelProfile profile() {
    return PROFILE;
  }

  @Override
  public ModelIdentity identity() {
    return salt == 0 ? IDENTITY : SECOND_IDENTITY;
  }

  @Override
  public float[][] embed(List<String> texts, TextRole role) {
    TEXTS.addAndGet(texts.size());
    if (sleepPerBatchMillis > 0 || sleepPerTextMicros > 0) {
      LARGEST_SLOW_BATCH.accumulateAndGet(texts.size(), Math::max);
      SLOW_TEXTS.addAndGet(texts.size());
      long micros = sleepPerBatchMillis * 1000 + sleepPerTextMicros * texts.size();
      try {
        Thread.sleep(micros / 1000, (int) (micros % 1000) * 1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while pretending to embed", e);
      }
    }
    float[][] out = new float[texts.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = vector(texts.get(i), salt);
    }
    return out;
  }

  @Override
  public long truncatedTexts() {
    return 0;
  }

  @Override
  public void close() {}
}
