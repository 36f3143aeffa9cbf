package dev.mstream.index;

/** Projection fitted after 4 documents: prefix shortlist, rerank from RocksDB. */
class FunnelVectorIndexOperatorTest extends VectorIndexOperatorTest {
  @Override
  IndexSettings settings() {
    return IndexSettings.builder("test-model", DIM)
        .prefixDims(2)
        .encoding(PrefixEncoding.INT8)
        .rotate(true)
        .fitSample(4)
        .defaultDims(2)
        .defaultCandidates(100)
        .minDims(1)
        .adaptiveLatencyMillis(0)
        .rerank(true)
        .layout(IndexLayout.FLAT)
        .build();
  }
}
