package dev.mstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamEdge;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.runtime.partitioner.BroadcastPartitioner;
import org.apache.flink.streaming.runtime.partitioner.ForwardPartitioner;
import org.apache.flink.streaming.runtime.partitioner.KeyGroupStreamPartitioner;
import org.junit.jupiter.api.Test;

/** How records travel between the job's operators: one hash exchange by document id, not two. */
class PipelineGraphTest {

  @Test
  void documentsAreShuffledByIdOnceAndReachTheIndexOverForwardChannels() {
    StreamGraph graph = graph(new Configuration());

    assertThat(partitionerInto(graph, "embed-documents"))
        .as("decoded documents to the embed operator")
        .containsExactly(KeyGroupStreamPartitioner.class);
    assertThat(partitionerInto(graph, "vector-index"))
        .as("embedded documents and queries to the index")
        .containsExactlyInAnyOrder(ForwardPartitioner.class, BroadcastPartitioner.class);
  }

  @Test
  void embedAndIndexRunAtTheSameParallelismSoForwardKeepsTheKeyGroups() {
    Configuration options = new Configuration();
    options.set(MStreamOptions.PARALLELISM, 3);
    StreamGraph graph = graph(options);
    assertThat(node(graph, "embed-documents").getParallelism())
        .isEqualTo(node(graph, "vector-index").getParallelism())
        .isEqualTo(3);
    assertThat(node(graph, "embed-documents").getMaxParallelism())
        .isEqualTo(node(graph, "vector-index").getMaxParallelism());
  }

  private static StreamGraph graph(Configuration options) {
    options.set(MStreamOptions.BOOTSTRAP_SERVERS, "broker:9092");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    MStreamJob.configure(env, options);
    MStreamPipeline.build(env, options);
    return env.getStreamGraph(false);
  }

  private static StreamNode node(StreamGraph graph, String name) {
    return graph.getStreamNodes().stream()
        .filter(n -> n.getOperatorName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no operator named " + name));
  }

  private static List<Class<?>> partitionerInto(StreamGraph graph, String name) {
    return node(graph, name).getInEdges().stream()
        .map(StreamEdge::getPartitioner)
        .<Class<?>>map(Object::getClass)
        .toList();
  }
}
