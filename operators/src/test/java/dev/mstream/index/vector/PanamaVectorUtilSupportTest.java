package dev.mstream.index.vector;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the shared checks on the Vector API kernels. The build passes {@code --add-modules
 * jdk.incubator.vector} to tests (parent property {@code surefire.argLine}), so this must not skip
 * there; run from an IDE without the flag it fails with a clear message.
 */
class PanamaVectorUtilSupportTest extends BaseVectorUtilSupportTest {

  private static VectorUtilSupport support;

  @BeforeAll
  static void load() {
    assertThat(VectorizationProvider.vectorModulePresent())
        .as("tests must run with --add-modules jdk.incubator.vector")
        .isTrue();
    support = VectorizationProvider.create("panama");
  }

  @Override
  protected VectorUtilSupport support() {
    return support;
  }

  @Test
  void isThePanamaImplementation() {
    assertThat(support.name()).isEqualTo("panama");
    assertThat(support).isInstanceOf(PanamaVectorUtilSupport.class);
  }
}
