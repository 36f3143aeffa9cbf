package dev.mstream.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.index.vector.VectorUtil;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PrefixArenaTest {

  @ParameterizedTest
  @EnumSource(
      value = PrefixEncoding.class,
      names = {"INT8", "FLOAT16"})
  void shortlistFindsTheExactNeighboursAndNothingStale(PrefixEncoding encoding) {
    int dim = 32;
    Random rnd = new Random(11);
    float[][] pool = TestVectors.correlated(rnd, 3000, dim);
    PrefixArena arena = new PrefixArena(Projection.fitPca(pool, 16), encoding, 4);
    Map<String, float[]> truth = new HashMap<>();
    Map<String, String> namespaceOf = new HashMap<>();
    Map<String, Map<String, String>> attrsOf = new HashMap<>();
    for (int step = 0; step < 6000; step++) {
      String id = "doc-" + rnd.nextInt(1500);
      if (rnd.nextInt(5) == 0) {
        assertThat(arena.remove(id)).isEqualTo(truth.remove(id) != null);
        namespaceOf.remove(id);
        attrsOf.remove(id);
      } else {
        float[] v = pool[rnd.nextInt(pool.length)];
        String ns = "ns" + rnd.nextInt(2);
        Map<String, String> attrs = rnd.nextBoolean() ? Map.of("color", "red") : Map.of();
        arena.put(id, ns, attrs, v);
        truth.put(id, v);
        namespaceOf.put(id, ns);
        attrsOf.put(id, attrs);
      }
    }
    assertThat(arena.size()).isEqualTo(truth.size());
    for (String id : truth.keySet()) {
      assertThat(arena.contains(id)).isTrue();
    }

    double recall = 0;
    for (int q = 0; q < 50; q++) {
      float[] query = pool[rnd.nextInt(pool.length)];
      for (Map<String, String> filter : List.of(Map.<String, String>of(), Map.of("color", "red"))) {
        List<String> expected = exact(truth, namespaceOf, attrsOf, "ns0", filter, query, 10);
        // A shortlist covering the whole namespace holds every matching document exactly once.
        Shortlist all = arena.shortlist("ns0", filter, query, 16, truth.size());
        Set<String> listed = new HashSet<>();
        for (int slot : all.slots()) {
          String id = arena.idOf(slot);
          assertThat(listed.add(id)).isTrue();
          assertThat(namespaceOf.get(id)).isEqualTo("ns0");
          assertThat(attrsOf.get(id)).containsAllEntriesOf(filter);
        }
        assertThat(listed).containsAll(expected);
        assertThat(all.scanned()).isEqualTo(listed.size());

        Shortlist shortlist = arena.shortlist("ns0", filter, query, 16, 100);
        Set<String> top = new HashSet<>();
        for (int slot : shortlist.slots()) {
          top.add(arena.idOf(slot));
        }
        recall += expected.stream().filter(top::contains).count() / (double) expected.size();
      }
    }
    // 16 of 32 rotated dims, 100 candidates out of ~600: the true top-10 is (almost) always in.
    assertThat(recall / 100).isGreaterThan(0.97);
  }

  @org.junit.jupiter.api.Test
  void unknownNamespaceOrFilterValueFindsNothing() {
    float[][] pool = TestVectors.correlated(new Random(1), 100, 8);
    PrefixArena arena = new PrefixArena(Projection.fitPca(pool, 4), PrefixEncoding.INT8, 4);
    arena.put("a", "ns", Map.of("k", "v"), pool[0]);
    assertThat(arena.shortlist("other", Map.of(), pool[0], 4, 10).size()).isZero();
    assertThat(arena.shortlist("ns", Map.of("k", "w"), pool[0], 4, 10).size()).isZero();
    assertThat(arena.shortlist("ns", Map.of("k", "v"), pool[0], 4, 10).size()).isEqualTo(1);
  }

  @org.junit.jupiter.api.Test
  void heapPerDocumentStaysSmall() {
    float[][] pool = TestVectors.correlated(new Random(2), 2000, 64);
    PrefixArena arena = new PrefixArena(Projection.fitPca(pool, 64), PrefixEncoding.INT8, 1 << 16);
    for (int i = 0; i < 1 << 16; i++) {
      arena.put("doc-" + i, "default", Map.of(), pool[i % pool.length]);
    }
    // 64 code bytes + namespace + slot bookkeeping + ~10 id bytes + hash table.
    assertThat(arena.heapBytes() / (double) arena.size()).isLessThan(100);
  }

  private static List<String> exact(
      Map<String, float[]> truth,
      Map<String, String> ns,
      Map<String, Map<String, String>> attrs,
      String want,
      Map<String, String> filter,
      float[] q,
      int k) {
    List<Map.Entry<String, Float>> scored = new ArrayList<>();
    for (var e : truth.entrySet()) {
      if (ns.get(e.getKey()).equals(want)
          && attrs.get(e.getKey()).entrySet().containsAll(filter.entrySet())) {
        scored.add(Map.entry(e.getKey(), VectorUtil.dot(e.getValue(), q)));
      }
    }
    scored.sort((a, b) -> Float.compare(b.getValue(), a.getValue()));
    return scored.stream().limit(k).map(Map.Entry::getKey).toList();
  }
}
