package dev.mstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mstream.index.StoredDocument;
import dev.mstream.index.StoredDocumentSerializer;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.StringValue;
import org.apache.flink.util.FileUtils;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * What keeping every document's text in keyed state would cost, for a model migration that
 * re-embeds from state instead of re-reading the documents topic. Real texts — SciFact abstracts
 * (long) and WordNet glosses and examples (short) — written into RocksDB (the frocksdbjni of
 * Flink's state backend) as Flink would store a {@code ValueState<String>}: key = 2-byte key group
 * + id, value = the text in Flink's {@code StringValue} form; flushed and compacted, then the SST
 * bytes per document counted. Compared, per collection, for each RocksDB block compression (Flink's
 * default is Snappy, {@code state.backend.rocksdb.compression.per.level} picks another) and for
 * texts deflated one by one before RocksDB sees them; and set against what the index keeps per
 * document today (full record with a 384-dim float vector, prefix entry, the embed operator's 8
 * bytes) — the vectors there are random unit vectors, which compress like real ones (not at all).
 *
 * <pre>
 * benchmarks/run.sh TextStateSize [--scifact ../shared/datasets/scifact] [--wordnet /usr/share/wordnet]
 * </pre>
 */
public final class TextStateSize {

  private static final List<CompressionType> BLOCK_COMPRESSIONS =
      List.of(
          CompressionType.NO_COMPRESSION,
          CompressionType.SNAPPY_COMPRESSION,
          CompressionType.LZ4_COMPRESSION,
          CompressionType.ZSTD_COMPRESSION);

  static {
    RocksDB.loadLibrary();
  }

  private TextStateSize() {}

  public static void main(String[] args) throws Exception {
    Bench.checkArgs("TextStateSize", args, "--scifact=VALUE", "--wordnet=VALUE");
    String scifactArg = Bench.arg(args, "--scifact");
    String wordnetArg = Bench.arg(args, "--wordnet");
    Path scifact = Path.of(scifactArg == null ? "../shared/datasets/scifact" : scifactArg);
    Path wordnet = wordnetArg == null ? WordNetTexts.DEFAULT_DIR : Path.of(wordnetArg);
    Path scratch = Path.of("benchmarks/target/text-state");
    List<String> lines = new ArrayList<>();
    if (Files.exists(scifact.resolve("corpus.jsonl"))) {
      lines.addAll(measure("SciFact", scifactTexts(scifact.resolve("corpus.jsonl")), scratch));
    } else {
      System.err.println("no SciFact at " + scifact + ": skipped (--scifact DIR)");
    }
    lines.addAll(measure("WordNet", WordNetTexts.read(wordnet), scratch));
    System.out.println();
    lines.forEach(System.out::println);
  }

  /** Title and text as the job's decoder joins them. */
  static List<String> scifactTexts(Path corpus) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<String> out = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(corpus, StandardCharsets.UTF_8)) {
      for (String line; (line = in.readLine()) != null; ) {
        JsonNode d = json.readTree(line);
        String title = d.path("title").asText("");
        String text = d.path("text").asText("");
        out.add(title.isBlank() ? text : text.isEmpty() ? title : title + " " + text);
      }
    }
    return out;
  }

  private static List<String> measure(String name, List<String> texts, Path scratch)
      throws Exception {
    int n = texts.size();
    long utf8 = 0;
    for (String t : texts) {
      utf8 += t.getBytes(StandardCharsets.UTF_8).length;
    }
    List<String> out = new ArrayList<>();
    out.add(
        String.format(
            Locale.ROOT,
            "%s: %,d texts, %.0f UTF-8 bytes per text on average",
            name,
            n,
            (double) utf8 / n));

    double today =
        sstBytes(scratch, CompressionType.SNAPPY_COMPRESSION, n, TextStateSize::today) / n;
    out.add(
        String.format(
            Locale.ROOT,
            "  index state today (record + prefix entry + embed memory), Snappy: %6.0f bytes/doc",
            today));
    for (CompressionType c : BLOCK_COMPRESSIONS) {
      try {
        double bytes = sstBytes(scratch, c, n, i -> List.of(stringValue(texts.get(i)))) / n;
        out.add(row("texts, RocksDB " + c, bytes, today, utf8, n));
      } catch (org.rocksdb.RocksDBException e) {
        out.add("  texts, RocksDB " + c + ": not available in this RocksDB build (" + e + ")");
      }
    }
    long[] deflateNanos = new long[2];
    List<byte[]> deflated = new ArrayList<>(n);
    for (String t : texts) {
      deflated.add(deflate(t, deflateNanos));
    }
    for (CompressionType c :
        List.of(CompressionType.NO_COMPRESSION, CompressionType.SNAPPY_COMPRESSION)) {
      double bytes = sstBytes(scratch, c, n, i -> List.of(deflated.get(i))) / n;
      out.add(row("texts deflated one by one, RocksDB " + c, bytes, today, utf8, n));
    }
    out.add(
        String.format(
            Locale.ROOT,
            "  deflate: %.1f µs per text to compress, %.1f µs to inflate",
            deflateNanos[0] / 1e3 / n,
            inflateMicros(deflated, texts)));
    return out;
  }

  private static String row(String what, double bytes, double today, long utf8, int n) {
    return String.format(
        Locale.ROOT,
        "  %-48s %6.0f bytes/doc  (%4.2f of the UTF-8 text, +%3.0f%% on today's state)",
        what + ":",
        bytes,
        bytes / ((double) utf8 / n),
        100 * bytes / today);
  }

  /** What the index keeps per document now: values of its three keyed states. */
  private static List<byte[]> today(int i) {
    Random random = new Random(i);
    float[] v = new float[384];
    double norm = 0;
    for (int d = 0; d < v.length; d++) {
      v[d] = (float) random.nextGaussian();
      norm += v[d] * v[d];
    }
    for (int d = 0; d < v.length; d++) {
      v[d] /= (float) Math.sqrt(norm);
    }
    StoredDocument doc =
        new StoredDocument(
            "default",
            Map.of(),
            v,
            "all-minilm-l6-v2-q@6a262893f20f50d3",
            random.nextLong(),
            1,
            1_700_000_000_000L + i);
    try {
      DataOutputSerializer out = new DataOutputSerializer(2048);
      StoredDocumentSerializer.INSTANCE.serialize(doc, out);
      byte[] prefix = new byte[128 + 16]; // int8 codes of a 128-dim prefix, namespace, attributes
      random.nextBytes(prefix);
      byte[] memo = new byte[8];
      random.nextBytes(memo);
      return List.of(out.getCopyOfBuffer(), prefix, memo);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** SST bytes after writing {@code values(i)} under the keys of n documents, one state each. */
  private static double sstBytes(
      Path dir, CompressionType compression, int n, Function<Integer, List<byte[]>> values)
      throws Exception {
    FileUtils.deleteDirectory(dir.toFile());
    Files.createDirectories(dir);
    try (Options options =
            new Options()
                .setCreateIfMissing(true)
                .setCompressionType(compression)
                .setBottommostCompressionType(compression)
                .setTableFormatConfig(new BlockBasedTableConfig());
        RocksDB db = RocksDB.open(options, dir.toString());
        WriteOptions wo = new WriteOptions().setDisableWAL(true)) {
      for (int from = 0; from < n; from += 1000) {
        try (WriteBatch batch = new WriteBatch()) {
          for (int i = from; i < Math.min(n, from + 1000); i++) {
            List<byte[]> vs = values.apply(i);
            for (int s = 0; s < vs.size(); s++) {
              batch.put(key(s, i), vs.get(s));
            }
          }
          db.write(wo, batch);
        }
      }
      try (FlushOptions fo = new FlushOptions().setWaitForFlush(true)) {
        db.flush(fo);
      }
      db.compactRange();
      return Long.parseLong(db.getProperty("rocksdb.total-sst-files-size"));
    } finally {
      FileUtils.deleteDirectory(dir.toFile());
    }
  }

  /** Flink's RocksDB key: key group (2 bytes), the serialized id; one state per prefix byte. */
  private static byte[] key(int state, int i) {
    byte[] id = ("doc-" + i).getBytes(StandardCharsets.UTF_8);
    byte[] k = new byte[3 + id.length];
    k[0] = (byte) state;
    int keyGroup = (i * 31) % 128;
    k[1] = (byte) (keyGroup >> 8);
    k[2] = (byte) keyGroup;
    System.arraycopy(id, 0, k, 3, id.length);
    return k;
  }

  private static byte[] stringValue(String text) {
    try {
      DataOutputSerializer out = new DataOutputSerializer(text.length() + 8);
      StringValue.writeString(text, out);
      return out.getCopyOfBuffer();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] deflate(String text, long[] nanos) {
    long start = System.nanoTime();
    Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    d.setInput(text.getBytes(StandardCharsets.UTF_8));
    d.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    while (!d.finished()) {
      out.write(buf, 0, d.deflate(buf));
    }
    d.end();
    nanos[0] += System.nanoTime() - start;
    return out.toByteArray();
  }

  private static double inflateMicros(List<byte[]> deflated, List<String> texts) throws Exception {
    long start = System.nanoTime();
    byte[] buf = new byte[1 << 20];
    for (int i = 0; i < deflated.size(); i++) {
      Inflater inf = new Inflater(true);
      inf.setInput(deflated.get(i));
      int len = inf.inflate(buf);
      inf.end();
      if (!Arrays.equals(Arrays.copyOf(buf, len), texts.get(i).getBytes(StandardCharsets.UTF_8))) {
        throw new IllegalStateException("inflate gave another text for #" + i);
      }
    }
    return (System.nanoTime() - start) / 1e3 / deflated.size();
  }
}
