package dev.mstream.records;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every record that crosses the network or sits in state must be a Flink POJO all the way down: the
 * job disables generic types, so a field that would fall back to Kryo fails at submission.
 */
class RecordTypesTest {

  @ParameterizedTest
  @ValueSource(
      classes = {
        DocumentChange.class,
        SearchRequest.class,
        PartialResult.class,
        SearchResult.class,
        ScoredHit.class,
        RawRecord.class,
        DeadLetterRecord.class
      })
  void isAPojoWithoutGenericFields(Class<?> type) {
    TypeInformation<?> info = TypeInformation.of(type);
    assertThat(info).isInstanceOf(PojoTypeInfo.class);
    assertThat(info.toString()).doesNotContain("GenericType");
    SerializerConfigImpl config = new SerializerConfigImpl();
    config.setGenericTypes(false);
    // Throws UnsupportedOperationException if any nested type needs Kryo.
    assertThat(info.createSerializer(config)).isNotNull();
    assertThat(info).isNotInstanceOf(GenericTypeInfo.class);
  }
}
