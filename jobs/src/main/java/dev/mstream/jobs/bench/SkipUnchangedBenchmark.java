package dev.mstream.jobs.bench;

import dev.mstream.embed.MicroBatchEmbedOperator;
import dev.mstream.index.VectorIndexOperator;
import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.client.DocumentPublisher;
import dev.mstream.jobs.eval.Progress;
import dev.mstream.jobs.eval.TasksRunning;
import dev.mstream.jobs.local.LocalClients;
import dev.mstream.jobs.local.LocalRunner;
import dev.mstream.jobs.local.LoopbackPorts;
import dev.mstream.schemas.Document;
import dev.mstream.schemas.codec.CodecException;
import dev.mstream.schemas.codec.Codecs;
import dev.mstream.schemas.codec.RecordCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.FileUtils;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What re-publishing costs once the index holds the documents: the whole job on the embedded
 * default ({@link LocalRunner}), in one process and one run, three phases over the same corpus —
 *
 * <ol>
 *   <li><b>first</b>: every document published once (every text embedded);
 *   <li><b>unchanged</b>: every document published again exactly as it was;
 *   <li><b>attributes</b>: every document published again with one attribute added.
 * </ol>
 *
 * Each phase runs from its first publish until the index operators have applied all its upserts
 * ({@code documentsIndexed}, read from the job's Prometheus endpoint), and reports its wall time,
 * this process's CPU time (broker, Flink and all), the CPU time of the embed task threads, and the
 * job's own counters {@code textsEmbedded} and {@code embeddingsSkipped}. Then it reads the whole
 * documents topic from the start with a plain consumer and decodes every record: what re-reading
 * the topic costs next to re-embedding it.
 */
public final class SkipUnchangedBenchmark {

  /** One phase's figures. */
  public record Phase(
      String name,
      int documents,
      double seconds,
      double cpuSeconds,
      double embedThreadCpuSeconds,
      long embedded,
      long skipped) {}

  /**
   * Reading the whole documents topic from the start and decoding every record, as a rebuild of the
   * index or a model migration that re-embeds from the topic would.
   */
  public record Reread(long records, long bytes, double seconds, double cpuSeconds) {}

  /** The three phases, then the re-read of the topic they filled. */
  public record Result(List<Phase> phases, Reread reread) {}

  private SkipUnchangedBenchmark() {}

  public static Result run(
      List<Document> docs, Configuration options, int parallelism, Progress progress)
      throws Exception {
    Configuration conf = new Configuration(options);
    conf.set(MStreamOptions.PARALLELISM, parallelism);
    Path work = Files.createTempDirectory("mstream-bench-skip");
    int metricsPort = LoopbackPorts.freePort();
    List<Phase> phases = new ArrayList<>();
    try (LocalRunner runner =
            LocalRunner.start(conf, 0, LoopbackPorts.freePort(), metricsPort, parallelism, work);
        LocalClients clients = LocalClients.open(runner)) {
      TasksRunning.await(runner, Duration.ofMinutes(3));
      Counters counters = new Counters(runner.metricsUrl());
      DocumentPublisher publisher = clients.documents();
      phases.add(phase("first", docs, d -> d, publisher, counters, progress));
      phases.add(phase("unchanged", docs, d -> d, publisher, counters, progress));
      phases.add(
          phase(
              "attributes",
              docs,
              d -> {
                Map<String, String> attributes = new HashMap<>(d.getAttributes());
                attributes.put("bench-revision", "2");
                return Document.newBuilder(d).setAttributes(new HashMap<>(attributes)).build();
              },
              publisher,
              counters,
              progress));
      Reread reread = reread(runner, progress);
      return new Result(phases, reread);
    } finally {
      progress.finish();
      FileUtils.deleteDirectoryQuietly(work.toFile());
    }
  }

  private static Reread reread(LocalRunner runner, Progress progress) {
    Configuration options = runner.options();
    String topic = options.get(MStreamOptions.DOCUMENTS_TOPIC);
    RecordCodec<Document> codec = Codecs.of(Document.class, options.get(MStreamOptions.ENCODING));
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, runner.bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      consumer.assign(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      long total = ends.values().stream().mapToLong(Long::longValue).sum();
      progress.start("re-read the documents topic", total, "records");
      double cpu0 = ProcessCpu.processSeconds();
      long start = System.nanoTime();
      consumer.seekToBeginning(partitions);
      long records = 0;
      long bytes = 0;
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.value() != null) {
            codec.decode(r.value());
            bytes += r.value().length;
          }
          records++;
        }
        progress.update(records);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpu = ProcessCpu.processSeconds() - cpu0;
      progress.finish();
      return new Reread(records, bytes, seconds, cpu);
    } catch (CodecException e) {
      throw new IllegalStateException("a record of the documents topic does not decode", e);
    }
  }

  private static Phase phase(
      String name,
      List<Document> docs,
      UnaryOperator<Document> change,
      DocumentPublisher publisher,
      Counters counters,
      Progress progress)
      throws Exception {
    long indexed0 = counters.sum(VectorIndexOperator.METRIC_DOCUMENTS_INDEXED, "");
    long embedded0 = counters.sum(MicroBatchEmbedOperator.METRIC_EMBEDDED, "embed_documents");
    long skipped0 = counters.sum(MicroBatchEmbedOperator.METRIC_SKIPPED, "");
    progress.start("phase " + name + ": Kafka -> indexed", docs.size(), "docs");
    Map<Long, Long> threads0 = ProcessCpu.now().threadNanos();
    double cpu0 = ProcessCpu.processSeconds();
    long start = System.nanoTime();
    for (Document d : docs) {
      publisher.publish(change.apply(d));
    }
    publisher.flush();
    long done;
    long lastChange = System.nanoTime();
    long last = -1;
    while ((done = counters.sum(VectorIndexOperator.METRIC_DOCUMENTS_INDEXED, "") - indexed0)
        < docs.size()) {
      if (done != last) {
        last = done;
        lastChange = System.nanoTime();
        progress.update(done);
      } else if (System.nanoTime() - lastChange > Duration.ofMinutes(5).toNanos()) {
        throw new TimeoutException(
            "phase " + name + ": " + done + " of " + docs.size() + " indexed, stalled for 5 min");
      }
      // Rendering the Prometheus endpoint costs CPU of this process too: poll it sparingly.
      Thread.sleep(250);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpu = ProcessCpu.processSeconds() - cpu0;
    double embedThreads = embedThreadCpu(threads0);
    progress.finish();
    return new Phase(
        name,
        docs.size(),
        seconds,
        cpu,
        embedThreads,
        counters.sum(MicroBatchEmbedOperator.METRIC_EMBEDDED, "embed_documents") - embedded0,
        counters.sum(MicroBatchEmbedOperator.METRIC_SKIPPED, "") - skipped0);
  }

  /** CPU seconds since {@code before} of the document embed operator's task threads. */
  private static double embedThreadCpu(Map<Long, Long> before) {
    var mx = java.lang.management.ManagementFactory.getThreadMXBean();
    double seconds = 0;
    for (var info : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith("embed-documents")) {
        long t = mx.getThreadCpuTime(info.getThreadId());
        if (t >= 0) {
          seconds += (t - before.getOrDefault(info.getThreadId(), 0L)) / 1e9;
        }
      }
    }
    return seconds;
  }

  /** Operator counters of the running job, summed over subtasks, from its Prometheus endpoint. */
  private static final class Counters {
    private static final String PREFIX = "flink_taskmanager_job_task_operator_";
    private final HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI uri;

    Counters(String metricsUrl) {
      this.uri = URI.create(metricsUrl);
    }

    /** Sum of the counter over the series whose operator name is {@code operator} ("" = any). */
    long sum(String metric, String operator) throws IOException, InterruptedException {
      String body =
          http.send(
                  HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      double sum = 0;
      for (String line : body.lines().toList()) {
        if (line.startsWith(PREFIX + metric + "{")
            && (operator.isEmpty() || line.contains("operator_name=\"" + operator + "\""))) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return Math.round(sum);
    }
  }
}
