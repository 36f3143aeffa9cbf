package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * Committed bytes of every index state serializer, as this and earlier builds wrote them: one
 * record of each type in its newest format, and each serializer's snapshot as it is written into
 * checkpoints and savepoints. The tests fail when a change would make the state of a deployed job
 * unreadable, or silently change the bytes of a format that is already out there.
 *
 * <p>Fixtures are added, never rewritten ({@code src/test/resources/state-fixtures/README.md}): a
 * new format gets a new file, written with {@code -Dmstream.fixtures.write=true}.
 */
class StateSerializerFixturesTest {

  static final String DIR = "src/test/resources/state-fixtures/";

  /** A record of one type, the serializer and the fixture name of its newest format. */
  record Fixture<T>(String name, TypeSerializer<T> serializer, T expected) {}

  /**
   * 6 dims, a 4-dim prefix (its own rows and scales), 4-bit codes, two centroids on 2 dims, 2
   * probes and 40 candidates measured at fit time.
   */
  static IndexFit fit() {
    return fit(2, 40);
  }

  static IndexFit fit(int fittedProbes, int fittedCandidates) {
    float[] rows = new float[4 * 6];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = (i % 7 - 3) / 4f;
    }
    Projection projection =
        new Projection(6, 4, rows, new float[] {0.01f, 0.02f, 0.03f, 0.04f}, false);
    ScalarQuantizer grid =
        new ScalarQuantizer(
            new int[] {4},
            new float[] {-1f, -0.5f, 0f, 0.25f},
            new float[] {0.125f, 0.0625f, 1f, 2f});
    Centroids centroids = new Centroids(2, new float[] {0.5f, -0.5f, -0.75f, 0.25f});
    return new IndexFit(
        projection,
        PrefixEncoding.PACKED,
        grid,
        centroids,
        4096L,
        0.875f,
        0.1f,
        fittedProbes,
        fittedCandidates);
  }

  static final List<Fixture<?>> RECORDS =
      List.of(
          new Fixture<>(
              "StoredDocument-v2",
              StoredDocumentSerializer.INSTANCE,
              StoredDocumentSerializerTest.CHUNKED),
          new Fixture<>(
              "PrefixEntry-v3",
              PrefixEntrySerializer.INSTANCE,
              new PrefixEntry(
                  "news",
                  Map.of("lang", "en"),
                  0x1122334455667788L,
                  new byte[] {1, -127, 127, 0, 5, 6},
                  new int[] {3, 0})),
          new Fixture<>("IndexFit-v3", IndexFitSerializer.INSTANCE, fit()),
          new Fixture<>("Projection-v1", ProjectionSerializer.INSTANCE, fit().projection()));

  /** Records of formats that are out there but no longer written: they read as these objects. */
  static final List<Fixture<?>> OLDER_RECORDS =
      List.of(
          // Format 2 had no fit-time probes: it reads with none.
          new Fixture<>("IndexFit-v2", IndexFitSerializer.INSTANCE, fit(0, 0)));

  static final List<TypeSerializer<?>> SERIALIZERS =
      List.of(
          StoredDocumentSerializer.INSTANCE,
          PrefixEntrySerializer.INSTANCE,
          IndexFitSerializer.INSTANCE,
          ProjectionSerializer.INSTANCE);

  @Test
  void theCommittedRecordsReadAsTheirObjectsAndAreWrittenByteForByte() throws IOException {
    for (Fixture<?> f : RECORDS) {
      byte[] bytes = assertReadsAsExpected(f);
      assertThat(HexFormat.of().formatHex(serialize(f)))
          .as("%s: a format out there must not change; add a new version instead", f.name())
          .isEqualTo(HexFormat.of().formatHex(bytes));
    }
  }

  @Test
  void theCommittedRecordsOfOlderFormatsRead() throws IOException {
    for (Fixture<?> f : OLDER_RECORDS) {
      assertReadsAsExpected(f);
    }
  }

  /** Reads the fixture's committed bytes, checks they decode to its object, returns them. */
  private static byte[] assertReadsAsExpected(Fixture<?> f) throws IOException {
    byte[] bytes = read(f.name() + ".hex");
    assertThat(f.serializer().deserialize(new DataInputDeserializer(bytes)))
        .as(f.name())
        .isEqualTo(f.expected());
    return bytes;
  }

  /**
   * Snapshots written before they recorded the format (as {@code SimpleTypeSerializerSnapshot}
   * wrote them, version 3, no payload) restore this build's serializer, compatible as is: the
   * records carry their own format byte, which this build reads for every version up to its own.
   */
  @Test
  void snapshotsOfTheEarlierBuildRestoreAndAreCompatibleAsIs() throws IOException {
    for (TypeSerializer<?> s : SERIALIZERS) {
      assertCompatibleAsIs(s, snapshotFixture(s, "v3"));
    }
  }

  /** Snapshots that record the newest format written (version 4). */
  @Test
  void snapshotsThatRecordTheirFormatRestoreAndAreCompatibleAsIs() throws IOException {
    for (TypeSerializer<?> s : SERIALIZERS) {
      assertCompatibleAsIs(s, snapshotFixture(s, "v4"));
    }
  }

  /** State of a newer build fails on restore, not on the first record read. */
  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void aSnapshotOfANewerFormatIsIncompatible() throws IOException {
    for (TypeSerializer<?> s : SERIALIZERS) {
      DataOutputSerializer out = new DataOutputSerializer(64);
      TypeSerializerSnapshot.writeVersionedSnapshot(out, s.snapshotConfiguration());
      byte[] bytes = out.getCopyOfBuffer();
      bytes[bytes.length - 1] = (byte) (bytes[bytes.length - 1] + 1); // one past this build's
      TypeSerializerSnapshot newer =
          TypeSerializerSnapshot.readVersionedSnapshot(
              new DataInputDeserializer(bytes), StateSerializerFixturesTest.class.getClassLoader());
      assertThat(s.snapshotConfiguration().resolveSchemaCompatibility(newer).isIncompatible())
          .as(s.getClass().getSimpleName())
          .isTrue();
    }
  }

  @Test
  void theCurrentSnapshotsRoundTripAndAreCompatibleAsIs() throws IOException {
    for (TypeSerializer<?> s : SERIALIZERS) {
      DataOutputSerializer out = new DataOutputSerializer(64);
      TypeSerializerSnapshot.writeVersionedSnapshot(out, s.snapshotConfiguration());
      assertCompatibleAsIs(s, out.getCopyOfBuffer());
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void assertCompatibleAsIs(TypeSerializer<?> s, byte[] snapshotBytes)
      throws IOException {
    TypeSerializerSnapshot old =
        TypeSerializerSnapshot.readVersionedSnapshot(
            new DataInputDeserializer(snapshotBytes),
            StateSerializerFixturesTest.class.getClassLoader());
    assertThat(old).isInstanceOf(s.snapshotConfiguration().getClass());
    assertThat(old.restoreSerializer()).isSameAs(s);
    assertThat(s.snapshotConfiguration().resolveSchemaCompatibility(old).isCompatibleAsIs())
        .as(s.getClass().getSimpleName())
        .isTrue();
  }

  static byte[] snapshotFixture(TypeSerializer<?> s, String version) throws IOException {
    return read(s.getClass().getSimpleName() + "-snapshot-" + version + ".hex");
  }

  @SuppressWarnings("unchecked")
  private static <T> byte[] serialize(Fixture<T> f) throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(64);
    f.serializer().serialize(f.expected(), out);
    return out.getCopyOfBuffer();
  }

  static byte[] read(String name) throws IOException {
    try (var in =
        StateSerializerFixturesTest.class.getResourceAsStream("/state-fixtures/" + name)) {
      if (in == null) {
        throw new IOException("missing test resource /state-fixtures/" + name);
      }
      return HexFormat.of()
          .parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
    }
  }

  /** Writes the fixtures that do not exist yet; never one that does. */
  @Test
  void write() throws IOException {
    assumeThat(System.getProperty("mstream.fixtures.write"))
        .as("set -Dmstream.fixtures.write=true to write missing state fixtures")
        .isNotNull();
    for (Fixture<?> f : RECORDS) {
      writeIfMissing(f.name() + ".hex", serialize(f));
    }
    String snapshotVersion = System.getProperty("mstream.fixtures.snapshot-version", "v4");
    for (TypeSerializer<?> s : SERIALIZERS) {
      DataOutputSerializer out = new DataOutputSerializer(64);
      TypeSerializerSnapshot.writeVersionedSnapshot(out, s.snapshotConfiguration());
      writeIfMissing(
          s.getClass().getSimpleName() + "-snapshot-" + snapshotVersion + ".hex",
          out.getCopyOfBuffer());
    }
  }

  private static void writeIfMissing(String name, byte[] bytes) throws IOException {
    Path path = Path.of(DIR, name);
    if (!Files.exists(path)) {
      Files.writeString(path, HexFormat.of().formatHex(bytes) + "\n", StandardCharsets.US_ASCII);
    }
  }
}
