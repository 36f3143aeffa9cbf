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

/**
 * The inverted file against a model of its input: after inserts, updates (also across namespaces
 * and lists), deletes and splits, every live document sits once in the list of its nearest
 * centroid, and nothing else does; probing every list is exact; a selective filter and a small
 * namespace are scanned exactly.
 */
class InvertedFileArenaTest {

  private static final int DIM = 48;

  @ParameterizedTest
  @EnumSource(
      value = PrefixEncoding.class,
      names = {"PACKED", "INT8"})
  void matchesAModelOfItsInputUnderChurn(PrefixEncoding encoding) {
    Random rnd = new Random(21);
    float[][] pool = TestVectors.correlated(rnd, 4000, DIM);
    IndexSettings settings =
        IndexSettings.builder("m", DIM)
            .prefixDims(32)
            .encoding(encoding)
            .centroidDims(8)
            .lists(16)
            .build();
    IndexFit fit = IndexFitter.of(settings).fit(java.util.Arrays.copyOf(pool, 1000), 1000);
    InvertedFileArena ivf = new InvertedFileArena(fit, 200);

    Map<String, float[]> vectorOf = new HashMap<>();
    Map<String, String> namespaceOf = new HashMap<>();
    Map<String, Map<String, String>> attrsOf = new HashMap<>();
    for (int step = 0; step < 12_000; step++) {
      String id = "d" + rnd.nextInt(2500);
      if (rnd.nextInt(6) == 0) {
        assertThat(ivf.remove(id)).isEqualTo(vectorOf.remove(id) != null);
        namespaceOf.remove(id);
        attrsOf.remove(id);
        continue;
      }
      float[] v = pool[rnd.nextInt(pool.length)];
      int r = rnd.nextInt(100);
      String ns = r < 80 ? "big" : r < 97 ? "medium" : "tiny";
      Map<String, String> attrs = new HashMap<>();
      if (rnd.nextBoolean()) {
        attrs.put("color", "red");
      }
      if (rnd.nextInt(50) == 0) {
        attrs.put("rare", "yes");
      }
      PrefixIndex.Encoded e = ivf.encode(v);
      ivf.putEncoded(id, ns, attrs, e.code(), e.centroid());
      vectorOf.put(id, v);
      namespaceOf.put(id, ns);
      attrsOf.put(id, attrs);
    }
    ivf.checkInvariants();
    assertThat(ivf.size()).isEqualTo(vectorOf.size());
    for (Map.Entry<String, float[]> e : vectorOf.entrySet()) {
      float[] prefix = fit.projection().project(e.getValue());
      assertThat(ivf.centroidOf(e.getKey())).isEqualTo(fit.centroids().nearest(prefix));
    }
    for (String ns : List.of("big", "medium", "tiny")) {
      assertThat(ivf.size(ns)).isEqualTo(count(namespaceOf, ns));
    }

    double recall = 0;
    double recallOne = 0;
    int queries = 40;
    for (int q = 0; q < queries; q++) {
      float[] query = pool[rnd.nextInt(pool.length)];
      for (Map<String, String> filter :
          List.<Map<String, String>>of(Map.of(), Map.of("color", "red"), Map.of("rare", "yes"))) {
        for (String ns : List.of("big", "medium", "tiny")) {
          Set<String> matching = matching(namespaceOf, attrsOf, ns, filter);
          // Probing every list with room for every document lists each match exactly once.
          Shortlist all =
              ivf.shortlist(
                  ns, filter, query, SearchPlan.exhaustive(32, Math.max(1, matching.size())));
          Set<String> listed = new HashSet<>();
          for (int slot : all.slots()) {
            assertThat(listed.add(ivf.idOf(slot))).isTrue();
          }
          assertThat(listed).isEqualTo(matching);
          assertThat(all.exact()).isTrue();
        }
      }
      List<String> expected = exact(vectorOf, namespaceOf, "big", query, 10);
      List<String> got = rerank(ivf, vectorOf, "big", query, new SearchPlan(16, 4, 100, 50));
      recall += overlap(expected, got) / 10.0;
      recallOne +=
          overlap(expected, rerank(ivf, vectorOf, "big", query, new SearchPlan(16, 1, 100, 50)))
              / 10.0;
      // Every list probed, every document a candidate: the rerank is exact.
      assertThat(rerank(ivf, vectorOf, "big", query, SearchPlan.exhaustive(32, vectorOf.size())))
          .isEqualTo(expected);

      // The small namespace is one exactly scanned list, whatever the probes.
      Shortlist tiny = ivf.shortlist("tiny", Map.of(), query, new SearchPlan(16, 1, 400, 100));
      assertThat(tiny.exact()).isTrue();
      assertThat(tiny.probes()).isZero();
      // A selective filter is answered from the documents that hold it.
      Shortlist rare =
          ivf.shortlist("big", Map.of("rare", "yes"), query, new SearchPlan(16, 1, 400, 100));
      assertThat(rare.exact()).isTrue();
      assertThat(rare.size())
          .isEqualTo(matching(namespaceOf, attrsOf, "big", Map.of("rare", "yes")).size());
    }
    // More probes find more (correlated Gaussian vectors have no neighbourhoods to speak of, so
    // the level itself says little; real embeddings are measured in the benchmarks).
    assertThat(recall / queries).as("recall at 4 of 16 probes").isGreaterThan(recallOne / queries);
    assertThat(recall / queries).isGreaterThan(0.5);
  }

  /**
   * A prefix of two segments (4 bits on 64 dims by columns, 2 bits on the next 64): the first stage
   * on the whole prefix (block scans) gives the same scores as a first stage on the first segment
   * with every document kept and rescored on the whole prefix one code at a time; so do filters
   * that keep a half, a quarter and one in 40 of the documents (whole blocks scored with only the
   * matching codes offered, or matching codes scored one at a time).
   */
  @org.junit.jupiter.api.Test
  void blockScansOfTwoSegmentsScoreAsCodeByCode() {
    Random rnd = new Random(5);
    int dim = 160;
    float[][] pool = TestVectors.correlated(rnd, 3000, dim);
    IndexSettings settings =
        IndexSettings.builder("m", dim).prefixDims(128).centroidDims(16).lists(8).build();
    IndexFit fit = IndexFitter.of(settings).fit(java.util.Arrays.copyOf(pool, 1000), 1000);
    assertThat(fit.grid().segmentBits()).containsExactly(4, 2);
    InvertedFileArena ivf = new InvertedFileArena(fit, 100);
    for (int i = 0; i < pool.length; i++) {
      PrefixIndex.Encoded e = ivf.encode(pool[i]);
      Map<String, String> attrs = new HashMap<>();
      for (int share : new int[] {2, 4, 40}) {
        if (i % share == 0) {
          attrs.put("one in " + share, "yes");
        }
      }
      ivf.putEncoded("d" + i, "ns", attrs, e.code(), e.centroid());
    }
    for (int i = 0; i < 300; i++) {
      ivf.remove("d" + rnd.nextInt(pool.length)); // holes moved into, partial last blocks
    }
    for (int q = 0; q < 20; q++) {
      float[] query = pool[rnd.nextInt(pool.length)];
      int all = ivf.size();
      Shortlist blocks = ivf.shortlist("ns", Map.of(), query, new SearchPlan(128, 8, 50, 50));
      Shortlist codeByCode = ivf.shortlist("ns", Map.of(), query, new SearchPlan(64, 8, all, 50));
      assertThat(blocks.scores()).containsExactly(codeByCode.scores());
      // Half: lists scanned, whole blocks masked. A quarter and one in 40: scored from the
      // holders of the filter, block by block (whole blocks masked, or code by code).
      for (int share : new int[] {2, 4, 40}) {
        Map<String, String> filter = Map.of("one in " + share, "yes");
        Shortlist maskedBlocks = ivf.shortlist("ns", filter, query, new SearchPlan(128, 8, 50, 50));
        Shortlist maskedCodes = ivf.shortlist("ns", filter, query, new SearchPlan(64, 8, all, 50));
        assertThat(maskedBlocks.scores()).containsExactly(maskedCodes.scores());
        assertThat(maskedBlocks.exact()).isTrue();
        for (int slot : maskedBlocks.slots()) {
          assertThat(Integer.parseInt(ivf.idOf(slot).substring(1)) % share).isZero();
        }
      }
    }
  }

  private static List<String> rerank(
      InvertedFileArena ivf,
      Map<String, float[]> vectorOf,
      String ns,
      float[] query,
      SearchPlan plan) {
    Shortlist s = ivf.shortlist(ns, Map.of(), query, plan);
    Map<String, float[]> candidates = new HashMap<>();
    for (int slot : s.slots()) {
      String id = ivf.idOf(slot);
      candidates.put(id, vectorOf.get(id));
    }
    Map<String, String> all = new HashMap<>();
    candidates.keySet().forEach(id -> all.put(id, ns));
    return exact(candidates, all, ns, query, 10);
  }

  private static int count(Map<String, String> namespaceOf, String ns) {
    return (int) namespaceOf.values().stream().filter(ns::equals).count();
  }

  private static Set<String> matching(
      Map<String, String> namespaceOf,
      Map<String, Map<String, String>> attrsOf,
      String ns,
      Map<String, String> filter) {
    Set<String> out = new HashSet<>();
    namespaceOf.forEach(
        (id, n) -> {
          if (n.equals(ns) && attrsOf.get(id).entrySet().containsAll(filter.entrySet())) {
            out.add(id);
          }
        });
    return out;
  }

  private static List<String> exact(
      Map<String, float[]> vectorOf,
      Map<String, String> namespaceOf,
      String ns,
      float[] query,
      int k) {
    List<String> ids = new ArrayList<>();
    namespaceOf.forEach(
        (id, n) -> {
          if (n.equals(ns)) {
            ids.add(id);
          }
        });
    ids.sort(
        (a, b) -> {
          int c =
              Float.compare(
                  VectorUtil.dot(vectorOf.get(b), query), VectorUtil.dot(vectorOf.get(a), query));
          return c != 0 ? c : a.compareTo(b);
        });
    return ids.subList(0, Math.min(k, ids.size()));
  }

  private static int overlap(List<String> a, List<String> b) {
    Set<String> s = new HashSet<>(a);
    int n = 0;
    for (String x : b) {
      n += s.contains(x) ? 1 : 0;
    }
    return n;
  }
}
