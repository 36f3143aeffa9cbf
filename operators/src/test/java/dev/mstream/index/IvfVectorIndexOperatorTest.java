package dev.mstream.index;

/**
 * Inverted file fitted after 4 documents, namespaces split into lists from the start, probes and
 * candidates covering every list: the answers must be exact.
 */
class IvfVectorIndexOperatorTest extends VectorIndexOperatorTest {
  @Override
  IndexSettings settings() {
    return IndexSettings.builder("test-model", DIM)
        .prefixDims(4)
        .fitSample(4)
        .defaultDims(4)
        .defaultCandidates(100)
        .defaultProbes(1000)
        .lists(3)
        .exactBelow(0)
        .targetRecall(0)
        .recallSampleRate(0)
        .build();
  }
}
