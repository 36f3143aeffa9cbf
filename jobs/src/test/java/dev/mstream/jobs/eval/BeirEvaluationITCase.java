package dev.mstream.jobs.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mstream.schemas.ResultStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/**
 * Guards retrieval quality end to end: a fixed slice of SciFact through the real pipeline (embedded
 * Kafka, MiniCluster at parallelism 2, RocksDB, the default int8 model), scored like BEIR. A change
 * in tokenisation, truncation, pooling, normalisation, the index or the merge that moves nDCG@10
 * fails the build. The data is not part of the repository: the test skips where {@code
 * shared/datasets/scifact} is absent.
 */
class BeirEvaluationITCase {

  /**
   * nDCG@10 of this slice (1,051 documents, 50 queries) with all-minilm-l6-v2-q and an exact
   * search, with long abstracts chunked (the default since issue 13), measured with this test on
   * 2026-12-02: 0.86268. Before chunking (every document truncated at 256 tokens) it was 0.85352
   * (2026-11-24, recall@100 1.0, MRR@10 0.8300); the gain is the tails of the abstracts longer than
   * one window, as on the whole of SciFact (docs/quality.md). The default int8 profile runs one
   * text per inference (batch-invariant), so vectors do not depend on batching or parallelism and
   * the value is reproducible. Re-measure and update it only for a deliberate change of
   * tokenisation, pooling or model (see docs/quality.md).
   */
  private static final double EXPECTED_NDCG_AT_10 = 0.8627;

  private static final double TOLERANCE = 0.005;

  @Test
  void sciFactSliceKeepsItsNdcg() throws Exception {
    String shared = System.getProperty("mstream.shared.dir", "../../shared");
    Path dir = Paths.get(shared, "datasets", "scifact");
    assumeTrue(
        Files.isRegularFile(dir.resolve("corpus.jsonl")),
        "SciFact not found at "
            + dir.toAbsolutePath()
            + " (set -Dmstream.shared.dir to the folder holding datasets/); skipping");

    // The first 50 judged test queries, their judged documents and the first 1,000 others.
    BeirDataset slice = BeirDataset.load(dir, "test").slice(50, 1_000);
    assertThat(slice.queries()).hasSize(50);

    // Each subtask holds ~525 documents of the slice: fit the projection after 200 of them, so the
    // 64-dim funnel (shortlist on PCA prefixes, rerank from RocksDB) runs too, on the same index.
    List<BeirEvaluation.Result> sweep =
        BeirEvaluation.run(
            slice,
            new BeirEvaluation.Settings()
                .parallelism(2)
                .k(100)
                // Documents reranked per subtask. At the default (100) the 64-dim funnel's nDCG@10
                // on this chunked slice was 0.86846 against exact 0.86268: its shortlist misses
                // chunks exact search ranks, a recall loss of the flat funnel's fixed default
                // that the calibrated index of issue 10 is to remove; 200 is exact here.
                .candidates(200)
                .options(Configuration.fromMap(Map.of("mstream.index.fit-sample", "200")))
                // 384 = the full dimension: an exact search, so this guards the embeddings and
                // the pipeline, not the tuning of the funnel; 64 then guards the funnel path.
                .dimsSweep(List.of(384, 64)),
            Progress.log());
    BeirEvaluation.Result r = sweep.get(0);
    BeirEvaluation.Result funnel = sweep.get(1);

    System.out.printf(
        "SciFact slice (%d docs, %d queries): ndcg@10=%.5f recall@100=%.4f mrr@10=%.4f;"
            + " 64-dim funnel ndcg@10=%.5f recall@100=%.4f; indexed in %.1f s%n",
        r.documents(),
        r.queries(),
        r.ndcgAt10(),
        r.metrics().recall(100),
        r.metrics().mrr(10),
        funnel.ndcgAt10(),
        funnel.metrics().recall(100),
        r.indexSeconds());
    assertThat(r.statuses()).isEqualTo(Map.of(ResultStatus.OK, 50));
    assertThat(r.metrics().queries()).isEqualTo(50);
    assertThat(r.maxDimsUsed()).isEqualTo(384);
    assertThat(r.ndcgAt10()).isCloseTo(EXPECTED_NDCG_AT_10, within(TOLERANCE));

    // The target for the funnel: within 0.005 nDCG@10 of the exact search.
    assertThat(funnel.statuses()).isEqualTo(Map.of(ResultStatus.OK, 50));
    assertThat(funnel.minDimsUsed()).isEqualTo(64);
    assertThat(funnel.maxDimsUsed()).isEqualTo(64);
    assertThat(funnel.ndcgAt10()).isCloseTo(r.ndcgAt10(), within(0.005));
  }
}
