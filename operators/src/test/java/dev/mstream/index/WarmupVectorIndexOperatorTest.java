package dev.mstream.index;

/** Before the projection is fitted: exact search over heap vectors. */
class WarmupVectorIndexOperatorTest extends VectorIndexOperatorTest {
  @Override
  IndexSettings settings() {
    return new IndexSettings(
        "test-model", DIM, 2, PrefixEncoding.INT8, true, 10_000, 2, 100, 1, 0, true);
  }
}
