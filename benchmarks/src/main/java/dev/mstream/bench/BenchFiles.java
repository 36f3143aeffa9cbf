package dev.mstream.bench;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Where benchmark data is cached and how it is stored. Nothing here is committed: the cache lives
 * in {@code ~/.cache/mstream-bench} unless {@code -Dmstream.bench.dir=...} says otherwise.
 *
 * <p>Vector files ({@code .vec}): the ASCII magic {@code MSVEC001}, then {@code int n}, {@code int
 * dims} (little endian), then {@code n * dims} little-endian floats, row after row. Neighbour files
 * ({@code .knn}): magic {@code MSKNN001}, {@code int queries}, {@code int k}, then {@code queries *
 * k} little-endian ints (corpus row numbers, best first).
 */
public final class BenchFiles {

  private static final byte[] VEC_MAGIC = "MSVEC001".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] KNN_MAGIC = "MSKNN001".getBytes(StandardCharsets.US_ASCII);

  private BenchFiles() {}

  /** The cache directory, created if missing. */
  public static Path dir() throws IOException {
    String configured = System.getProperty("mstream.bench.dir");
    Path dir =
        configured != null
            ? Path.of(configured)
            : Path.of(System.getProperty("user.home"), ".cache", "mstream-bench");
    Files.createDirectories(dir);
    return dir;
  }

  /** Vectors stored as one flat row-major array. */
  public record Vectors(int n, int dims, float[] data) {
    public Vectors {
      if ((long) n * dims != data.length) {
        throw new IllegalArgumentException(n + " x " + dims + " != " + data.length);
      }
    }

    /** A copy of row {@code i}. */
    public float[] row(int i) {
      float[] v = new float[dims];
      System.arraycopy(data, i * dims, v, 0, dims);
      return v;
    }

    /** The first {@code m} rows (shares nothing). */
    public Vectors head(int m) {
      float[] d = new float[m * dims];
      System.arraycopy(data, 0, d, 0, d.length);
      return new Vectors(m, dims, d);
    }
  }

  public static void writeVectors(Path file, Vectors v) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
      header.put(VEC_MAGIC).putInt(v.n()).putInt(v.dims()).flip();
      writeFully(ch, header);
      ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
      float[] data = v.data();
      int i = 0;
      while (i < data.length) {
        buf.clear();
        int m = Math.min(buf.capacity() / 4, data.length - i);
        buf.asFloatBuffer().put(data, i, m);
        buf.limit(m * 4);
        writeFully(ch, buf);
        i += m;
      }
    }
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  public static Vectors readVectors(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, header);
      header.flip();
      byte[] magic = new byte[8];
      header.get(magic);
      if (!java.util.Arrays.equals(magic, VEC_MAGIC)) {
        throw new IOException(file + " is not a vector file");
      }
      int n = header.getInt();
      int dims = header.getInt();
      float[] data = new float[Math.multiplyExact(n, dims)];
      ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
      int i = 0;
      while (i < data.length) {
        buf.clear();
        int m = Math.min(buf.capacity() / 4, data.length - i);
        buf.limit(m * 4);
        readFully(ch, buf);
        buf.flip();
        buf.asFloatBuffer().get(data, i, m);
        i += m;
      }
      return new Vectors(n, dims, data);
    }
  }

  public static void writeNeighbours(Path file, int[][] knn) throws IOException {
    int k = knn.length == 0 ? 0 : knn[0].length;
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
      out.write(KNN_MAGIC);
      out.writeInt(Integer.reverseBytes(knn.length));
      out.writeInt(Integer.reverseBytes(k));
      for (int[] row : knn) {
        for (int id : row) {
          out.writeInt(Integer.reverseBytes(id));
        }
      }
    }
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  public static int[][] readNeighbours(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[8];
    b.get(magic);
    if (!java.util.Arrays.equals(magic, KNN_MAGIC)) {
      throw new IOException(file + " is not a neighbour file");
    }
    int q = b.getInt();
    int k = b.getInt();
    int[][] knn = new int[q][k];
    for (int i = 0; i < q; i++) {
      for (int j = 0; j < k; j++) {
        knn[i][j] = b.getInt();
      }
    }
    return knn;
  }

  public static void writeLines(Path file, List<String> lines) throws IOException {
    Files.write(file, lines, StandardCharsets.UTF_8);
  }

  /** Appends little-endian floats to an open stream (used to write embeddings as they come). */
  static void appendFloats(OutputStream out, float[][] rows) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(rows.length * rows[0].length * 4);
    buf.order(ByteOrder.LITTLE_ENDIAN);
    for (float[] r : rows) {
      for (float f : r) {
        buf.putFloat(f);
      }
    }
    out.write(buf.array(), 0, buf.position());
  }

  /** Reads {@code n * dims} raw little-endian floats (a headerless {@code .part} file). */
  static float[] readVectors(Path raw, int n, int dims) throws IOException {
    float[] data = new float[Math.multiplyExact(n, dims)];
    try (FileChannel ch = FileChannel.open(raw, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
      int i = 0;
      while (i < data.length) {
        buf.clear();
        int m = Math.min(buf.capacity() / 4, data.length - i);
        buf.limit(m * 4);
        readFully(ch, buf);
        buf.flip();
        buf.asFloatBuffer().get(data, i, m);
        i += m;
      }
    }
    return data;
  }

  private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      if (ch.read(b) < 0) {
        throw new IOException("unexpected end of file");
      }
    }
  }
}
