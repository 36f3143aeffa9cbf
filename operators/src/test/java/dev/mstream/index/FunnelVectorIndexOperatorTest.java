package dev.mstream.index;

/** Projection fitted after 4 documents: prefix shortlist, rerank from RocksDB. */
class FunnelVectorIndexOperatorTest extends VectorIndexOperatorTest {
  @Override
  IndexSettings settings() {
    return new IndexSettings(
        "test-model", DIM, 2, PrefixEncoding.INT8, true, 4, 2, 100, 1, 0, true);
  }
}
