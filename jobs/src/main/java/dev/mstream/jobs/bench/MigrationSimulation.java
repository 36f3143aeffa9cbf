package dev.mstream.jobs.bench;

import dev.mstream.embed.EmbedderOptions;
import dev.mstream.embed.ModelIdentity;
import dev.mstream.embed.ModelProfile;
import dev.mstream.embed.OnnxEmbeddingModel;
import dev.mstream.embed.TextRole;
import dev.mstream.jobs.eval.BeirDataset;
import dev.mstream.jobs.eval.Progress;
import dev.mstream.jobs.eval.RetrievalMetrics;
import dev.mstream.records.DocumentChange;
import dev.mstream.schemas.Document;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/**
 * A model migration from A to B, simulated offline on a BEIR dataset to decide how an index should
 * answer while it is half re-embedded. Every document and test query is embedded with both models
 * (cached); documents are migrated in a random order; at each step (a fraction of the documents
 * re-embedded with B), every test query is answered by exact search over all documents with each
 * strategy, and nDCG@10 / recall@100 are computed against the judgments:
 *
 * <ul>
 *   <li><b>cut-over</b>: A's vectors answer until every document has B's, then B's (what an index
 *       that switches atomically at the end gives);
 *   <li><b>union, raw</b>: migrated documents scored with B (query embedded by B), the others with
 *       A, merged on their raw cosines;
 *   <li><b>union, per-query linear</b>: as raw, but each query's A scores are mapped onto B's scale
 *       by a least-squares line fitted on the migrated documents (which have both vectors);
 *   <li><b>union, Procrustes</b>: an orthogonal map W (A space to B space) fitted on the migrated
 *       documents' vector pairs (W = U V^T from the SVD of A^T B); unmigrated documents are scored
 *       as (a W) · q_B, so every document is scored in B's space;
 *   <li><b>union, least squares</b>: the same with an unconstrained (ridge) linear map, normalised.
 * </ul>
 *
 * No index code is involved: this measures what the scores allow, an upper bound for a funnel that
 * shortlists on prefixes first.
 */
public final class MigrationSimulation {

  /** nDCG@10 and recall@100 of one strategy at one step. */
  public record Score(double ndcg10, double recall100) {}

  /** One step of the migration: the fraction of documents re-embedded, and each strategy. */
  public record Step(double fraction, Map<String, Score> strategies) {}

  static final List<String> STRATEGIES =
      List.of(
          "cut-over",
          "union, raw",
          "union, per-query linear",
          "union, Procrustes",
          "union, least squares");

  private MigrationSimulation() {}

  public static List<Step> run(
      BeirDataset data,
      ModelProfile a,
      ModelProfile b,
      List<Double> fractions,
      long seed,
      Path cache,
      Progress progress)
      throws Exception {
    List<Document> docs = data.corpus();
    List<String> docTexts = new ArrayList<>();
    for (Document d : docs) {
      // title and text joined as the job's document decoder joins them
      docTexts.add(
          DocumentChange.upsert(d.getId(), "default", d.getTitle(), d.getText(), Map.of(), 0L)
              .text);
    }
    List<String> queryIds = new ArrayList<>(data.qrels().keySet());
    queryIds.retainAll(data.queries().keySet());
    List<String> queryTexts = queryIds.stream().map(data.queries()::get).toList();

    float[][] docsA = embed(a, docTexts, TextRole.DOCUMENT, cache, data.name(), progress);
    float[][] docsB = embed(b, docTexts, TextRole.DOCUMENT, cache, data.name(), progress);
    float[][] queriesA = embed(a, queryTexts, TextRole.QUERY, cache, data.name(), progress);
    float[][] queriesB = embed(b, queryTexts, TextRole.QUERY, cache, data.name(), progress);

    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < docs.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(seed));

    List<Step> steps = new ArrayList<>();
    for (double fraction : fractions) {
      int migratedCount = (int) Math.round(fraction * docs.size());
      boolean[] migrated = new boolean[docs.size()];
      for (int i = 0; i < migratedCount; i++) {
        migrated[order.get(i)] = true;
      }
      float[][] procrustes = migratedCount >= 2 ? map(docsA, docsB, migrated, true) : null;
      float[][] leastSquares = migratedCount >= 2 ? map(docsA, docsB, migrated, false) : null;
      Map<String, Score> byStrategy = new LinkedHashMap<>();
      for (String strategy : STRATEGIES) {
        Map<String, List<RetrievalMetrics.Scored>> runs = new LinkedHashMap<>();
        for (int q = 0; q < queryIds.size(); q++) {
          double[] scores = new double[docs.size()];
          boolean all = migratedCount == docs.size();
          boolean none = migratedCount == 0;
          if (all || none || strategy.equals("cut-over")) {
            float[][] space = all ? docsB : docsA;
            float[] query = all ? queriesB[q] : queriesA[q];
            for (int d = 0; d < scores.length; d++) {
              scores[d] = dot(space[d], query);
            }
          } else {
            for (int d = 0; d < scores.length; d++) {
              scores[d] =
                  migrated[d]
                      ? dot(docsB[d], queriesB[q])
                      : switch (strategy) {
                        case "union, Procrustes" -> dot(procrustes[d], queriesB[q]);
                        case "union, least squares" -> dot(leastSquares[d], queriesB[q]);
                        default -> dot(docsA[d], queriesA[q]);
                      };
            }
            if (strategy.equals("union, per-query linear")) {
              calibrate(scores, migrated, docsA, queriesA[q]);
            }
          }
          runs.put(queryIds.get(q), top(scores, docs, 100));
        }
        RetrievalMetrics.Summary s =
            RetrievalMetrics.evaluate(data.qrels(), runs, List.of(10, 100), true);
        byStrategy.put(strategy, new Score(s.ndcg(10), s.recall(100)));
      }
      steps.add(new Step(fraction, byStrategy));
    }
    return steps;
  }

  /**
   * Maps the unmigrated documents' A scores onto B's scale: the least-squares line s_B = α s_A + β
   * through the migrated documents, which have both scores for this query.
   */
  private static void calibrate(
      double[] scores, boolean[] migrated, float[][] docsA, float[] queryA) {
    double n = 0;
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double sxy = 0;
    double[] a = new double[scores.length];
    for (int d = 0; d < scores.length; d++) {
      a[d] = dot(docsA[d], queryA);
      if (migrated[d]) {
        n++;
        sx += a[d];
        sy += scores[d];
        sxx += a[d] * a[d];
        sxy += a[d] * scores[d];
      }
    }
    double alpha = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    double beta = (sy - alpha * sx) / n;
    for (int d = 0; d < scores.length; d++) {
      if (!migrated[d]) {
        scores[d] = alpha * a[d] + beta;
      }
    }
  }

  /**
   * Every document's A vector mapped into B's space by a linear map fitted on the migrated
   * documents' pairs: orthogonal (Procrustes) or ridge least squares; rows L2-normalised.
   */
  static float[][] map(float[][] docsA, float[][] docsB, boolean[] migrated, boolean orthogonal) {
    int da = docsA[0].length;
    int db = docsB[0].length;
    double[][] ata = new double[da][da];
    double[][] atb = new double[da][db];
    for (int d = 0; d < docsA.length; d++) {
      if (!migrated[d]) {
        continue;
      }
      float[] x = docsA[d];
      float[] y = docsB[d];
      for (int i = 0; i < da; i++) {
        for (int j = 0; j < da; j++) {
          ata[i][j] += x[i] * x[j];
        }
        for (int j = 0; j < db; j++) {
          atb[i][j] += x[i] * y[j];
        }
      }
    }
    RealMatrix w;
    if (orthogonal) {
      SingularValueDecomposition svd =
          new SingularValueDecomposition(new Array2DRowRealMatrix(atb));
      w = svd.getU().multiply(svd.getVT());
    } else {
      double trace = 0;
      for (int i = 0; i < da; i++) {
        trace += ata[i][i];
      }
      double lambda = 1e-2 * trace / da;
      for (int i = 0; i < da; i++) {
        ata[i][i] += lambda;
      }
      w =
          new CholeskyDecomposition(new Array2DRowRealMatrix(ata))
              .getSolver()
              .solve(new Array2DRowRealMatrix(atb));
    }
    double[][] wm = w.getData();
    float[][] out = new float[docsA.length][db];
    for (int d = 0; d < docsA.length; d++) {
      double norm = 0;
      for (int j = 0; j < db; j++) {
        double s = 0;
        for (int i = 0; i < da; i++) {
          s += docsA[d][i] * wm[i][j];
        }
        out[d][j] = (float) s;
        norm += s * s;
      }
      float inv = (float) (1 / Math.sqrt(Math.max(norm, 1e-12)));
      for (int j = 0; j < db; j++) {
        out[d][j] *= inv;
      }
    }
    return out;
  }

  private static List<RetrievalMetrics.Scored> top(double[] scores, List<Document> docs, int k) {
    Integer[] idx = new Integer[scores.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    java.util.Arrays.sort(idx, (x, y) -> Double.compare(scores[y], scores[x]));
    List<RetrievalMetrics.Scored> out = new ArrayList<>(k);
    for (int i = 0; i < Math.min(k, idx.length); i++) {
      out.add(new RetrievalMetrics.Scored(docs.get(idx[i]).getId(), scores[idx[i]]));
    }
    return out;
  }

  private static double dot(float[] x, float[] y) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += x[i] * y[i];
    }
    return s;
  }

  /** The texts' vectors under {@code profile}, from the cache when a previous run made them. */
  private static float[][] embed(
      ModelProfile profile,
      List<String> texts,
      TextRole role,
      Path cache,
      String dataset,
      Progress progress)
      throws IOException {
    ModelIdentity id = ModelIdentity.of(profile);
    Path file =
        cache.resolve(
            "migration-"
                + dataset
                + "-"
                + role.name().toLowerCase(java.util.Locale.ROOT)
                + "-"
                + id.name()
                + "-"
                + id.fingerprint()
                + "-"
                + texts.size()
                + ".f32");
    if (Files.exists(file)) {
      return read(file);
    }
    float[][] out = new float[texts.size()][];
    // Offline: batch freely, batch noise of int8 models is irrelevant to this comparison.
    EmbedderOptions options =
        EmbedderOptions.defaults()
            .withIntraOpThreads(Runtime.getRuntime().availableProcessors())
            .withBatchInvariant(false);
    progress.start("embed " + role + "s with " + profile.name(), texts.size(), "texts");
    try (OnnxEmbeddingModel model = OnnxEmbeddingModel.open(profile, options)) {
      for (int from = 0; from < texts.size(); from += 256) {
        int to = Math.min(texts.size(), from + 256);
        float[][] part = model.embed(texts.subList(from, to), role);
        System.arraycopy(part, 0, out, from, part.length);
        progress.update(to);
      }
    } finally {
      progress.finish();
    }
    Files.createDirectories(cache);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (DataOutputStream o =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
      o.writeInt(out.length);
      o.writeInt(out[0].length);
      for (float[] v : out) {
        for (float f : v) {
          o.writeFloat(f);
        }
      }
    }
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return out;
  }

  private static float[][] read(Path file) throws IOException {
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      float[][] out = new float[in.readInt()][];
      int dim = in.readInt();
      for (int i = 0; i < out.length; i++) {
        out[i] = new float[dim];
        for (int j = 0; j < dim; j++) {
          out[i][j] = in.readFloat();
        }
      }
      return out;
    }
  }
}
