package dev.mstream.index;

/** The funnel with float16 codes. */
class Float16FunnelVectorIndexOperatorTest extends VectorIndexOperatorTest {
  @Override
  IndexSettings settings() {
    return IndexSettings.builder("test-model", DIM)
        .prefixDims(3)
        .encoding(PrefixEncoding.FLOAT16)
        .rotate(true)
        .fitSample(4)
        .defaultDims(3)
        .defaultCandidates(100)
        .minDims(1)
        .adaptiveLatencyMillis(0)
        .rerank(true)
        .layout(IndexLayout.FLAT)
        .build();
  }
}
