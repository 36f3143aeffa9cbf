package dev.mstream.schemas.codec;

import static dev.mstream.schemas.codec.AvroSingleObjectCodecTest.assertReason;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.schemas.Document;
import dev.mstream.schemas.Query;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Text that is not valid UTF-8 (or, from JSON escapes, not valid Unicode) is rejected with reason
 * INVALID_UTF8 in both encodings, instead of being indexed as replacement characters (Avro) or as
 * whatever a lenient parser made of it (Jackson lets overlong forms and encoded surrogates pass).
 */
class InvalidUtf8Test {

  private final AvroSingleObjectCodec<Document> avro = new AvroSingleObjectCodec<>(Document.class);
  private final JsonCodec<Document> json = new JsonCodec<>(Document.class);
  private final JsonCodec<Query> jsonQueries = new JsonCodec<>(Query.class);

  /** Malformed sequences of every kind RFC 3629 forbids. */
  private static final byte[][] MALFORMED = {
    {(byte) 0xFF}, // never in UTF-8
    {(byte) 0x80}, // continuation without a lead byte
    {(byte) 0xC3, 0x28}, // lead byte followed by ASCII
    {(byte) 0xC0, (byte) 0xAF}, // overlong '/'
    {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}, // overlong '/' in three bytes
    {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // UTF-16 surrogate U+D800 encoded as UTF-8
    {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
    {(byte) 0xE2, (byte) 0x82}, // cut off
  };

  @Test
  void malformedSequencesAreFoundAtTheirFirstByte() {
    String sample = "plain ASCII, café, 日本語, emoji \uD83D\uDE00, replacement \uFFFD";
    byte[] valid = sample.getBytes(UTF_8);
    assertThat(Utf8Validation.firstInvalidByte(valid, 0, valid.length)).isEqualTo(-1);
    assertThat(Utf8Validation.firstInvalidByte(new byte[0], 0, 0)).isEqualTo(-1);
    for (byte[] bad : MALFORMED) {
      String hex = Hex.bytes(bad, 0, bad.length);
      assertThat(Utf8Validation.firstInvalidByte(bad, 0, bad.length)).as(hex).isZero();
      assertThat(strictlyDecodable(bad)).as(hex).isFalse();
      // after valid text, within a larger array: the offset is absolute
      byte[] embedded = new byte[3 + valid.length + bad.length + 2];
      System.arraycopy(valid, 0, embedded, 3, valid.length);
      System.arraycopy(bad, 0, embedded, 3 + valid.length, bad.length);
      assertThat(Utf8Validation.firstInvalidByte(embedded, 3, valid.length + bad.length))
          .as(hex)
          .isEqualTo(3 + valid.length);
    }
    // longer than the decoder's scratch buffer, the fault near the end
    byte[] longText = ("é".repeat(5000) + "x").getBytes(UTF_8);
    assertThat(Utf8Validation.firstInvalidByte(longText, 0, longText.length)).isEqualTo(-1);
    longText[longText.length - 1] = (byte) 0xC3; // a lead byte cut off at the end
    assertThat(Utf8Validation.firstInvalidByte(longText, 0, longText.length))
        .isEqualTo(longText.length - 1);
    // only the range is checked
    assertThat(Utf8Validation.firstInvalidByte(longText, 0, longText.length - 1)).isEqualTo(-1);
  }

  @Test
  void unpairedSurrogatesAreFound() {
    assertThat(Utf8Validation.firstUnpairedSurrogate("ok \uD83D\uDE00")).isEqualTo(-1);
    assertThat(Utf8Validation.firstUnpairedSurrogate("ab\uD800")).isEqualTo(2);
    assertThat(Utf8Validation.firstUnpairedSurrogate("\uDC00x")).isZero();
    assertThat(Utf8Validation.firstUnpairedSurrogate("\uD800\uD800\uDC00")).isZero();
  }

  @Test
  void avroStringsWithMalformedBytesAreInvalidUtf8NotReplacementCharacters() {
    for (byte[] bad : MALFORMED) {
      byte[] bytes = avro.encode(document("text-XXXX", Map.of("lang", "en")));
      overwrite(bytes, "XXXX", bad);
      assertReason(() -> avro.decode(bytes), CodecException.INVALID_UTF8)
          .hasMessageContaining("field text")
          .hasMessageContaining("not valid UTF-8");
    }
  }

  @Test
  void avroMapKeysAndValuesAreCheckedToo() {
    byte[] key = avro.encode(document("fine", Map.of("kkkk", "v")));
    overwrite(key, "kkkk", new byte[] {(byte) 0xC0, (byte) 0xAF});
    assertReason(() -> avro.decode(key), CodecException.INVALID_UTF8)
        .hasMessageContaining("field attributes");

    byte[] value = avro.encode(document("fine", Map.of("k", "vvvv")));
    overwrite(value, "vvvv", new byte[] {(byte) 0xFF});
    assertReason(() -> avro.decode(value), CodecException.INVALID_UTF8)
        .hasMessageContaining("field attributes");
  }

  @Test
  void aGenuineReplacementCharacterIsValidText() throws CodecException {
    Document doc = document("a real \uFFFD in the text", Map.of("k\uFFFD", "v"));
    assertThat(avro.decode(avro.encode(doc))).isEqualTo(doc);
    assertThat(json.decode(json.encode(doc))).isEqualTo(doc);
  }

  @Test
  void jsonWithMalformedBytesIsInvalidUtf8EvenWhereJacksonWouldAcceptIt() {
    for (byte[] bad : MALFORMED) {
      byte[] bytes = "{\"id\":\"d1\",\"text\":\"XXXX\"}".getBytes(UTF_8);
      byte[] out = new byte[bytes.length - 4 + bad.length];
      int at = new String(bytes, UTF_8).indexOf("XXXX");
      System.arraycopy(bytes, 0, out, 0, at);
      System.arraycopy(bad, 0, out, at, bad.length);
      System.arraycopy(bytes, at + 4, out, at + bad.length, bytes.length - at - 4);
      assertReason(() -> json.decode(out), CodecException.INVALID_UTF8)
          .hasMessageContaining("not valid UTF-8");
    }
  }

  @Test
  void jsonEscapesOfUnpairedSurrogatesAreInvalid() throws CodecException {
    // Valid JSON, but the text it spells is not Unicode.
    assertReason(
            () -> json.decode("{\"id\":\"d1\",\"text\":\"ab\\ud800\"}".getBytes(UTF_8)),
            CodecException.INVALID_UTF8)
        .hasMessageContaining("'text'")
        .hasMessageContaining("unpaired surrogate");
    assertReason(
            () ->
                json.decode(
                    "{\"id\":\"d1\",\"text\":\"t\",\"attributes\":{\"\\udc00\":\"v\"}}"
                        .getBytes(UTF_8)),
            CodecException.INVALID_UTF8)
        .hasMessageContaining("attributes");
    assertReason(
            () -> jsonQueries.decode("{\"query_id\":\"\\ud800\",\"text\":\"t\"}".getBytes(UTF_8)),
            CodecException.INVALID_UTF8)
        .hasMessageContaining("query_id");
    // A correctly escaped pair is fine.
    Document ok = json.decode("{\"id\":\"d1\",\"text\":\"\\ud83d\\ude00\"}".getBytes(UTF_8));
    assertThat(ok.getText()).isEqualTo("\uD83D\uDE00");
  }

  private static Document document(String text, Map<String, String> attributes) {
    return Document.newBuilder().setId("d1").setText(text).setAttributes(attributes).build();
  }

  /** Replaces the UTF-8 bytes of {@code marker} (same length or longer than {@code with}). */
  private static void overwrite(byte[] bytes, String marker, byte[] with) {
    byte[] m = marker.getBytes(UTF_8);
    int at = indexOf(bytes, m);
    assertThat(at).as("marker in encoding").isNotNegative();
    // Pad with ASCII so the Avro length prefix stays right.
    for (int i = 0; i < m.length; i++) {
      bytes[at + i] = i < with.length ? with[i] : (byte) 'x';
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static boolean strictlyDecodable(byte[] b) {
    try {
      UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
