package dev.mstream.sql;

import dev.mstream.embed.OnnxEmbeddingModelFactory;
import dev.mstream.embed.TextRole;
import dev.mstream.index.vector.VectorUtil;
import dev.mstream.jobs.MStreamPipeline;
import dev.mstream.records.DocumentChange;
import dev.mstream.records.SearchRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * The job's own vectors for some texts: its embed stage, built as {@link MStreamPipeline} builds it
 * (the model {@code mstream.model} names, the embedder options it derives, the same batch size and
 * delay, documents keyed by id), run on the test's MiniCluster.
 */
public final class JobEmbeddings {

  private JobEmbeddings() {}

  public static Map<String, float[]> of(
      Map<String, String> texts, TextRole role, Configuration conf, int parallelism)
      throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(parallelism);
    OnnxEmbeddingModelFactory models = MStreamPipeline.models(conf, parallelism);
    DataStream<Tuple2<String, float[]>> vectors;
    TypeInformation<Tuple2<String, float[]>> pair =
        Types.TUPLE(Types.STRING, Types.PRIMITIVE_ARRAY(Types.FLOAT));
    if (role == TextRole.DOCUMENT) {
      List<DocumentChange> changes = new ArrayList<>();
      texts.forEach((id, t) -> changes.add(DocumentChange.upsert(id, "default", t, Map.of(), 0)));
      vectors =
          env.fromData(changes)
              .keyBy(c -> c.id)
              .transform(
                  "embed-documents",
                  TypeInformation.of(DocumentChange.class),
                  MStreamPipeline.documentEmbedder(conf, models, MStreamPipeline.identity(models)))
              .map(c -> Tuple2.of(c.id, c.vector))
              .returns(pair);
    } else {
      List<SearchRequest> requests = new ArrayList<>();
      texts.forEach(
          (id, t) -> {
            SearchRequest r = new SearchRequest();
            r.queryId = id;
            r.text = t;
            requests.add(r);
          });
      vectors =
          env.fromData(requests)
              .transform(
                  "embed-queries",
                  TypeInformation.of(SearchRequest.class),
                  MStreamPipeline.queryEmbedder(conf, models, MStreamPipeline.identity(models)))
              .map(r -> Tuple2.of(r.queryId, r.vector))
              .returns(pair);
    }
    Map<String, float[]> out = new HashMap<>();
    try (CloseableIterator<Tuple2<String, float[]>> it = vectors.executeAndCollect()) {
      it.forEachRemaining(t -> out.put(t.f0, t.f1));
    }
    return out;
  }

  /** Cosine similarity; both vectors are unit length, but do not rely on it. */
  public static double cosine(float[] a, float[] b) {
    return VectorUtil.dot(a, b) / Math.sqrt((double) VectorUtil.dot(a, a) * VectorUtil.dot(b, b));
  }
}
