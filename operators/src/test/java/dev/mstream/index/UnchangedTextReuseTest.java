package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.embed.EmbedderOptions;
import dev.mstream.embed.EmbeddingModel;
import dev.mstream.embed.EmbeddingModelFactory;
import dev.mstream.embed.MicroBatchEmbedOperator;
import dev.mstream.embed.MicroBatchEmbedOperator.UnchangedTexts;
import dev.mstream.embed.ModelIdentity;
import dev.mstream.embed.ModelProfile;
import dev.mstream.embed.ModelProfiles;
import dev.mstream.embed.OnnxEmbeddingModelFactory;
import dev.mstream.embed.TextRole;
import dev.mstream.records.DocumentChange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The document embed operator and the index together, with the real default model (int8 MiniLM, one
 * text per inference so a text's vector never depends on its batch): indexing documents, then
 * re-publishing them unchanged, changing only their attributes or namespace, changing some texts,
 * deleting and re-inserting, leaves exactly the index — every stored field, vector bits included —
 * that embedding every upsert again leaves, while the model sees only the new texts.
 */
class UnchangedTextReuseTest {

  private static final ModelProfile PROFILE = ModelProfiles.defaultProfile();
  private static final AtomicInteger TEXTS_EMBEDDED = new AtomicInteger();

  private static final List<String> TEXTS =
      List.of(
          "A man is playing a guitar.",
          "The committee reviewed the quarterly budget and the hiring plan.",
          "Mitochondria produce most of the chemical energy of a cell.",
          "Heavy rain flooded the streets of the old town overnight.",
          "The new vaccine reduced hospital admissions by half.",
          "She solved the puzzle in under three minutes.",
          "Glaciers in the Alps have lost a third of their volume.",
          "The library opens at nine on weekdays.");

  /** Counts what the model is asked to embed, delegating to the real one. */
  static EmbeddingModelFactory counting(EmbeddingModelFactory real) {
    return () -> {
      EmbeddingModel model = real.create();
      return new EmbeddingModel() {
        @Override
        public ModelProfile profile() {
          return model.profile();
        }

        @Override
        public ModelIdentity identity() {
          return model.identity();
        }

        @Override
        public float[][] embed(List<String> texts, TextRole role) {
          TEXTS_EMBEDDED.addAndGet(texts.size());
          return model.embed(texts, role);
        }

        @Override
        public long truncatedTexts() {
          return model.truncatedTexts();
        }

        @Override
        public void close() {
          model.close();
        }
      };
    };
  }

  /** The input: every kind of update the skip must handle, in batches (one flush each). */
  static List<List<DocumentChange>> rounds() {
    List<List<DocumentChange>> rounds = new ArrayList<>();
    List<DocumentChange> first = new ArrayList<>();
    for (int i = 0; i < TEXTS.size(); i++) {
      first.add(DocumentChange.upsert("d" + i, "ns", TEXTS.get(i), Map.of("rev", "1"), 100 + i));
    }
    rounds.add(first);
    List<DocumentChange> republished = new ArrayList<>();
    for (int i = 0; i < TEXTS.size(); i++) {
      republished.add(
          DocumentChange.upsert("d" + i, "ns", TEXTS.get(i), Map.of("rev", "1"), 200 + i));
    }
    rounds.add(republished);
    List<DocumentChange> attributesOnly = new ArrayList<>();
    for (int i = 0; i < TEXTS.size(); i++) {
      attributesOnly.add(
          DocumentChange.upsert(
              "d" + i, i % 2 == 0 ? "ns" : "moved", TEXTS.get(i), Map.of("rev", "2"), 300 + i));
    }
    rounds.add(attributesOnly);
    rounds.add(
        List.of(
            DocumentChange.upsert("d0", "ns", TEXTS.get(0) + " Loudly.", Map.of(), 400),
            DocumentChange.upsert("d0", "ns", TEXTS.get(0) + " Loudly.", Map.of("x", "y"), 401),
            DocumentChange.delete("d1", 402),
            DocumentChange.upsert("d1", "ns", TEXTS.get(1), Map.of(), 403),
            DocumentChange.delete("d2", 404),
            DocumentChange.upsert("d3", "ns", TEXTS.get(4), Map.of(), 405)));
    return rounds;
  }

  /** Runs the input through embed → index; returns id → stored document, and texts embedded. */
  private static Map<String, StoredDocument> run(UnchangedTexts unchanged, List<Integer> perRound)
      throws Exception {
    ModelIdentity identity = ModelIdentity.of(PROFILE);
    EmbeddingModelFactory model =
        counting(
            new OnnxEmbeddingModelFactory(
                PROFILE, EmbedderOptions.defaults().withIntraOpThreads(1)));
    try (var embed =
            StateFixtures.embedHarness(
                new MicroBatchEmbedOperator<DocumentChange>(
                    model, TextRole.DOCUMENT, 1000, 10_000, identity, unchanged));
        var index =
            StateFixtures.indexHarness(
                new VectorIndexOperator(
                    IndexSettings.builder(identity.id(), 384).rotate(true).build()))) {
      embed.open();
      index.open();
      int forwarded = 0;
      for (List<DocumentChange> round : rounds()) {
        int before = TEXTS_EMBEDDED.get();
        for (DocumentChange c : round) {
          embed.processElement(copy(c), 0L);
        }
        embed.prepareSnapshotPreBarrier(0L);
        List<DocumentChange> out = embed.extractOutputValues();
        for (DocumentChange c : out.subList(forwarded, out.size())) {
          index.processElement1(c, 0L);
        }
        forwarded = out.size();
        perRound.add(TEXTS_EMBEDDED.get() - before);
      }
      VectorIndexOperator op = (VectorIndexOperator) index.getOperator();
      Map<String, StoredDocument> stored = new LinkedHashMap<>();
      for (int i = 0; i < TEXTS.size(); i++) {
        stored.put("d" + i, op.storedDocument("d" + i));
      }
      return stored;
    }
  }

  private static DocumentChange copy(DocumentChange c) {
    return c.kind == DocumentChange.Kind.DELETE
        ? DocumentChange.delete(c.id, c.eventTime)
        : DocumentChange.upsert(c.id, c.namespace, c.text, c.attributes, c.eventTime);
  }

  @Test
  void skippingLeavesTheIndexThatEmbeddingEverythingAgainLeaves() throws Exception {
    List<Integer> skippingCalls = new ArrayList<>();
    Map<String, StoredDocument> skipping = run(UnchangedTexts.SKIPPED, skippingCalls);
    List<Integer> embeddingCalls = new ArrayList<>();
    Map<String, StoredDocument> embedding = run(UnchangedTexts.EMBEDDED_AGAIN, embeddingCalls);

    // Full re-embed: every upsert. Skipping: the first round, then only texts that are new for
    // their id (d0's new text once, d1 re-inserted after its delete, d3's new text).
    assertThat(embeddingCalls).containsExactly(8, 8, 8, 4);
    assertThat(skippingCalls).containsExactly(8, 0, 0, 3);

    assertThat(skipping.get("d2")).isNull();
    assertThat(skipping).isEqualTo(embedding); // StoredDocument.equals compares the vector bits
    StoredDocument d5 = skipping.get("d5");
    assertThat(d5.namespace()).isEqualTo("moved");
    assertThat(d5.attributes()).containsEntry("rev", "2");
    assertThat(d5.version()).isEqualTo(3);
    assertThat(d5.eventTime()).isEqualTo(305);
    assertThat(d5.modelId()).isEqualTo(ModelIdentity.of(PROFILE).id());
  }
}
