package dev.mstream.jobs.guarantees;

import dev.mstream.chunk.ChunkTexts;
import dev.mstream.chunk.DocumentChunker;
import dev.mstream.chunk.DocumentChunks;
import dev.mstream.index.StoredDocument;
import dev.mstream.schemas.Document;
import dev.mstream.schemas.Operation;
import dev.mstream.schemas.codec.Codecs;
import dev.mstream.schemas.codec.Encoding;
import dev.mstream.schemas.codec.RecordCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A reproducible stream of document events — inserts, updates (of the text, of the attributes only,
 * or re-published unchanged), namespace moves (with a new text or the same one), DELETE records,
 * tombstones, deletes of ids that are not there, re-inserts after a delete — and the index state it
 * must leave behind, computed from the input alone: for every live id its namespace, attributes,
 * the fake model's vector of each of its chunks' texts and the chunks' offsets, content hash,
 * version (upserts since it was last deleted) and event time.
 *
 * <p>About one upsert in ten ({@link #generate}) has a long text that the job splits into chunks
 * (windows of {@link Rig#CHUNK_TOKENS} tokens): updates grow and shrink documents between one and
 * about ten chunks, so the comparison sees orphaned or missing chunks. The chunks a text must have
 * are planned with the job's own chunker and tokenizer; that the plan itself is right is tested in
 * the operators module.
 */
final class Corpus {

  static final String[] COLORS = {"red", "green", "blue"};
  private static final String[] WORDS = {
    "river", "stone", "violet", "engine", "harbor", "pencil", "cloud", "lantern", "orbit", "maple",
    "signal", "copper", "meadow", "falcon", "quartz", "thunder", "willow", "canyon", "ember", "tide"
  };

  /** One Kafka record of the documents topic; {@code value} null is a tombstone. */
  record Event(String key, byte[] value) {}

  /** What the index must hold for one id. */
  record Expected(
      String namespace,
      Map<String, String> attributes,
      String text,
      List<String> chunkTexts,
      int[] ranges,
      long version,
      long eventTime) {

    String canonical() {
      return canonical(HashEmbeddingModel.IDENTITY.id(), HashEmbeddingModel::vector);
    }

    /** As {@link HashEmbeddingModel#secondModel()} would have indexed it. */
    String canonicalOfSecondModel() {
      return canonical(HashEmbeddingModel.SECOND_IDENTITY.id(), HashEmbeddingModel::secondVector);
    }

    private String canonical(String modelId, Function<String, float[]> model) {
      float[][] vectors = new float[chunkTexts.size()][];
      for (int i = 0; i < vectors.length; i++) {
        vectors[i] = model.apply(chunkTexts.get(i));
      }
      return IndexState.canonical(
          namespace,
          attributes,
          vectors,
          ranges,
          modelId,
          StoredDocument.contentHash(text),
          version,
          eventTime);
    }

    int chunks() {
      return chunkTexts.size();
    }
  }

  final List<Event> events = new ArrayList<>();

  /** Live ids at the end, in first-insert order. */
  final Map<String, Expected> live = new LinkedHashMap<>();

  /** Ids that were indexed at some point and are deleted at the end. */
  final Set<String> deleted = new HashSet<>();

  /** Ids whose last upsert moved them to another namespace, with the namespace they left. */
  final Map<String, String> movedFrom = new HashMap<>();

  /**
   * A text of the last version of every deleted id (a chunk's, for a chunked one): a query with it
   * must not find the id.
   */
  final Map<String, String> deletedTexts = new HashMap<>();

  /**
   * For live ids that once had more chunks than now: the text of a chunk that is gone (a query with
   * it must not find the id with a score of 1).
   */
  final Map<String, String> goneChunkTexts = new HashMap<>();

  int upserts;
  int chunkedUpserts;
  int shrinks;

  /** Upserts that kept the id's text: re-published unchanged, attributes only, namespace only. */
  int unchangedTexts;

  int moves;
  int deleteRecords;
  int tombstones;
  int reinserts;

  private final RecordCodec<Document> codec;
  private final Random random;
  private final int namespaces;
  private final String idPrefix;
  private final long t0;
  private final int longPercent;
  private final DocumentChunker chunker;
  private final Map<String, Expected> current = new HashMap<>();
  private final Map<String, Long> versions = new HashMap<>();

  private Corpus(Encoding encoding, long seed, int namespaces, String idPrefix, int longPercent) {
    this.codec = Codecs.of(Document.class, encoding);
    this.random = new Random(seed);
    this.namespaces = namespaces;
    this.idPrefix = idPrefix;
    this.t0 = 1_700_000_000_000L + seed;
    this.longPercent = longPercent;
    this.chunker = Rig.chunker();
  }

  /**
   * {@code count} events over {@code ids} ids in {@code namespaces} namespaces: roughly 45% plain
   * updates (a third each: a new text, the same text with new attributes, the document re-published
   * exactly as it was), 20% namespace moves (half of them keeping the text), 15% DELETE records and
   * 15% tombstones of live ids, and a few deletes of ids that are not there; an id that is not live
   * is (re-)inserted.
   */
  static Corpus generate(
      Encoding encoding, long seed, int count, int ids, int namespaces, String idPrefix) {
    Corpus c = new Corpus(encoding, seed, namespaces, idPrefix, 10);
    for (int i = 0; i < count; i++) {
      c.next(i, c.idPrefix + c.random.nextInt(ids));
    }
    c.finish();
    return c;
  }

  /** Only inserts: {@code count} distinct ids, all short (one chunk each). */
  static Corpus inserts(Encoding encoding, long seed, int count, int namespaces, String idPrefix) {
    Corpus c = new Corpus(encoding, seed, namespaces, idPrefix, 0);
    for (int i = 0; i < count; i++) {
      c.upsert(i, c.idPrefix + i, c.randomNamespace(), null);
    }
    c.finish();
    return c;
  }

  private void next(int i, String id) {
    Expected now = current.get(id);
    int dice = random.nextInt(100);
    if (now == null) {
      if (dice < 3) {
        delete(i, id, dice % 2 == 0); // a delete of nothing: must change nothing
      } else {
        if (versions.containsKey(id)) {
          reinserts++;
        }
        upsert(i, id, randomNamespace(), null);
      }
    } else if (dice < 45) {
      switch (dice % 3) {
        case 0 -> upsert(i, id, now.namespace(), null);
        case 1 -> upsert(i, id, now.namespace(), null, now.text(), null); // attributes only
        default -> upsert(i, id, now.namespace(), null, now.text(), now.attributes()); // as it was
      }
    } else if (dice < 65) {
      String ns = randomNamespace();
      String text = dice % 2 == 0 ? now.text() : null; // half of the moves keep the text
      if (!ns.equals(now.namespace())) {
        moves++;
        upsert(i, id, ns, now.namespace(), text, null);
      } else {
        upsert(i, id, ns, null, text, null);
      }
    } else {
      delete(i, id, dice < 83);
    }
  }

  private void upsert(int i, String id, String ns, String movedFromNs) {
    upsert(i, id, ns, movedFromNs, null, null);
  }

  /**
   * @param keptText the id's current text, kept; null: a new one
   * @param keptAttributes the id's current attributes, kept; null: new ones
   */
  private void upsert(
      int i,
      String id,
      String ns,
      String movedFromNs,
      String keptText,
      Map<String, String> keptAttributes) {
    String text = keptText != null ? keptText : newText(i, id);
    if (keptText != null) {
      unchangedTexts++;
    }
    Map<String, String> attrs = new TreeMap<>();
    if (keptAttributes != null) {
      attrs.putAll(keptAttributes);
    } else {
      attrs.put("ns", ns);
      attrs.put("rev", Integer.toString(i));
      attrs.put("color", COLORS[random.nextInt(COLORS.length)]);
    }
    long eventTime = t0 + i;
    long version = current.containsKey(id) ? current.get(id).version() + 1 : 1;
    Document doc =
        Document.newBuilder()
            .setId(id)
            .setNamespace(ns)
            .setText(text)
            .setAttributes(new HashMap<>(attrs))
            .setOp(Operation.UPSERT)
            .setEventTime(Instant.ofEpochMilli(eventTime))
            .build();
    events.add(new Event(id, codec.encode(doc)));
    Expected previous = current.get(id);
    Expected now =
        previous != null && previous.text().equals(text)
            // the same text makes the same chunks (and the chunker is closed by republishAll's
            // time)
            ? new Expected(
                ns, attrs, text, previous.chunkTexts(), previous.ranges(), version, eventTime)
            : expected(ns, attrs, text, version, eventTime);
    current.put(id, now);
    if (now.chunks() > 1) {
      chunkedUpserts++;
    }
    if (previous != null && previous.chunks() > now.chunks()) {
      shrinks++;
      goneChunkTexts.put(id, previous.chunkTexts().get(previous.chunks() - 1));
    } else if (previous != null) {
      goneChunkTexts.remove(id);
    }
    versions.put(id, version);
    upserts++;
    if (movedFromNs != null) {
      movedFrom.put(id, movedFromNs);
    } else {
      movedFrom.remove(id);
    }
  }

  /**
   * A new text for revision {@code i} of {@code id}; about one in {@code 100 / longPercent} is
   * long: 30 to 180 words in sentences, now and then a paragraph break, below the fuzz test's
   * 2,000-byte limit.
   */
  private String newText(int i, String id) {
    StringBuilder b = new StringBuilder(id).append(" rev ").append(i);
    int words = random.nextInt(100) < longPercent ? 30 + random.nextInt(151) : 3;
    for (int w = 0; w < words; w++) {
      b.append(' ').append(WORDS[random.nextInt(WORDS.length)]);
      if (words > 3 && random.nextInt(12) == 0) {
        b.append(random.nextInt(4) == 0 ? ".\n\n" : ".");
      }
    }
    return b.toString();
  }

  private void delete(int i, String id, boolean asRecord) {
    if (asRecord) {
      Document doc =
          Document.newBuilder()
              .setId(id)
              .setOp(Operation.DELETE)
              .setEventTime(Instant.ofEpochMilli(t0 + i))
              .build();
      events.add(new Event(id, codec.encode(doc)));
      deleteRecords++;
    } else {
      events.add(new Event(id, null));
      tombstones++;
    }
    Expected gone = current.remove(id);
    if (gone != null) {
      deletedTexts.put(id, gone.chunkTexts().get(random.nextInt(gone.chunks())));
    }
    movedFrom.remove(id);
    goneChunkTexts.remove(id);
  }

  /** The chunks the job must make of {@code text}, as its chunker plans them. */
  private Expected expected(
      String ns, Map<String, String> attrs, String text, long version, long eventTime) {
    DocumentChunks chunks = chunker.split(text, 0);
    List<String> texts;
    int[] ranges;
    if (chunks.ranges() == null) {
      texts = List.of(text);
      ranges = new int[] {0, text.codePointCount(0, text.length())};
    } else {
      texts = ChunkTexts.of(text, chunks.ranges(), chunks.head());
      ranges = chunks.ranges();
    }
    return new Expected(ns, attrs, text, texts, ranges, version, eventTime);
  }

  private String randomNamespace() {
    return "ns-" + random.nextInt(namespaces);
  }

  private void finish() {
    // Keep first-insert order for stable sampling.
    for (Map.Entry<String, Long> e : versions.entrySet()) {
      Expected x = current.get(e.getKey());
      if (x == null) {
        deleted.add(e.getKey());
      }
    }
    List<String> ids = new ArrayList<>(current.keySet());
    ids.sort(String::compareTo);
    for (String id : ids) {
      live.put(id, current.get(id));
    }
    deletedTexts.keySet().retainAll(deleted);
    goneChunkTexts.keySet().retainAll(live.keySet());
    chunker.close();
  }

  /**
   * Appends an upsert of every live id with its current text and namespace: re-published exactly as
   * it is, or (with {@code newAttributes}) with new attributes only. Events {@code from}, {@code
   * from + 1}, ... in the event-time and revision numbering of this corpus.
   */
  void republishAll(int from, boolean newAttributes) {
    int i = from;
    for (Map.Entry<String, Expected> e : new ArrayList<>(live.entrySet())) {
      Expected now = e.getValue();
      upsert(
          i++,
          e.getKey(),
          now.namespace(),
          null,
          now.text(),
          newAttributes ? null : now.attributes());
    }
    live.clear();
    finish();
  }

  /** id → canonical form of what {@link HashEmbeddingModel#secondModel()} must have indexed. */
  Map<String, String> expectedIndexOfSecondModel() {
    Map<String, String> out = new TreeMap<>();
    live.forEach((id, e) -> out.put(id, e.canonicalOfSecondModel()));
    return out;
  }

  /** Live documents per namespace. */
  Map<String, Integer> namespaceSizes() {
    Map<String, Integer> sizes = new TreeMap<>();
    live.values().forEach(e -> sizes.merge(e.namespace(), 1, Integer::sum));
    return sizes;
  }

  /** id → canonical form of what the index must hold. */
  Map<String, String> expectedIndex() {
    Map<String, String> out = new TreeMap<>();
    live.forEach((id, e) -> out.put(id, e.canonical()));
    return out;
  }

  String summary() {
    return events.size()
        + " events: "
        + upserts
        + " upserts ("
        + unchangedTexts
        + " of them keeping the text, "
        + moves
        + " namespace moves, "
        + reinserts
        + " re-inserts after a delete), "
        + deleteRecords
        + " DELETE records, "
        + tombstones
        + " tombstones; "
        + chunkedUpserts
        + " upserts of several chunks, "
        + shrinks
        + " updates to fewer chunks; "
        + live.size()
        + " ids live at the end, "
        + deleted.size()
        + " deleted";
  }
}
