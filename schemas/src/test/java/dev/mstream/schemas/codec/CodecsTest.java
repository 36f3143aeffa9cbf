package dev.mstream.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mstream.schemas.Document;
import dev.mstream.schemas.Query;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class CodecsTest {

  @Test
  void picksTheCodecForTheEncoding() {
    assertThat(Codecs.of(Document.class, Encoding.AVRO))
        .isInstanceOf(AvroSingleObjectCodec.class)
        .extracting(RecordCodec::encoding)
        .isEqualTo(Encoding.AVRO);
    assertThat(Codecs.of(Query.class, Encoding.JSON))
        .isInstanceOf(JsonCodec.class)
        .extracting(RecordCodec::encoding)
        .isEqualTo(Encoding.JSON);
  }

  @Test
  void rejectsMissingArguments() {
    assertThatThrownBy(() -> Codecs.of(Document.class, null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Codecs.of((Class<SpecificRecord>) null, Encoding.AVRO))
        .isInstanceOf(NullPointerException.class);
  }
}
