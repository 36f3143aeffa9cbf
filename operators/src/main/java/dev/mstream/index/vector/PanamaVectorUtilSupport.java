package dev.mstream.index.vector;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the JDK Vector API ({@code jdk.incubator.vector}, needs {@code --add-modules
 * jdk.incubator.vector} at compile and run time). Only {@link VectorizationProvider} should load
 * this class, and only after checking that the module is in the boot layer.
 *
 * <p>Float: fused multiply-add on {@link FloatVector#SPECIES_PREFERRED} with four accumulators,
 * scalar tail. Int8: bytes are widened to shorts (a product of two int8 values, at most 128 * 128 =
 * 16384, fits in a short), multiplied lane-wise, and each half of the short product is widened to
 * ints and added into an int accumulator, so the sum is exact like the scalar one.
 */
public final class PanamaVectorUtilSupport implements VectorUtilSupport {

  private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
  // Shorts as wide as the preferred int vector; bytes half as wide, so one byte load widens to
  // exactly one short vector and that to two int vectors.
  private static final VectorSpecies<Short> SHORTS =
      VectorSpecies.of(short.class, VectorShape.forBitSize(INTS.vectorBitSize()));
  private static final VectorSpecies<Byte> BYTES =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(INTS.vectorBitSize() / 2));

  // Bytes a quarter as wide as the preferred int vector: one load widens to one int vector.
  private static final VectorSpecies<Byte> QUARTER_BYTES =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, INTS.vectorBitSize() / 4)));

  // Bytes and shorts as wide as the preferred int vector: one load takes one byte of as many
  // codes as the vector has bytes, read as shorts of two codes each (see dotInt4Columns).
  private static final VectorSpecies<Byte> WIDE_BYTES =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(INTS.vectorBitSize()));
  private static final VectorSpecies<Short> WIDE_SHORTS = SHORTS;

  private static final ShortVector NIBBLE = ShortVector.broadcast(WIDE_SHORTS, (short) 0x0F);
  private static final ShortVector TWO_BITS = ShortVector.broadcast(WIDE_SHORTS, (short) 3);

  private static final int FLOAT_LANES = FLOATS.length();
  private static final int BYTE_STEP = BYTES.length();

  /**
   * @throws UnsupportedOperationException where the preferred vector is narrower than 128 bits (no
   *     useful SIMD; the provider then falls back to scalar)
   */
  public PanamaVectorUtilSupport() {
    if (INTS.vectorBitSize() < 128) {
      throw new UnsupportedOperationException(
          "preferred vector size is " + INTS.vectorBitSize() + " bits; need at least 128");
    }
  }

  @Override
  public String name() {
    return "panama";
  }

  /** One full-width load of bytes: the wide column loop's group (see {@link #wideInt4Columns}). */
  @Override
  public int columnGroup() {
    return WIDE_BYTES.length();
  }

  /** E.g. {@code "float x16 (512 bit), int8 x32 -> short -> int"}: what this JVM's SIMD uses. */
  public static String describe() {
    return "float x"
        + FLOAT_LANES
        + " ("
        + FLOATS.vectorBitSize()
        + " bit), int8 x"
        + BYTE_STEP
        + " -> short -> int";
  }

  @Override
  public float dot(float[] a, int aOff, float[] b, int bOff, int len) {
    int i = 0;
    float sum = 0f;
    if (len >= FLOAT_LANES) {
      FloatVector acc0 = FloatVector.zero(FLOATS);
      FloatVector acc1 = FloatVector.zero(FLOATS);
      FloatVector acc2 = FloatVector.zero(FLOATS);
      FloatVector acc3 = FloatVector.zero(FLOATS);
      int bound4 = len - (len % (4 * FLOAT_LANES));
      for (; i < bound4; i += 4 * FLOAT_LANES) {
        acc0 = fma(a, aOff + i, b, bOff + i, acc0);
        acc1 = fma(a, aOff + i + FLOAT_LANES, b, bOff + i + FLOAT_LANES, acc1);
        acc2 = fma(a, aOff + i + 2 * FLOAT_LANES, b, bOff + i + 2 * FLOAT_LANES, acc2);
        acc3 = fma(a, aOff + i + 3 * FLOAT_LANES, b, bOff + i + 3 * FLOAT_LANES, acc3);
      }
      int bound = len - (len % FLOAT_LANES);
      for (; i < bound; i += FLOAT_LANES) {
        acc0 = fma(a, aOff + i, b, bOff + i, acc0);
      }
      sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
    }
    for (; i < len; i++) {
      sum += a[aOff + i] * b[bOff + i];
    }
    return sum;
  }

  private static FloatVector fma(float[] a, int aOff, float[] b, int bOff, FloatVector acc) {
    FloatVector va = FloatVector.fromArray(FLOATS, a, aOff);
    FloatVector vb = FloatVector.fromArray(FLOATS, b, bOff);
    return va.fma(vb, acc);
  }

  @Override
  public int dotInt8(byte[] a, int aOff, byte[] b, int bOff, int len) {
    int i = 0;
    int sum = 0;
    if (len >= BYTE_STEP) {
      IntVector acc0 = IntVector.zero(INTS);
      IntVector acc1 = IntVector.zero(INTS);
      int bound = len - (len % BYTE_STEP);
      for (; i < bound; i += BYTE_STEP) {
        ByteVector va = ByteVector.fromArray(BYTES, a, aOff + i);
        ByteVector vb = ByteVector.fromArray(BYTES, b, bOff + i);
        ShortVector sa = (ShortVector) va.convertShape(VectorOperators.B2S, SHORTS, 0);
        ShortVector sb = (ShortVector) vb.convertShape(VectorOperators.B2S, SHORTS, 0);
        ShortVector prod = sa.mul(sb);
        acc0 = acc0.add(prod.convertShape(VectorOperators.S2I, INTS, 0));
        acc1 = acc1.add(prod.convertShape(VectorOperators.S2I, INTS, 1));
      }
      sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }
    for (; i < len; i++) {
      sum += a[aOff + i] * b[bOff + i];
    }
    return sum;
  }

  /**
   * Bytes widen to shorts (sign-extended, then masked: the nibbles are unsigned), multiply the
   * 16-bit weights, and add into a short accumulator: a product is at most 15 * 127 = 1905, and a
   * lane takes two per step, so the accumulator is flushed into ints every {@link
   * #INT4_FLUSH_STEPS} steps, before 32767 could be reached.
   */
  @Override
  public int dotInt4(byte[] codes, int off, short[] q, int qOff, int bytes) {
    int i = 0;
    int sum = 0;
    if (bytes >= BYTE_STEP) {
      IntVector total = IntVector.zero(INTS);
      ShortVector acc = ShortVector.zero(SHORTS);
      int bound = bytes - (bytes % BYTE_STEP);
      int steps = 0;
      for (; i < bound; i += BYTE_STEP) {
        ShortVector s =
            (ShortVector)
                ByteVector.fromArray(BYTES, codes, off + i)
                    .convertShape(VectorOperators.B2S, SHORTS, 0);
        ShortVector lo = s.and((short) 0x0F);
        ShortVector hi = s.lanewise(VectorOperators.ASHR, 4).and((short) 0x0F);
        acc =
            acc.add(lo.mul(ShortVector.fromArray(SHORTS, q, qOff + i)))
                .add(hi.mul(ShortVector.fromArray(SHORTS, q, qOff + bytes + i)));
        if (++steps == INT4_FLUSH_STEPS) {
          total = flush(total, acc);
          acc = ShortVector.zero(SHORTS);
          steps = 0;
        }
      }
      sum = flush(total, acc).reduceLanes(VectorOperators.ADD);
    }
    for (; i < bytes; i++) {
      int b = codes[off + i];
      sum += (b & 0x0F) * q[qOff + i] + ((b >>> 4) & 0x0F) * q[qOff + bytes + i];
    }
    return sum;
  }

  private static final int INT4_FLUSH_STEPS = 8;

  /** Four products of at most 3 * 127 per lane and step: flush before 32767. */
  private static final int INT2_FLUSH_STEPS = 16;

  /** As {@link #dotInt4}, four 2-bit planes per byte. */
  @Override
  public int dotInt2(byte[] codes, int off, short[] q, int qOff, int bytes) {
    int i = 0;
    int sum = 0;
    if (bytes >= BYTE_STEP) {
      IntVector total = IntVector.zero(INTS);
      ShortVector acc = ShortVector.zero(SHORTS);
      int bound = bytes - (bytes % BYTE_STEP);
      int steps = 0;
      for (; i < bound; i += BYTE_STEP) {
        ShortVector s =
            (ShortVector)
                ByteVector.fromArray(BYTES, codes, off + i)
                    .convertShape(VectorOperators.B2S, SHORTS, 0);
        int w = qOff + i;
        acc =
            acc.add(s.and((short) 3).mul(ShortVector.fromArray(SHORTS, q, w)))
                .add(
                    s.lanewise(VectorOperators.ASHR, 2)
                        .and((short) 3)
                        .mul(ShortVector.fromArray(SHORTS, q, w + bytes)))
                .add(
                    s.lanewise(VectorOperators.ASHR, 4)
                        .and((short) 3)
                        .mul(ShortVector.fromArray(SHORTS, q, w + 2 * bytes)))
                .add(
                    s.lanewise(VectorOperators.ASHR, 6)
                        .and((short) 3)
                        .mul(ShortVector.fromArray(SHORTS, q, w + 3 * bytes)));
        if (++steps == INT2_FLUSH_STEPS) {
          total = flush(total, acc);
          acc = ShortVector.zero(SHORTS);
          steps = 0;
        }
      }
      sum = flush(total, acc).reduceLanes(VectorOperators.ADD);
    }
    for (; i < bytes; i++) {
      int b = codes[off + i];
      sum +=
          (b & 3) * q[qOff + i]
              + ((b >>> 2) & 3) * q[qOff + bytes + i]
              + ((b >>> 4) & 3) * q[qOff + 2 * bytes + i]
              + ((b >>> 6) & 3) * q[qOff + 3 * bytes + i];
    }
    return sum;
  }

  /**
   * Codes by columns: one load takes byte {@code i} of many codes, so the lanes are codes and the
   * weights are broadcast scalars, with no horizontal sum per code (which a 32-byte code scored on
   * its own pays after its single vector step). Full-width groups of codes go through {@link
   * #wideInt4Columns} (two codes per 16-bit lane); what is left of a narrower block, an int lane
   * per code: a quarter of a vector of bytes widened to ints (a short accumulator flushed by
   * conversion to ints fell back to the Vector API's Java code where the scan inlines the kernel,
   * measured with a sampling profiler), then one code at a time.
   */
  @Override
  public void dotInt4Columns(
      byte[] codes, int off, int stride, int count, short[] q, int qOff, int bytes, int[] out) {
    int p0 = wideInt4Columns(codes, off, stride, count, q, qOff, bytes, out);
    int lanes = INTS.length();
    // Whole vectors of codes while they stay inside a row (lanes past count are scored too, and
    // their outputs are left for the caller to ignore); the rest one code at a time.
    int width = Math.max(lanes, QUARTER_BYTES.length());
    int vectorEnd = Math.min(count, Math.min(stride, out.length) - width + 1);
    for (; p0 < vectorEnd; p0 += lanes) {
      IntVector acc = IntVector.zero(INTS);
      for (int i = 0; i < bytes; i++) {
        IntVector c =
            (IntVector)
                ByteVector.fromArray(QUARTER_BYTES, codes, off + i * stride + p0)
                    .convertShape(VectorOperators.B2I, INTS, 0);
        acc =
            acc.add(c.and(0x0F).mul(q[qOff + i]))
                .add(c.lanewise(VectorOperators.ASHR, 4).and(0x0F).mul(q[qOff + bytes + i]));
      }
      acc.intoArray(out, p0);
    }
    for (int p = p0; p < count; p++) {
      int sum = 0;
      for (int i = 0; i < bytes; i++) {
        int b = codes[off + i * stride + p];
        sum += (b & 0x0F) * q[qOff + i] + ((b >>> 4) & 0x0F) * q[qOff + bytes + i];
      }
      out[p] = sum;
    }
  }

  /**
   * As {@link #dotInt4Columns}, four 2-bit planes per byte: the second segment of a PACKED code is
   * scored with the same column layout, so a block's whole code costs no horizontal sum per code
   * (the row kernel, called once per 32-byte segment, spent most of its time on the call and the
   * reduction). A loop of its own rather than a width parameter of {@link #dotInt4Columns}: the
   * inner loop is the scan's hot loop, kept free of branches the way {@code PrefixArena} keeps one
   * loop per segment count.
   */
  @Override
  public void dotInt2Columns(
      byte[] codes, int off, int stride, int count, short[] q, int qOff, int bytes, int[] out) {
    int p0 = wideInt2Columns(codes, off, stride, count, q, qOff, bytes, out);
    int lanes = INTS.length();
    int width = Math.max(lanes, QUARTER_BYTES.length());
    int vectorEnd = Math.min(count, Math.min(stride, out.length) - width + 1);
    for (; p0 < vectorEnd; p0 += lanes) {
      IntVector acc = IntVector.zero(INTS);
      for (int i = 0; i < bytes; i++) {
        IntVector c =
            (IntVector)
                ByteVector.fromArray(QUARTER_BYTES, codes, off + i * stride + p0)
                    .convertShape(VectorOperators.B2I, INTS, 0);
        int w = qOff + i;
        acc =
            acc.add(c.and(3).mul(q[w]))
                .add(c.lanewise(VectorOperators.ASHR, 2).and(3).mul(q[w + bytes]))
                .add(c.lanewise(VectorOperators.ASHR, 4).and(3).mul(q[w + 2 * bytes]))
                .add(c.lanewise(VectorOperators.ASHR, 6).and(3).mul(q[w + 3 * bytes]));
      }
      acc.intoArray(out, p0);
    }
    for (int p = p0; p < count; p++) {
      int sum = 0;
      for (int i = 0; i < bytes; i++) {
        int b = codes[off + i * stride + p];
        int w = qOff + i;
        sum +=
            (b & 3) * q[w]
                + ((b >>> 2) & 3) * q[w + bytes]
                + ((b >>> 4) & 3) * q[w + 2 * bytes]
                + ((b >>> 6) & 3) * q[w + 3 * bytes];
      }
      out[p] = sum;
    }
  }

  /**
   * The column kernels' main loop, two codes per 16-bit lane: one full-width load takes byte {@code
   * i} of as many codes as the vector has bytes, and read as shorts each lane holds two codes, the
   * even one in its low byte, the odd one in its high byte. Their nibbles are weighted in two short
   * accumulators (even codes, odd codes) with logical shifts and masks only, so a vector step
   * scores four times the codes of {@link #dotInt4Columns}' int loop for about twice its
   * instructions; no lane is widened. Measured on one cache-resident block of 64 codes (AVX-512,
   * the old int loop in brackets, both with the lanes put back in order by scalar stores): 3.1
   * (6.9) ns per code for the 4-bit segment, 6.9 (11.9) for the 2-bit one; with 256-bit vectors 4.7
   * (10.3) and 11.0 (17.5); without the scalar stores 2.1 and 5.0. Before a short could overflow
   * ({@link #INT4_FLUSH_STEPS} steps), each is split, read as ints, into its low and high halves by
   * shifts (a sign-extending {@code << 16 >> 16} and a {@code >> 16}), which the JIT compiles to
   * plain shifts where a short-to-int conversion fell back to Java (see above). The four int totals
   * hold codes {@code 4m}, {@code 4m + 1}, {@code 4m + 2} and {@code 4m + 3} in lane {@code m};
   * they are interleaved into {@code out} at the end.
   *
   * @return the first code not scored (the whole groups of full-width loads that fit the stride)
   */
  private static int wideInt4Columns(
      byte[] codes, int off, int stride, int count, short[] q, int qOff, int bytes, int[] out) {
    int width = WIDE_BYTES.length();
    if (stride % width != 0) {
      return 0; // not reordered (columnOf): the int loop's layout
    }
    int p0 = 0;
    for (; p0 < count; p0 += width) {
      IntVector t0 = IntVector.zero(INTS);
      IntVector t1 = t0;
      IntVector t2 = t0;
      IntVector t3 = t0;
      // Nested loops rather than a step counter: a vector reassigned in a branch of the loop is
      // kept boxed by the JDK 17 JIT (measured: the counted flush doubled the kernel's time).
      for (int i0 = 0; i0 < bytes; i0 += INT4_FLUSH_STEPS) {
        int iEnd = Math.min(bytes, i0 + INT4_FLUSH_STEPS);
        ShortVector even = ShortVector.zero(WIDE_SHORTS);
        ShortVector odd = even;
        for (int i = i0; i < iEnd; i++) {
          ShortVector s =
              ByteVector.fromArray(WIDE_BYTES, codes, off + i * stride + p0).reinterpretAsShorts();
          ShortVector lo = ShortVector.broadcast(WIDE_SHORTS, q[qOff + i]);
          ShortVector hi = ShortVector.broadcast(WIDE_SHORTS, q[qOff + bytes + i]);
          ShortVector h = s.lanewise(VectorOperators.LSHR, 8);
          // Products summed pairwise before the accumulator: one dependent add per step.
          even =
              even.add(
                  s.and(NIBBLE)
                      .mul(lo)
                      .add(s.lanewise(VectorOperators.LSHR, 4).and(NIBBLE).mul(hi)));
          odd = odd.add(h.and(NIBBLE).mul(lo).add(h.lanewise(VectorOperators.LSHR, 4).mul(hi)));
        }
        IntVector e = even.reinterpretAsInts();
        IntVector o = odd.reinterpretAsInts();
        t0 = t0.add(lowHalves(e));
        t1 = t1.add(lowHalves(o));
        t2 = t2.add(e.lanewise(VectorOperators.ASHR, 16));
        t3 = t3.add(o.lanewise(VectorOperators.ASHR, 16));
      }
      // Int lane m of t_r holds column 4m + r, where columnOf put position p0 + r * lanes + m.
      int lanes = INTS.length();
      t0.intoArray(out, p0);
      t1.intoArray(out, p0 + lanes);
      t2.intoArray(out, p0 + 2 * lanes);
      t3.intoArray(out, p0 + 3 * lanes);
    }
    return count;
  }

  /** As {@link #wideInt4Columns}, four 2-bit planes per byte ({@link #INT2_FLUSH_STEPS}). */
  private static int wideInt2Columns(
      byte[] codes, int off, int stride, int count, short[] q, int qOff, int bytes, int[] out) {
    int width = WIDE_BYTES.length();
    if (stride % width != 0) {
      return 0; // not reordered (columnOf): the int loop's layout
    }
    int p0 = 0;
    for (; p0 < count; p0 += width) {
      IntVector t0 = IntVector.zero(INTS);
      IntVector t1 = t0;
      IntVector t2 = t0;
      IntVector t3 = t0;
      for (int i0 = 0; i0 < bytes; i0 += INT2_FLUSH_STEPS) {
        int iEnd = Math.min(bytes, i0 + INT2_FLUSH_STEPS);
        ShortVector even = ShortVector.zero(WIDE_SHORTS);
        ShortVector odd = even;
        for (int i = i0; i < iEnd; i++) {
          ShortVector s =
              ByteVector.fromArray(WIDE_BYTES, codes, off + i * stride + p0).reinterpretAsShorts();
          int w = qOff + i;
          ShortVector w0 = ShortVector.broadcast(WIDE_SHORTS, q[w]);
          ShortVector w1 = ShortVector.broadcast(WIDE_SHORTS, q[w + bytes]);
          ShortVector w2 = ShortVector.broadcast(WIDE_SHORTS, q[w + 2 * bytes]);
          ShortVector w3 = ShortVector.broadcast(WIDE_SHORTS, q[w + 3 * bytes]);
          // The planes by progressive shifts, the products summed as a tree: a chain of eight
          // adds into one accumulator per step made the loop latency-bound (measured 7 ns per
          // code, 5 ns as a tree, on 128 dims with AVX-512).
          ShortVector h = s.lanewise(VectorOperators.LSHR, 8);
          ShortVector e0 = s.and(TWO_BITS).mul(w0);
          ShortVector o0 = h.and(TWO_BITS).mul(w0);
          s = s.lanewise(VectorOperators.LSHR, 2);
          h = h.lanewise(VectorOperators.LSHR, 2);
          ShortVector e1 = s.and(TWO_BITS).mul(w1);
          ShortVector o1 = h.and(TWO_BITS).mul(w1);
          s = s.lanewise(VectorOperators.LSHR, 2);
          h = h.lanewise(VectorOperators.LSHR, 2);
          ShortVector e2 = s.and(TWO_BITS).mul(w2);
          ShortVector o2 = h.and(TWO_BITS).mul(w2);
          s = s.lanewise(VectorOperators.LSHR, 2);
          h = h.lanewise(VectorOperators.LSHR, 2);
          ShortVector e3 = s.and(TWO_BITS).mul(w3);
          ShortVector o3 = h.mul(w3);
          even = even.add(e0.add(e1).add(e2.add(e3)));
          odd = odd.add(o0.add(o1).add(o2.add(o3)));
        }
        IntVector e = even.reinterpretAsInts();
        IntVector o = odd.reinterpretAsInts();
        t0 = t0.add(lowHalves(e));
        t1 = t1.add(lowHalves(o));
        t2 = t2.add(e.lanewise(VectorOperators.ASHR, 16));
        t3 = t3.add(o.lanewise(VectorOperators.ASHR, 16));
      }
      // Int lane m of t_r holds column 4m + r, where columnOf put position p0 + r * lanes + m.
      int lanes = INTS.length();
      t0.intoArray(out, p0);
      t1.intoArray(out, p0 + lanes);
      t2.intoArray(out, p0 + 2 * lanes);
      t3.intoArray(out, p0 + 3 * lanes);
    }
    return count;
  }

  /** The low 16 bits of every int lane, sign-extended. */
  private static IntVector lowHalves(IntVector v) {
    return v.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16);
  }

  private static IntVector flush(IntVector total, ShortVector acc) {
    return total
        .add(acc.convertShape(VectorOperators.S2I, INTS, 0))
        .add(acc.convertShape(VectorOperators.S2I, INTS, 1));
  }
}
