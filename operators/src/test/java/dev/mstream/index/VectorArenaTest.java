package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.index.vector.VectorUtil;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VectorArenaTest {

  @Test
  void matchesBruteForceUnderRandomUpsertsAndDeletes() {
    int dim = 16;
    Random rnd = new Random(42);
    VectorArena arena = new VectorArena(dim, 2);
    Map<String, float[]> truth = new HashMap<>();
    Map<String, String> namespaceOf = new HashMap<>();
    for (int step = 0; step < 5_000; step++) {
      String id = "d" + rnd.nextInt(400);
      if (rnd.nextInt(4) == 0) {
        assertThat(arena.remove(id)).isEqualTo(truth.remove(id) != null);
        namespaceOf.remove(id);
      } else {
        float[] v = randomUnit(rnd, dim);
        String ns = "ns" + rnd.nextInt(3);
        arena.put(id, ns, Map.of(), v);
        truth.put(id, v);
        namespaceOf.put(id, ns);
      }
    }
    assertThat(arena.size()).isEqualTo(truth.size());
    for (int q = 0; q < 50; q++) {
      float[] query = randomUnit(rnd, dim);
      String ns = "ns" + rnd.nextInt(3);
      SearchHits hits = arena.search(ns, Map.of(), query, 10);
      List<String> expected = bruteForce(truth, namespaceOf, ns, query, 10);
      assertThat(List.of(hits.ids())).containsExactlyElementsOf(expected);
      assertThat(hits.scanned()).isEqualTo(arena.size(ns));
    }
  }

  @Test
  void reusesFreedSlots() {
    VectorArena arena = new VectorArena(2, 4);
    for (int i = 0; i < 4; i++) {
      arena.put("d" + i, "n", Map.of(), new float[] {1, 0});
    }
    long bytes = arena.vectorBytes();
    for (int round = 0; round < 100; round++) {
      arena.remove("d" + (round % 4));
      arena.put("d" + (round % 4), "n", Map.of(), new float[] {0, 1});
    }
    assertThat(arena.vectorBytes()).isEqualTo(bytes);
    assertThat(arena.size()).isEqualTo(4);
  }

  private static List<String> bruteForce(
      Map<String, float[]> truth, Map<String, String> ns, String want, float[] q, int k) {
    List<Map.Entry<String, Float>> scored = new ArrayList<>();
    for (var e : truth.entrySet()) {
      if (ns.get(e.getKey()).equals(want)) {
        scored.add(Map.entry(e.getKey(), VectorUtil.dot(e.getValue(), q)));
      }
    }
    scored.sort((a, b) -> Float.compare(b.getValue(), a.getValue()));
    return scored.stream().limit(k).map(Map.Entry::getKey).toList();
  }

  private static float[] randomUnit(Random rnd, int dim) {
    float[] v = new float[dim];
    double n = 0;
    for (int i = 0; i < dim; i++) {
      v[i] = (float) rnd.nextGaussian();
      n += v[i] * v[i];
    }
    for (int i = 0; i < dim; i++) {
      v[i] /= (float) Math.sqrt(n);
    }
    return v;
  }
}
