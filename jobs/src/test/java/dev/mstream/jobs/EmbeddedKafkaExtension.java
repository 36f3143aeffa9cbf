package dev.mstream.jobs;

import dev.mstream.jobs.local.EmbeddedKafka;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One embedded Kafka broker shared by the tests of a class, registered as a static field.
 *
 * <p>Give it a higher {@code @Order} than the class's MiniClusterExtension: without one, JUnit's
 * order of two registered extensions is unspecified; with it, the broker starts after the cluster
 * and stops before it, as it did from the test classes' own {@code @BeforeAll}/{@code @AfterAll}.
 *
 * <pre>{@code
 * @RegisterExtension @Order(1) static final MiniClusterExtension FLINK = MiniClusters.of(1, 2);
 * @RegisterExtension @Order(2) static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension(2);
 * }</pre>
 */
public final class EmbeddedKafkaExtension implements BeforeAllCallback, AfterAllCallback {

  private final int partitions;
  private EmbeddedKafka kafka;

  /**
   * @param partitions default partition count of the broker's topics
   */
  public EmbeddedKafkaExtension(int partitions) {
    this.partitions = partitions;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    kafka = EmbeddedKafka.builder().partitions(partitions).start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (kafka != null) {
      kafka.close();
      kafka = null;
    }
  }

  /** The running broker; only between the class's first and last test. */
  public EmbeddedKafka get() {
    if (kafka == null) {
      throw new IllegalStateException("the broker runs only while the test class runs");
    }
    return kafka;
  }

  public String bootstrapServers() {
    return get().bootstrapServers();
  }
}
