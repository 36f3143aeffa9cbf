package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.records.SearchRequest;
import org.junit.jupiter.api.Test;

class AdaptiveDimsTest {

  private static final long NOW = 1_000_000L;
  private static final int PREFIX_DIMS = 16;

  /** Bound 100 ms, default 8 dims, minimum 2. */
  private final AdaptiveDims policy =
      new AdaptiveDims(
          IndexSettings.builder("m", 32)
              .prefixDims(PREFIX_DIMS)
              .encoding(PrefixEncoding.INT8)
              .rotate(true)
              .fitSample(2)
              .defaultDims(8)
              .defaultCandidates(100)
              .minDims(2)
              .adaptiveLatencyMillis(100)
              .rerank(true)
              .layout(IndexLayout.FLAT)
              .build(),
          () -> NOW);

  @Test
  void defaultDimsWhileQueriesArriveOnTime() {
    for (int i = 0; i < 50; i++) {
      assertThat(policy.dimsFor(request(0, NOW - 10), PREFIX_DIMS)).isEqualTo(8);
    }
  }

  @Test
  void minimumDimsOnlyAfterARunOfLateQueries() {
    // Samples are capped at 200 ms: the average passes 100 ms on the 7th (200 * (1 - 0.9^7)).
    for (int i = 0; i < 6; i++) {
      assertThat(policy.dimsFor(request(0, NOW - 5_000), PREFIX_DIMS)).isEqualTo(8);
    }
    assertThat(policy.dimsFor(request(0, NOW - 5_000), PREFIX_DIMS)).isEqualTo(2);
  }

  @Test
  void oneSkewedEventTimeDoesNotLowerTheDims() {
    assertThat(policy.dimsFor(request(0, 1), PREFIX_DIMS)).isEqualTo(8);
    assertThat(policy.dimsFor(request(0, NOW), PREFIX_DIMS)).isEqualTo(8);
  }

  @Test
  void requestedDimsWinButAreClampedToThePrefix() {
    for (int i = 0; i < 20; i++) {
      policy.dimsFor(request(0, NOW - 5_000), PREFIX_DIMS);
    }
    assertThat(policy.dimsFor(request(4, NOW - 5_000), PREFIX_DIMS)).isEqualTo(4);
    assertThat(policy.dimsFor(request(64, NOW - 5_000), PREFIX_DIMS)).isEqualTo(PREFIX_DIMS);
  }

  @Test
  void neverAdaptsWithoutABound() {
    AdaptiveDims off =
        new AdaptiveDims(
            IndexSettings.builder("m", 32)
                .prefixDims(PREFIX_DIMS)
                .encoding(PrefixEncoding.INT8)
                .rotate(true)
                .fitSample(2)
                .defaultDims(8)
                .defaultCandidates(100)
                .minDims(2)
                .adaptiveLatencyMillis(0)
                .rerank(true)
                .layout(IndexLayout.FLAT)
                .build(),
            () -> NOW);
    for (int i = 0; i < 50; i++) {
      assertThat(off.dimsFor(request(0, NOW - 5_000), PREFIX_DIMS)).isEqualTo(8);
    }
  }

  private static SearchRequest request(int dims, long eventTime) {
    SearchRequest r = new SearchRequest();
    r.dims = dims;
    r.eventTime = eventTime;
    return r;
  }
}
