package dev.mstream.index;

/** The funnel with float16 codes. */
class Float16FunnelVectorIndexOperatorTest extends VectorIndexOperatorTest {
  @Override
  IndexSettings settings() {
    return new IndexSettings(
        "test-model", DIM, 3, PrefixEncoding.FLOAT16, true, 4, 3, 100, 1, 0, true);
  }
}
