package dev.mstream.jobs.guarantees;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.index.IndexFit;
import dev.mstream.index.IndexFitSerializer;
import dev.mstream.index.PrefixEntry;
import dev.mstream.index.PrefixEntrySerializer;
import dev.mstream.index.PrefixIndex;
import dev.mstream.index.StoredDocument;
import dev.mstream.index.StoredDocumentSerializer;
import dev.mstream.index.VectorIndexOperator;
import dev.mstream.jobs.MStreamPipeline;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

/**
 * The index as it is stored: every document in the keyed RocksDB state of the index operator, read
 * out of a savepoint with Flink's State Processor API (the union over all subtasks), in a canonical
 * text form that a test can compare with what the input says it must be — a long document with all
 * its chunks, which live under its key.
 */
final class IndexState {

  /** Marks a line that says one prefix entry was checked against its fit. */
  private static final String CHECKED = "\u0000checked\t";

  private IndexState() {}

  /**
   * One line per document: namespace, sorted attributes, the number of chunks, a 64-bit checksum of
   * the exact bits of every chunk's vector, the chunks' offsets, model id, content hash, version
   * and event time.
   */
  static String canonical(
      String namespace,
      Map<String, String> attributes,
      float[][] vectors,
      int[] ranges,
      String modelId,
      long contentHash,
      long version,
      long eventTime) {
    long h = 0;
    for (float[] v : vectors) {
      h = h * 31 + checksum(v);
    }
    return "ns="
        + namespace
        + " attrs="
        + new TreeMap<>(attributes)
        + " chunks="
        + vectors.length
        + " vectors="
        + Long.toHexString(h)
        + "/"
        + vectors[0].length
        + " ranges="
        + Arrays.toString(ranges)
        + " model="
        + modelId
        + " content="
        + Long.toHexString(contentHash)
        + " v"
        + version
        + " t="
        + eventTime;
  }

  static long checksum(float[] vector) {
    long h = 0xcbf29ce484222325L;
    for (float f : vector) {
      int bits = Float.floatToRawIntBits(f);
      for (int i = 0; i < 4; i++) {
        h ^= (bits >>> (8 * i)) & 0xFF;
        h *= 0x100000001b3L;
      }
    }
    return h;
  }

  /** id → canonical form of every document in the savepoint's index state. */
  static Map<String, String> read(String savepointPath) throws Exception {
    return read(savepointPath, new long[1]);
  }

  /**
   * As {@link #read(String)}; also checks every prefix entry made under one of the savepoint's fits
   * (operator state {@code fit}): its code and inverted-file list must be what that fit gives the
   * document's stored vector, else its line is marked {@code FIT-MISMATCH}. Entries under no stored
   * fit (written by a refit that had not been swapped in) are re-encoded on restore and not
   * checked. {@code checked[0]} receives how many entries were checked.
   */
  static Map<String, String> read(String savepointPath, long[] checked) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    SavepointReader savepoint =
        SavepointReader.read(env, savepointPath, new EmbeddedRocksDBStateBackend());
    List<IndexFit> fits = new ArrayList<>();
    try (CloseableIterator<IndexFit> it =
        savepoint
            .readUnionState(
                OperatorIdentifier.forUid(MStreamPipeline.UID_INDEX),
                VectorIndexOperator.STATE_FIT,
                TypeInformation.of(IndexFit.class),
                IndexFitSerializer.INSTANCE)
            .executeAndCollect("read index fits")) {
      it.forEachRemaining(fits::add);
    }
    Map<String, String> out = new TreeMap<>();
    try (CloseableIterator<String> lines =
        savepoint
            .readKeyedState(
                OperatorIdentifier.forUid(MStreamPipeline.UID_INDEX),
                new Reader(fits),
                Types.STRING,
                Types.STRING)
            .executeAndCollect("read index state")) {
      while (lines.hasNext()) {
        String line = lines.next();
        if (line.startsWith(CHECKED)) {
          checked[0]++;
          continue;
        }
        int tab = line.indexOf('\t');
        String id = line.substring(0, tab);
        assertThat(out.put(id, line.substring(tab + 1))).as("id %s read twice", id).isNull();
      }
    }
    return out;
  }

  /**
   * Compares the stored index with the expected one and fails with counts and examples of each kind
   * of difference: lost (expected, absent), resurrected (deleted in the input, present), unknown
   * (never in the input), stale or duplicated (present with other content or version).
   */
  static void assertEquals(
      Map<String, String> expected, Map<String, String> actual, Set<String> deleted) {
    List<String> lost = new ArrayList<>();
    List<String> resurrected = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    List<String> different = new ArrayList<>();
    for (var e : expected.entrySet()) {
      String got = actual.get(e.getKey());
      if (got == null) {
        lost.add(e.getKey());
      } else if (!got.equals(e.getValue())) {
        different.add(e.getKey() + ": expected " + e.getValue() + " but stored " + got);
      }
    }
    for (String id : new TreeSet<>(actual.keySet())) {
      if (!expected.containsKey(id)) {
        (deleted.contains(id) ? resurrected : unknown).add(id + ": " + actual.get(id));
      }
    }
    if (lost.isEmpty() && resurrected.isEmpty() && unknown.isEmpty() && different.isEmpty()) {
      return;
    }
    throw new AssertionError(
        "index state differs from the input's final state ("
            + expected.size()
            + " expected, "
            + actual.size()
            + " stored): "
            + lost.size()
            + " lost "
            + head(lost)
            + ", "
            + resurrected.size()
            + " resurrected "
            + head(resurrected)
            + ", "
            + unknown.size()
            + " unknown "
            + head(unknown)
            + ", "
            + different.size()
            + " stale or applied twice "
            + head(different));
  }

  private static List<String> head(List<String> l) {
    return l.subList(0, Math.min(5, l.size()));
  }

  /**
   * Reads both keyed states of a document: the full record, and the small prefix entry the arena is
   * rebuilt from, which must agree with it (namespace and attributes) — a crash between the two
   * writes must not leave them apart after recovery.
   */
  static final class Reader extends KeyedStateReaderFunction<String, String> {
    private static final long serialVersionUID = 1L;

    private final List<IndexFit> fits;

    Reader(List<IndexFit> fits) {
      this.fits = new ArrayList<>(fits);
    }

    private transient ValueState<StoredDocument> documents;
    private transient ValueState<PrefixEntry> prefixes;

    @Override
    public void open(OpenContext context) {
      documents =
          getRuntimeContext()
              .getState(
                  new ValueStateDescriptor<>(
                      VectorIndexOperator.STATE_DOCUMENTS, StoredDocumentSerializer.INSTANCE));
      prefixes =
          getRuntimeContext()
              .getState(
                  new ValueStateDescriptor<>(
                      VectorIndexOperator.STATE_PREFIXES, PrefixEntrySerializer.INSTANCE));
    }

    @Override
    public void readKey(String id, Context ctx, Collector<String> out) throws Exception {
      StoredDocument d = documents.value();
      PrefixEntry p = prefixes.value();
      if (d == null && p == null) {
        return;
      }
      if (d == null || p == null) {
        out.collect(id + "\tINCONSISTENT: document=" + d + " prefix=" + p);
        return;
      }
      String line =
          canonical(
              d.namespace(),
              d.attributes(),
              d.chunkVectors(),
              d.chunkRanges(),
              d.modelId(),
              d.contentHash(),
              d.version(),
              d.eventTime());
      if (!p.namespace().equals(d.namespace()) || !p.attributes().equals(d.attributes())) {
        line += " PREFIX-MISMATCH ns=" + p.namespace() + " attrs=" + p.attributes();
      }
      // The arena is rebuilt from the prefix entry: per chunk one code and one list, no more, no
      // fewer (none yet while the subtask has not fitted). Under one of the savepoint's fits each
      // chunk's code and list must be what that fit gives the chunk's stored vector.
      for (IndexFit fit : fits) {
        if (p.projectionVersion() == fit.version()) {
          int n = d.chunkCount();
          if (p.chunks(fit.codeBytes()) != n || (fit.isInvertedFile() && p.lists().length != n)) {
            line +=
                " PREFIX-CHUNKS-MISMATCH codes="
                    + p.codes().length
                    + " lists="
                    + p.lists().length
                    + " for "
                    + n
                    + " chunks";
          } else {
            for (int i = 0; i < n; i++) {
              PrefixIndex.Encoded want = fit.encode(d.chunkVectors()[i]);
              if (!Arrays.equals(want.code(), p.codeOf(i, fit.codeBytes()))
                  || want.centroid() != p.listOf(i)) {
                line +=
                    " FIT-MISMATCH chunk "
                        + i
                        + " list="
                        + p.listOf(i)
                        + " want "
                        + want.centroid();
              }
            }
          }
          out.collect(CHECKED + id);
        }
      }
      out.collect(id + "\t" + line);
    }
  }
}
