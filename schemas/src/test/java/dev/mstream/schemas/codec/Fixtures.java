package dev.mstream.schemas.codec;

import dev.mstream.schemas.DeadLetter;
import dev.mstream.schemas.Document;
import dev.mstream.schemas.Hit;
import dev.mstream.schemas.Operation;
import dev.mstream.schemas.Query;
import dev.mstream.schemas.QueryResult;
import dev.mstream.schemas.ResultStatus;
import dev.mstream.schemas.Timings;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** Sample records covering optional fields, enums, maps, arrays, nested records and bytes. */
final class Fixtures {

  static final Instant T0 = Instant.ofEpochMilli(1_700_000_000_000L);

  private Fixtures() {}

  static Document fullDocument() {
    return Document.newBuilder()
        .setId("d1")
        .setNamespace("news")
        .setTitle("Matryoshka")
        .setText("Nested dolls, nested embeddings.")
        .setAttributes(Map.of("lang", "en", "source", "rss"))
        .setOp(Operation.UPSERT)
        .setEventTime(T0)
        .build();
  }

  /** Only the required id and the text; everything else from the schema's defaults. */
  static Document minimalDocument() {
    return Document.newBuilder().setId("d2").setText("just text").build();
  }

  static Document deleteDocument() {
    return Document.newBuilder().setId("d3").setNamespace("news").setOp(Operation.DELETE).build();
  }

  static Document unicodeDocument() {
    return Document.newBuilder()
        .setId("d4")
        .setTitle("Grüße \"quoted\" \\ back")
        .setText("日本語 テキスト 👋 tab\tnewline\n")
        .setAttributes(Map.of("emoji", "🪆"))
        .build();
  }

  static Query fullQuery() {
    return Query.newBuilder()
        .setQueryId("q1")
        .setNamespace("news")
        .setText("nested dolls")
        .setK(5)
        .setDims(64)
        .setCandidates(200)
        .setFilter(Map.of("lang", "en"))
        .setEventTime(T0)
        .build();
  }

  static Query minimalQuery() {
    return Query.newBuilder().setQueryId("q2").setText("anything").build();
  }

  /** A query that brings its own vector and no text. */
  static Query vectorQuery() {
    return Query.newBuilder()
        .setQueryId("q5")
        .setK(3)
        .setVector(List.of(0.25f, -0.5f, 1.0f, Float.MIN_VALUE))
        .build();
  }

  static QueryResult okResult() {
    return QueryResult.newBuilder()
        .setQueryId("q1")
        .setStatus(ResultStatus.OK)
        .setHits(
            List.of(
                Hit.newBuilder()
                    .setDocId("d1")
                    .setScore(0.875f)
                    .setAttributes(Map.of("lang", "en"))
                    .build(),
                Hit.newBuilder().setDocId("d7").setScore(0.1f).setAttributes(Map.of()).build(),
                Hit.newBuilder()
                    .setDocId("d9")
                    .setScore(-0.25f)
                    .setAttributes(Map.of("a", "1", "b", "2"))
                    .build()))
        .setDimsUsed(64)
        .setCandidatesScanned(200L)
        .setIndexSize(12_345L)
        .setSubtasksAnswered(4)
        .setSubtasksExpected(4)
        .setTimings(Timings.newBuilder().setEmbedMs(1.25).setSearchMs(3.5).setTotalMs(12L).build())
        .build();
  }

  static QueryResult errorResult() {
    return QueryResult.newBuilder()
        .setQueryId("q3")
        .setStatus(ResultStatus.ERROR)
        .setError("query text is empty")
        .setTimings(Timings.newBuilder().build())
        .build();
  }

  static QueryResult partialResult() {
    return QueryResult.newBuilder()
        .setQueryId("q4")
        .setStatus(ResultStatus.PARTIAL)
        .setHits(
            List.of(Hit.newBuilder().setDocId("d2").setScore(1.0f).setAttributes(Map.of()).build()))
        .setSubtasksAnswered(3)
        .setSubtasksExpected(4)
        .setTimings(
            Timings.newBuilder().setEmbedMs(0.0).setSearchMs(250.0).setTotalMs(251L).build())
        .build();
  }

  static DeadLetter deadLetter() {
    return DeadLetter.newBuilder()
        .setReason(CodecException.MALFORMED_AVRO)
        .setMessage("not Avro single-object encoding")
        .setSourceTopic("docs")
        .setSourcePartition(3)
        .setSourceOffset(42L)
        .setKey(ByteBuffer.wrap(new byte[] {'d', '1'}))
        .setValue(ByteBuffer.wrap(new byte[] {(byte) 0xC3, 0x28, 0x00, (byte) 0xFF, 0x7F}))
        .setTimestamp(T0)
        .build();
  }

  static DeadLetter deadLetterWithoutKeyOrValue() {
    return DeadLetter.newBuilder()
        .setReason(CodecException.EMPTY_VALUE)
        .setMessage("empty")
        .setSourceTopic("queries")
        .setSourcePartition(0)
        .setSourceOffset(0L)
        .setTimestamp(T0)
        .build();
  }

  static List<SpecificRecord> all() {
    return List.of(
        fullDocument(),
        minimalDocument(),
        deleteDocument(),
        unicodeDocument(),
        fullQuery(),
        minimalQuery(),
        vectorQuery(),
        okResult(),
        errorResult(),
        partialResult(),
        deadLetter(),
        deadLetterWithoutKeyOrValue());
  }

  /** A codec for the record's own class, typed so that encode accepts it. */
  @SuppressWarnings("unchecked")
  static <T extends SpecificRecord> RecordCodec<T> codecFor(T record, Encoding encoding) {
    return Codecs.of((Class<T>) record.getClass(), encoding);
  }
}
