package dev.mstream.jobs.bench.latency;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LatencySummaryTest {

  @Test
  void percentilesAreNearestRankSoEachIsALatencySomeQueryHad() {
    List<Double> ms = new ArrayList<>();
    for (int i = 1; i <= 1000; i++) {
      ms.add((double) i);
    }
    LatencySummary s = LatencySummary.of(ms);
    assertThat(s.count()).isEqualTo(1000);
    assertThat(s.p50()).isEqualTo(500);
    assertThat(s.p95()).isEqualTo(950);
    assertThat(s.p99()).isEqualTo(990);
    assertThat(s.max()).isEqualTo(1000);
  }

  @Test
  void aFewSamplesAndNone() {
    LatencySummary s = LatencySummary.of(new double[] {7.5, 1.0, 3.0});
    assertThat(s.p50()).isEqualTo(3.0);
    assertThat(s.p99()).isEqualTo(7.5);
    assertThat(s.max()).isEqualTo(7.5);
    assertThat(LatencySummary.of(List.of())).isEqualTo(LatencySummary.EMPTY);
  }
}
