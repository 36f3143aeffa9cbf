package dev.mstream.decode;

import dev.mstream.chunk.DocumentChunker;
import dev.mstream.chunk.DocumentChunks;
import dev.mstream.chunk.OverChunkLimit;
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
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Kafka record → {@link DocumentChange}. A tombstone (null value) deletes the document named by its
 * key. Anything that cannot be turned into a valid change goes to {@link #DEAD_LETTERS} with its
 * reason; the job never fails on input.
 *
 * <p>With a {@link DocumentChunker}, a document longer than one model window is also split into
 * chunks here, where a document over the chunk limit can still be dead-lettered byte for byte.
 */
@Internal
public class DocumentDecoder extends ProcessFunction<RawRecord, DocumentChange> {

  private static final long serialVersionUID = 1L;

  public static final OutputTag<DeadLetterRecord> DEAD_LETTERS =
      new OutputTag<>("document-dead-letters") {};

  /** Counter: every record read from the documents topic, valid or not. */
  public static final String METRIC_DOCUMENTS_IN = "documentsIn";

  /** Histogram: chunks of each upserted document (1 for a document that fits one window). */
  public static final String METRIC_CHUNKS_PER_DOCUMENT = "chunksPerDocument";

  /** Counter: documents that needed more than mstream.chunk.max-chunks chunks. */
  public static final String METRIC_DOCUMENTS_OVER_CHUNK_LIMIT = "documentsOverChunkLimit";

  private final Encoding encoding;
  private final InputLimits limits;

  /** Null: no chunking, every document is one text. */
  private final DocumentChunker chunker;

  private transient RecordCodec<Document> codec;
  private transient DeadLetters deadLetters;
  private transient Counter documentsIn;
  private transient Histogram chunksPerDocument;
  private transient Counter overChunkLimit;

  public DocumentDecoder(Encoding encoding, InputLimits limits) {
    this(encoding, limits, null);
  }

  /**
   * @param chunker splits long documents; null for none
   */
  public DocumentDecoder(Encoding encoding, InputLimits limits, DocumentChunker chunker) {
    this.encoding = encoding;
    this.limits = limits;
    this.chunker = chunker;
  }

  @Override
  public void open(OpenContext openContext) throws Exception {
    codec = Codecs.of(Document.class, encoding);
    deadLetters = new DeadLetters(getRuntimeContext());
    var metrics = getRuntimeContext().getMetricGroup();
    documentsIn = metrics.counter(METRIC_DOCUMENTS_IN);
    chunksPerDocument =
        metrics.histogram(METRIC_CHUNKS_PER_DOCUMENT, new DescriptiveStatisticsHistogram(1024));
    overChunkLimit = metrics.counter(METRIC_DOCUMENTS_OVER_CHUNK_LIMIT);
    if (chunker != null) {
      chunker.open();
    }
  }

  @Override
  public void close() throws Exception {
    try {
      if (chunker != null) {
        chunker.close();
      }
    } finally {
      super.close();
    }
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
    DocumentChange change =
        DocumentChange.upsert(
            id, doc.getNamespace(), doc.getTitle(), doc.getText(), doc.getAttributes(), eventTime);
    String text = change.text;
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
    if (chunker != null) {
      split(change);
    }
    return change;
  }

  private void split(DocumentChange change) throws Rejection {
    DocumentChunks chunks = chunker.split(change.text, change.titleLength);
    if (chunks.leftOver()) {
      overChunkLimit.inc();
      if (chunker.settings().overLimit() == OverChunkLimit.DEAD_LETTER) {
        throw new Rejection(
            Rejection.TOO_MANY_CHUNKS,
            "document '"
                + change.id
                + "' needs more than mstream.chunk.max-chunks="
                + chunker.settings().maxChunks()
                + " chunks of "
                + chunker.window()
                + " tokens (mstream.chunk.over-limit=DEAD_LETTER; TRUNCATE indexes the first ones)");
      }
    }
    chunksPerDocument.update(chunks.count());
    change.chunks = chunks.ranges();
    change.chunkHead = chunks.head();
  }
}
