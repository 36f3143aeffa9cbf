package dev.mstream.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.records.DeadLetterRecord;
import dev.mstream.records.DocumentChange;
import dev.mstream.records.RawRecord;
import dev.mstream.schemas.Document;
import dev.mstream.schemas.Operation;
import dev.mstream.schemas.codec.Codecs;
import dev.mstream.schemas.codec.Encoding;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DocumentDecoderTest {

  private static final InputLimits LIMITS = new InputLimits(100, 100, 100, 384, List.of(64, 384));

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void decodesValidRecordsAndDeadLettersTheRest(Encoding encoding) throws Exception {
    var codec = Codecs.of(Document.class, encoding);
    try (var h =
        new OneInputStreamOperatorTestHarness<>(
            new ProcessOperator<>(new DocumentDecoder(encoding, LIMITS)))) {
      h.open();
      h.processElement(raw("d1", codec.encode(doc("d1", "Title", "body", Operation.UPSERT))), 0);
      h.processElement(raw("d2", codec.encode(doc("d2", null, "x", Operation.DELETE))), 0);
      h.processElement(raw("d3", null), 0); // tombstone
      h.processElement(raw("d4", new byte[] {1, 2, 3}), 0);
      h.processElement(raw("d5", codec.encode(doc("d5", null, "   ", Operation.UPSERT))), 0);
      h.processElement(
          raw("d6", codec.encode(doc("d6", null, "y".repeat(101), Operation.UPSERT))), 0);
      h.processElement(raw("other", codec.encode(doc("d7", null, "z", Operation.UPSERT))), 0);
      h.processElement(raw(null, null), 0);

      List<DocumentChange> out = h.extractOutputValues();
      assertThat(out)
          .extracting(c -> c.id + ":" + c.kind)
          .containsExactly("d1:UPSERT", "d2:DELETE", "d3:DELETE");
      assertThat(out.get(0).text).isEqualTo("Title body");
      assertThat(out.get(0).namespace).isEqualTo("news");
      assertThat(out.get(0).attributes).containsEntry("lang", "en");

      ConcurrentLinkedQueue<StreamRecord<DeadLetterRecord>> dead =
          h.getSideOutput(DocumentDecoder.DEAD_LETTERS);
      assertThat(dead)
          .extracting(r -> r.getValue().reason)
          .containsExactly(
              encoding == Encoding.JSON ? "MALFORMED_JSON" : "MALFORMED_AVRO",
              "EMPTY_TEXT",
              "TEXT_TOO_LONG",
              "KEY_MISMATCH",
              "MISSING_KEY");
      DeadLetterRecord first = dead.peek().getValue();
      assertThat(first.source.value).containsExactly(1, 2, 3);
      assertThat(first.source.offset).isEqualTo(42);
      assertThat(first.message).isNotBlank();
    }
  }

  private static Document doc(String id, String title, String text, Operation op) {
    return Document.newBuilder()
        .setId(id)
        .setNamespace("news")
        .setTitle(title)
        .setText(text)
        .setOp(op)
        .setAttributes(Map.of("lang", "en"))
        .build();
  }

  private static RawRecord raw(String key, byte[] value) {
    return new RawRecord(
        "docs", 0, 42, 1000L, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
  }
}
