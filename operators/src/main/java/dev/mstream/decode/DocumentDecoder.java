package dev.mstream.decode;

import dev.mstream.records.DeadLetterRecord;
import dev.mstream.records.DocumentChange;
import dev.mstream.records.RawRecord;
import dev.mstream.schemas.Document;
import dev.mstream.schemas.Operation;
import dev.mstream.schemas.codec.CodecException;
import dev.mstream.schemas.codec.Codecs;
import dev.mstream.schemas.codec.Encoding;
import dev.mstream.schemas.codec.RecordCodec;
import dev.mstream.schemas.codec.Utf8Validation;
import java.nio.charset.StandardCharsets;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Kafka record → {@link DocumentChange}. A tombstone (null value) deletes the document named by its
 * key. Anything that cannot be turned into a valid change goes to {@link #DEAD_LETTERS} with its
 * reason; the job never fails on input.
 */
@Internal
public class DocumentDecoder extends ProcessFunction<RawRecord, DocumentChange> {

  private static final long serialVersionUID = 1L;

  public static final OutputTag<DeadLetterRecord> DEAD_LETTERS =
      new OutputTag<>("document-dead-letters") {};

  /** Counter: every record read from the documents topic, valid or not. */
  public static final String METRIC_DOCUMENTS_IN = "documentsIn";

  private final Encoding encoding;
  private final InputLimits limits;

  private transient RecordCodec<Document> codec;
  private transient DeadLetters deadLetters;
  private transient Counter documentsIn;

  public DocumentDecoder(Encoding encoding, InputLimits limits) {
    this.encoding = encoding;
    this.limits = limits;
  }

  @Override
  public void open(OpenContext openContext) {
    codec = Codecs.of(Document.class, encoding);
    deadLetters = new DeadLetters(getRuntimeContext());
    documentsIn = getRuntimeContext().getMetricGroup().counter(METRIC_DOCUMENTS_IN);
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<DocumentChange> out) {
    documentsIn.inc();
    try {
      out.collect(decode(raw));
    } catch (CodecException e) {
      deadLetters.reject(DEAD_LETTERS, ctx, raw, e.reason(), e.getMessage());
    } catch (Rejection e) {
      deadLetters.reject(DEAD_LETTERS, ctx, raw, e.reason(), e.getMessage());
    }
  }

  DocumentChange decode(RawRecord raw) throws CodecException, Rejection {
    if (raw.key != null && Utf8Validation.firstInvalidByte(raw.key, 0, raw.key.length) >= 0) {
      // Decoding would turn the bad bytes into U+FFFD: a tombstone would delete another id.
      throw new Rejection(CodecException.INVALID_UTF8, "record key is not valid UTF-8");
    }
    String key = raw.key == null ? null : new String(raw.key, StandardCharsets.UTF_8);
    if (raw.value == null) {
      if (key == null || key.isBlank()) {
        throw new Rejection(
            Rejection.MISSING_KEY, "tombstone without a key: cannot tell which document to delete");
      }
      return DocumentChange.delete(key, raw.timestamp);
    }
    Document doc = codec.decode(raw.value);
    String id = doc.getId();
    if (id == null || id.isBlank()) {
      throw new Rejection(Rejection.EMPTY_ID, "document id is empty");
    }
    // Updates of one id stay in order only if they share a partition, i.e. the key is the id.
    if (key != null && !key.equals(id)) {
      throw new Rejection(
          Rejection.KEY_MISMATCH,
          "record key '" + key + "' differs from document id '" + id + "'; key records by id");
    }
    long eventTime = doc.getEventTime() != null ? doc.getEventTime().toEpochMilli() : raw.timestamp;
    if (doc.getOp() == Operation.DELETE) {
      return DocumentChange.delete(id, eventTime);
    }
    String text = joinTitle(doc.getTitle(), doc.getText());
    if (text.isBlank()) {
      throw new Rejection(Rejection.EMPTY_TEXT, "document '" + id + "' has no text to embed");
    }
    int bytes = text.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > limits.maxTextBytes()) {
      throw new Rejection(
          Rejection.TEXT_TOO_LONG,
          "document '"
              + id
              + "' text is "
              + bytes
              + " bytes, above mstream.limits.max-text-bytes="
              + limits.maxTextBytes());
    }
    return DocumentChange.upsert(id, doc.getNamespace(), text, doc.getAttributes(), eventTime);
  }

  /** BEIR/MTEB convention: title and text joined with one space. */
  static String joinTitle(String title, String text) {
    String body = text == null ? "" : text;
    if (title == null || title.isBlank()) {
      return body;
    }
    return body.isEmpty() ? title : title + " " + body;
  }
}
