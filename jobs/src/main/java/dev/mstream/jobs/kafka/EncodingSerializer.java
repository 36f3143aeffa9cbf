package dev.mstream.jobs.kafka;

import dev.mstream.schemas.codec.Codecs;
import dev.mstream.schemas.codec.Encoding;
import dev.mstream.schemas.codec.RecordCodec;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes internal records to one topic: converted to their Avro record, encoded with the job's
 * encoding, keyed by bytes derived from the record (the query id for results, the original key for
 * dead letters).
 */
@Internal
public final class EncodingSerializer<T, A extends SpecificRecord>
    implements KafkaRecordSerializationSchema<T> {

  private static final long serialVersionUID = 1L;

  private final String topic;
  private final Class<A> avroType;
  private final Encoding encoding;
  private final SerializableFunction<T, A> toAvro;
  private final SerializableFunction<T, byte[]> key;

  private transient RecordCodec<A> codec;

  public EncodingSerializer(
      String topic,
      Class<A> avroType,
      Encoding encoding,
      SerializableFunction<T, A> toAvro,
      SerializableFunction<T, byte[]> key) {
    this.topic = topic;
    this.avroType = avroType;
    this.encoding = encoding;
    this.toAvro = toAvro;
    this.key = key;
  }

  @Override
  public void open(
      SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
    codec = Codecs.of(avroType, encoding);
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext ctx, Long timestamp) {
    return new ProducerRecord<>(
        topic, null, timestamp, key.apply(element), codec.encode(toAvro.apply(element)));
  }
}
