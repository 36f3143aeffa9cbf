package dev.mstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.jobs.client.DocumentPublisher;
import dev.mstream.jobs.client.QueryClient;
import dev.mstream.jobs.local.LocalClients;
import dev.mstream.jobs.local.LocalRunner;
import dev.mstream.schemas.ChunkAggregation;
import dev.mstream.schemas.Document;
import dev.mstream.schemas.Hit;
import dev.mstream.schemas.Operation;
import dev.mstream.schemas.Query;
import dev.mstream.schemas.QueryResult;
import dev.mstream.schemas.ResultStatus;
import dev.mstream.schemas.codec.Encoding;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Long documents through the whole job with the bundled model (256-token windows): each document is
 * filler text followed, far past the first window, by a paragraph on its own topic. A question
 * about that topic finds the document first, names the chunk it is in and where (code point offsets
 * into the document's text, which holds emoji), and carries the passage; an update that shortens a
 * document and a delete replace and remove all of its chunks; k counts documents.
 */
class LongDocumentsITCase {

  private static final int PARALLELISM = 2;

  @RegisterExtension
  @Order(1)
  static final MiniClusterExtension FLINK = MiniClusters.of(1, PARALLELISM);

  @RegisterExtension
  @Order(2)
  static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension(PARALLELISM);

  /** Topic paragraph and a question about it, one per document. */
  private static final String[][] TOPICS = {
    {
      "Volcanoes erupt when magma rises through the crust. Pressure from dissolved gases drives"
          + " lava and ash out of the vent, and pyroclastic flows race down the slopes.",
      "what makes a volcano erupt with lava and ash"
    },
    {
      "A submarine dives by flooding its ballast tanks with seawater and surfaces by blowing"
          + " them out with compressed air; hydroplanes trim its depth underway.",
      "how does a submarine dive and surface"
    },
    {
      "Sourdough bread rises because wild yeast and lactic acid bacteria in the starter ferment"
          + " the flour, producing carbon dioxide that the gluten network traps.",
      "why does sourdough bread rise"
    },
    {
      "In chess, castling moves the king two squares towards a rook and places the rook on the"
          + " square the king crossed, if neither has moved and no square is attacked.",
      "rules for castling the king in chess"
    },
    {
      "Photosynthesis in chloroplasts turns sunlight, water and carbon dioxide into glucose and"
          + " oxygen; chlorophyll absorbs mostly red and blue light.",
      "how do plants make sugar from sunlight"
    },
    {
      "Geostationary satellites orbit 35,786 kilometres above the equator, so they circle the"
          + " Earth once a day and appear fixed in the sky to antennas on the ground.",
      "why do some satellites stay fixed above one spot"
    },
  };

  @Test
  void answersWithDocumentsAndThePassageThatMatchedFarPastTheFirstWindow(@TempDir Path dir)
      throws Exception {
    Configuration options = new Configuration();
    options.set(MStreamOptions.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers());
    options.set(MStreamOptions.ENCODING, Encoding.JSON);
    options.set(MStreamOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1));
    options.set(MStreamOptions.CHECKPOINT_DIR, dir.resolve("checkpoints").toUri().toString());
    options.set(MStreamOptions.GROUP_ID, "it-long");
    options.set(MStreamOptions.KEEP_TEXT_BYTES, 1 << 16);
    LocalRunner.createTopics(KAFKA.get(), PARALLELISM, options);

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(PARALLELISM);
    MStreamJob.configure(env, options);
    MStreamPipeline.build(env, options);
    JobClient job = env.executeAsync("mstream-long-it");
    try (LocalClients clients = LocalClients.open(KAFKA.bootstrapServers(), options)) {
      Map<String, String> texts = new LinkedHashMap<>();
      DocumentPublisher publisher = clients.documents();
      for (int d = 0; d < TOPICS.length; d++) {
        String text = filler(d) + "\n\nEmoji 😀 and café mark this spot 🪆.\n\n" + TOPICS[d][0];
        texts.put("long-" + d, text);
        publisher.publish(document("long-" + d, text));
      }
      publisher.flush();
      awaitIndexed(options);

      QueryClient client = clients.queries();
      for (int d = 0; d < TOPICS.length; d++) {
        QueryResult r = ask(client, "q-" + d, TOPICS[d][1], 3, null);
        assertThat(r.getIndexSize()).isEqualTo(TOPICS.length);
        assertThat(r.getHits()).hasSize(3);
        Hit first = r.getHits().get(0);
        assertThat(first.getDocId()).as("first hit for '%s'", TOPICS[d][1]).isEqualTo("long-" + d);
        assertThat(first.getChunkCount()).isGreaterThan(2);
        assertThat(first.getChunk()).isEqualTo(first.getChunkCount() - 1);
        assertThat(first.getPassage()).contains(TOPICS[d][0]);
        int[] codePoints = texts.get("long-" + d).codePoints().toArray();
        String byOffsets =
            new String(
                codePoints, first.getChunkStart(), first.getChunkEnd() - first.getChunkStart());
        assertThat(byOffsets).isEqualTo(first.getPassage());
      }
      // k counts documents, and a document is answered once however many chunks match.
      QueryResult all = ask(client, "q-all", "a retired pilot repaired the broken clock", 5, null);
      assertThat(all.getHits()).hasSize(5);
      assertThat(all.getHits().stream().map(Hit::getDocId).distinct()).hasSize(5);
      QueryResult sum =
          ask(
              client,
              "q-sum",
              "a retired pilot repaired the broken clock",
              5,
              ChunkAggregation.SUM);
      assertThat(sum.getHits().stream().map(Hit::getDocId).distinct()).hasSize(5);

      // Shrink long-0 to its topic paragraph alone, delete long-1: all their old chunks go.
      publisher.publish(document("long-0", TOPICS[0][0]));
      publisher.publish(Document.newBuilder().setId("long-1").setOp(Operation.DELETE).build());
      publisher.flush();
      awaitIndexed(options);
      QueryResult shrunk = ask(client, "q-shrunk", TOPICS[0][1], 10, null);
      assertThat(shrunk.getIndexSize()).isEqualTo(TOPICS.length - 1);
      Hit zero = shrunk.getHits().get(0);
      assertThat(zero.getDocId()).isEqualTo("long-0");
      assertThat(zero.getChunkCount()).isEqualTo(1);
      assertThat(zero.getPassage()).isEqualTo(TOPICS[0][0]);
      assertThat(ask(client, "q-deleted", TOPICS[1][1], 10, null).getHits())
          .extracting(Hit::getDocId)
          .doesNotContain("long-1");
    } finally {
      job.cancel().get();
    }
  }

  /** About 40 sentences: several windows of text before the topic paragraph. */
  private static String filler(int d) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      b.append(Sentences.sentence(d * 97 + i * 13)).append(i % 8 == 7 ? "\n\n" : " ");
    }
    return b.toString().trim();
  }

  private static void awaitIndexed(Configuration options) throws Exception {
    TestKafka.awaitConsumed(
        KAFKA.bootstrapServers(),
        options.get(MStreamOptions.GROUP_ID),
        options.get(MStreamOptions.DOCUMENTS_TOPIC),
        Duration.ofMinutes(3));
  }

  private static QueryResult ask(
      QueryClient client, String id, String text, int k, ChunkAggregation aggregation) {
    client.send(
        Query.newBuilder()
            .setQueryId(id)
            .setText(text)
            .setK(k)
            .setChunkAggregation(aggregation)
            .setEventTime(Instant.now())
            .build());
    client.flush();
    QueryResult r = client.await(List.of(id), Duration.ofMinutes(1)).get(id);
    assertThat(r).as("answer to %s", id).isNotNull();
    assertThat(r.getStatus()).isEqualTo(ResultStatus.OK);
    return r;
  }

  private static Document document(String id, String text) {
    return Document.newBuilder()
        .setId(id)
        .setText(text)
        .setAttributes(Map.of("kind", "long"))
        .setEventTime(Instant.now())
        .build();
  }
}
