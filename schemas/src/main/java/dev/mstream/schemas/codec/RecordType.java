package dev.mstream.schemas.codec;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Conversion;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/** A generated record class with its schema and the Avro data model that builds its instances. */
final class RecordType<T extends SpecificRecord> {

  final Class<T> type;
  final Schema schema;
  final SpecificData model;

  private RecordType(Class<T> type, Schema schema, SpecificData model) {
    this.type = type;
    this.schema = schema;
    this.model = model;
  }

  static <T extends SpecificRecord> RecordType<T> of(Class<T> type) {
    SpecificData classModel = SpecificData.getForClass(type);
    Schema schema;
    try {
      schema = classModel.getSchema(type);
    } catch (AvroRuntimeException e) {
      throw new IllegalArgumentException(type.getName() + " is not a generated Avro record", e);
    }
    // Nested records (Hit, Timings) are looked up by name; under Flink the record classes live in
    // the job's class loader, which is not necessarily the one Avro's default model would use. The
    // conversions come from the class's own model so that timestamp-millis stays an Instant.
    SpecificData model = new SpecificData(type.getClassLoader());
    for (Conversion<?> conversion : classModel.getConversions()) {
      model.addLogicalTypeConversion(conversion);
    }
    return new RecordType<>(type, schema, model);
  }

  String name() {
    return schema.getName();
  }
}
