package dev.mstream.index;

/** Before the projection is fitted: exact search over heap vectors. */
class WarmupVectorIndexOperatorTest extends VectorIndexOperatorTest {
  @Override
  IndexSettings settings() {
    return IndexSettings.builder("test-model", DIM)
        .prefixDims(2)
        .encoding(PrefixEncoding.INT8)
        .rotate(true)
        .fitSample(10_000)
        .defaultDims(2)
        .defaultCandidates(100)
        .minDims(1)
        .adaptiveLatencyMillis(0)
        .rerank(true)
        .layout(IndexLayout.FLAT)
        .build();
  }
}
