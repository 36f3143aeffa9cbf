package dev.mstream.index;

/** As {@link IvfVectorIndexOperatorTest}, with INT8 codes, and a 2-dim first stage. */
class Int8IvfVectorIndexOperatorTest extends VectorIndexOperatorTest {
  @Override
  IndexSettings settings() {
    return IndexSettings.builder("test-model", DIM)
        .prefixDims(4)
        .encoding(PrefixEncoding.INT8)
        .fitSample(4)
        .defaultDims(2)
        .minDims(1)
        .defaultCandidates(100)
        .defaultProbes(1000)
        .lists(2)
        .exactBelow(0)
        .targetRecall(0)
        .recallSampleRate(0)
        .build();
  }
}
