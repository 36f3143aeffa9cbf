package dev.mstream.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import me.tongfei.progressbar.ProgressBar;
import org.apache.flink.util.FileUtils;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Full vectors in a local RocksDB (the frocksdbjni that Flink's RocksDB state backend uses), one
 * point lookup per rerank candidate, so the funnel can be timed with the rerank the operator does.
 * An approximation of Flink keyed state: same library and value size (1.5 KB of floats), key =
 * UTF-8 document id, but without Flink's key-group prefix and serializers. The block cache size is
 * the setting that decides the rerank's cost: in Flink it is the RocksDB share of the task
 * manager's managed memory, off-heap.
 */
final class RocksDbVectors implements AutoCloseable {

  static {
    RocksDB.loadLibrary();
  }

  private final Options options;
  private final LRUCache cache;
  private final RocksDB db;
  private final int dims;

  RocksDbVectors(Path dir, BenchFiles.Vectors corpus, long blockCacheBytes, String task)
      throws Exception {
    FileUtils.deleteDirectory(dir.toFile());
    Files.createDirectories(dir);
    this.dims = corpus.dims();
    this.cache = new LRUCache(blockCacheBytes);
    this.options =
        new Options()
            .setCreateIfMissing(true)
            .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache));
    this.db = RocksDB.open(options, dir.toString());
    try (WriteOptions wo = new WriteOptions().setDisableWAL(true);
        ProgressBar pb = Progress.bar(task, corpus.n())) {
      ByteBuffer value = ByteBuffer.allocate(4 * dims).order(ByteOrder.LITTLE_ENDIAN);
      for (int from = 0; from < corpus.n(); from += 1000) {
        int to = Math.min(corpus.n(), from + 1000);
        try (WriteBatch batch = new WriteBatch()) {
          for (int i = from; i < to; i++) {
            value.clear();
            value.asFloatBuffer().put(corpus.data(), i * dims, dims);
            batch.put(key(FunnelBenchmark.id(i)), value.array().clone());
          }
          db.write(wo, batch);
        }
        pb.stepTo(to);
      }
    }
    try (FlushOptions fo = new FlushOptions().setWaitForFlush(true)) {
      db.flush(fo);
    }
    db.compactRange();
  }

  static byte[] key(String id) {
    return id.getBytes(StandardCharsets.UTF_8);
  }

  /** The stored vector of {@code id} into {@code out}; false if absent. */
  boolean read(String id, float[] out) throws Exception {
    byte[] v = db.get(key(id));
    if (v == null) {
      return false;
    }
    ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out, 0, dims);
    return true;
  }

  @Override
  public void close() {
    db.close();
    options.close();
    cache.close();
  }
}
