package dev.mstream.schemas.codec;

import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.avro.Schema;

/**
 * Walks Avro binary data against its schema without materializing anything.
 *
 * <p>Avro's decoder allocates a string, byte buffer or collection as soon as it reads the declared
 * length, before it knows whether that many bytes follow; its only guards are JVM-wide system
 * properties (org.apache.avro.limits.*) that default to about 2 GiB and are read once per JVM. A
 * five-byte varint in random input is enough to ask for a gigabyte. Checking every length and count
 * against the bytes actually left first bounds what the real decode can allocate by the size of the
 * input, and gives a precise message (byte offset, field path) for malformed data.
 */
final class AvroBinaryBounds {

  private final byte[] bytes;
  private int pos;

  private AvroBinaryBounds(byte[] bytes, int offset) {
    this.bytes = bytes;
    this.pos = offset;
  }

  /**
   * Checks that {@code bytes[offset..]} holds exactly one value of {@code schema}.
   *
   * @throws Violation describing the first problem found
   */
  static void check(Schema schema, byte[] bytes, int offset) throws Violation {
    AvroBinaryBounds walker = new AvroBinaryBounds(bytes, offset);
    walker.value(schema);
    int trailing = bytes.length - walker.pos;
    if (trailing > 0) {
      throw new Violation(
          walker.pos, trailing + " unexpected byte(s) after the end of the " + schema.getName());
    }
  }

  private void value(Schema schema) throws Violation {
    switch (schema.getType()) {
      case NULL -> {}
      case BOOLEAN -> {
        int at = pos;
        int b = take(1);
        if (bytes[b] != 0 && bytes[b] != 1) {
          throw new Violation(at, "a boolean must be byte 00 or 01, got " + Hex.bytes(bytes, b, 1));
        }
      }
      case INT -> {
        int at = pos;
        long v = varLong();
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
          throw new Violation(at, "int value " + v + " does not fit in 32 bits");
        }
      }
      case LONG -> varLong();
      case FLOAT -> take(4);
      case DOUBLE -> take(8);
      case STRING -> utf8(length("string"));
      case BYTES -> take(length("bytes"));
      case FIXED -> take(schema.getFixedSize());
      case ENUM -> {
        int at = pos;
        long i = varLong();
        int size = schema.getEnumSymbols().size();
        if (i < 0 || i >= size) {
          // e.g. an `op` this schema does not know: the same reason as in JSON
          throw new Violation(
                  at, "enum " + schema.getName() + " index " + i + " is outside 0.." + (size - 1))
              .because(CodecException.UNKNOWN_ENUM);
        }
      }
      case UNION -> value(schema.getTypes().get(index(schema.getTypes().size(), "union branch")));
      case RECORD -> {
        for (Schema.Field field : schema.getFields()) {
          try {
            value(field.schema());
          } catch (Violation v) {
            throw v.inside(field.name());
          }
        }
      }
      case ARRAY -> blocks(schema.getElementType(), false);
      case MAP -> blocks(schema.getValueType(), true);
    }
  }

  private void blocks(Schema item, boolean isMap) throws Violation {
    long index = 0;
    while (true) {
      int at = pos;
      long count = varLong();
      if (count == 0) {
        return;
      }
      if (count < 0) {
        // A negative count is followed by the block's size in bytes, a hint for skipping readers;
        // it is checked for sanity here and the items are still walked one by one.
        count = -count;
        length("block size");
      }
      // Every item takes at least one byte (no schema here holds nulls or empty records in a
      // collection), so a count above the bytes left can never be honest.
      if (count < 0 || count > bytes.length - pos) {
        throw new Violation(
            at,
            "a block of "
                + count
                + " items cannot fit in the "
                + (bytes.length - pos)
                + " bytes left");
      }
      for (long i = 0; i < count; i++, index++) {
        if (isMap) {
          try {
            utf8(length("map key"));
          } catch (Violation v) {
            throw v.inside("[key #" + index + "]");
          }
        }
        try {
          value(item);
        } catch (Violation v) {
          throw v.inside("[" + index + "]");
        }
      }
    }
  }

  private int index(int size, String what) throws Violation {
    int at = pos;
    long i = varLong();
    if (i < 0 || i >= size) {
      throw new Violation(at, what + " index " + i + " is outside 0.." + (size - 1));
    }
    return (int) i;
  }

  private int length(String what) throws Violation {
    int at = pos;
    long n = varLong();
    if (n < 0) {
      throw new Violation(at, what + " length " + n + " is negative");
    }
    int left = bytes.length - pos;
    if (n > left) {
      throw new Violation(
          at, what + " length " + n + " is more than the " + left + " bytes left in the value");
    }
    return (int) n;
  }

  /** Consumes {@code n} bytes and returns the offset of the first. */
  private int take(int n) throws Violation {
    if (n > bytes.length - pos) {
      throw new Violation(
          pos,
          "the value ends early: needed " + n + " more byte(s), " + (bytes.length - pos) + " left");
    }
    int start = pos;
    pos += n;
    return start;
  }

  /**
   * Consumes a string of {@code n} bytes that must be well-formed UTF-8: Avro's reader would turn
   * malformed bytes into U+FFFD without a word.
   */
  private void utf8(int n) throws Violation {
    int start = take(n);
    int bad = Utf8Validation.firstInvalidByte(bytes, start, n);
    if (bad >= 0) {
      throw new Violation(
              bad,
              "string is not valid UTF-8: "
                  + Hex.bytes(bytes, bad, Math.min(4, start + n - bad))
                  + " at string byte "
                  + (bad - start))
          .because(CodecException.INVALID_UTF8);
    }
  }

  /** Avro's zig-zag varint, at most 10 bytes for 64 bits. */
  private long varLong() throws Violation {
    int at = pos;
    long raw = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      int b = bytes[take(1)] & 0xFF;
      raw |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    throw new Violation(at, "invalid varint: longer than 10 bytes");
  }

  /** The first problem found, with where it is: byte offset and field path. */
  static final class Violation extends Exception {
    private final int offset;
    private final String problem;
    private final Deque<String> path = new ArrayDeque<>();
    private String reason = CodecException.MALFORMED_AVRO;

    Violation(int offset, String problem) {
      super(problem, null, false, false);
      this.offset = offset;
      this.problem = problem;
    }

    /** The reason code to report; MALFORMED_AVRO unless a more precise one applies. */
    String reason() {
      return reason;
    }

    Violation because(String reason) {
      this.reason = reason;
      return this;
    }

    Violation inside(String segment) {
      path.addFirst(segment);
      return this;
    }

    @Override
    public String getMessage() {
      StringBuilder where = new StringBuilder();
      for (String segment : path) {
        if (where.length() > 0 && !segment.startsWith("[")) {
          where.append('.');
        }
        where.append(segment);
      }
      return (where.length() > 0 ? "field " + where + ", " : "")
          + "byte "
          + offset
          + ": "
          + problem;
    }
  }
}
