package dev.mstream.embed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class OnnxEmbeddingModelFactoryTest {

  @Test
  void survivesSerializationAndCreatesAWorkingModel() throws Exception {
    EmbedderOptions options =
        EmbedderOptions.defaults().withIntraOpThreads(2).withMaxBatchSize(8).withDevice("auto");
    EmbeddingModelFactory factory =
        new OnnxEmbeddingModelFactory(ModelProfiles.defaultProfile(), options);

    // what Flink does to an operator's fields on the way to a task manager
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(factory);
    }
    EmbeddingModelFactory copy;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (EmbeddingModelFactory) in.readObject();
    }

    try (EmbeddingModel model = copy.create()) {
      assertThat(model.profile()).isEqualTo(ModelProfiles.defaultProfile());
      assertThat(((OnnxEmbeddingModel) model).options()).isEqualTo(options);
      assertThat(model.embed(List.of("a", "b"), TextRole.DOCUMENT)).hasNumberOfRows(2);
    }
  }

  @Test
  void defaultsUseTheDefaultProfile() {
    OnnxEmbeddingModelFactory factory = OnnxEmbeddingModelFactory.defaults();
    assertThat(factory.profile().name()).isEqualTo(ModelProfiles.DEFAULT);
    assertThat(factory.options()).isEqualTo(EmbedderOptions.defaults());
  }
}
