package dev.mstream.jobs.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mstream.jobs.Drained;
import dev.mstream.jobs.MStreamJob;
import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.RepoDir;
import dev.mstream.jobs.TestKafka;
import dev.mstream.jobs.TestTraffic;
import dev.mstream.jobs.local.EmbeddedKafka;
import dev.mstream.jobs.local.LocalRunner;
import dev.mstream.schemas.codec.Encoding;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mstream-job.jar} runs unchanged on a Flink session cluster, submitted the way {@code flink
 * run} and the web UI submit it: {@code POST /jars/upload} (multipart), then {@code POST
 * /jars/:jarid/run} with the entry class and program arguments.
 *
 * <p>The cluster runs in its own JVM with Flink's jars only ({@link ForkedFlinkCluster}), so the
 * job's classes, model and native libraries come from the uploaded jar and nowhere else. Options
 * arrive from all three places a deployment sets them: the cluster's configuration ({@code
 * mstream.kafka.group-id}), the run request's {@code flinkConfiguration} ({@code mstream.encoding})
 * and program arguments (bootstrap servers, topics, checkpoint directory).
 */
class RestSubmissionITCase {

  private static final int PARALLELISM = 2;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @Test
  void uploadedJobJarIndexesAndAnswersQueries(@TempDir Path dir) throws Exception {
    Path jar = PackagedJarsITCase.Jars.jobJar();
    Path log =
        Path.of(System.getProperty("mstream.build.dir", "target"), "rest-submission-cluster.log");
    Files.deleteIfExists(log);
    Files.createDirectories(log.getParent());

    String groupId = "rest-it-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> clusterConf = new LinkedHashMap<>();
    clusterConf.put("rest.address", "127.0.0.1");
    clusterConf.put("rest.bind-address", "127.0.0.1");
    clusterConf.put("web.upload.dir", dir.resolve("uploads").toString());
    clusterConf.put("io.tmp.dirs", dir.resolve("tmp").toString());
    // An mstream.* key in the cluster's configuration, as a FlinkDeployment sets it.
    clusterConf.put(MStreamOptions.GROUP_ID.key(), groupId);
    Files.createDirectories(dir.resolve("uploads"));
    Files.createDirectories(dir.resolve("tmp"));

    Configuration options = new Configuration();
    options.set(MStreamOptions.DOCUMENTS_TOPIC, "rest.documents");
    options.set(MStreamOptions.QUERIES_TOPIC, "rest.queries");
    options.set(MStreamOptions.RESULTS_TOPIC, "rest.results");
    options.set(MStreamOptions.DEAD_LETTERS_TOPIC, "rest.dead-letters");
    options.set(MStreamOptions.ENCODING, Encoding.AVRO);

    try (EmbeddedKafka kafka = EmbeddedKafka.builder().partitions(PARALLELISM).start();
        ForkedFlinkCluster cluster =
            ForkedFlinkCluster.start(
                RepoDir.path(), dir.resolve("cluster"), log, PARALLELISM, clusterConf)) {
      LocalRunner.createTopics(kafka, PARALLELISM, options);
      URI rest = cluster.rest();

      String jarId = upload(rest, jar);
      assertThat(get(rest, "/jars").path("files").toString()).contains(jarId);

      List<String> programArgs =
          List.of(
              "--" + MStreamOptions.BOOTSTRAP_SERVERS.key(), kafka.bootstrapServers(),
              "--" + MStreamOptions.DOCUMENTS_TOPIC.key(),
                  options.get(MStreamOptions.DOCUMENTS_TOPIC),
              "--" + MStreamOptions.QUERIES_TOPIC.key(), options.get(MStreamOptions.QUERIES_TOPIC),
              "--" + MStreamOptions.RESULTS_TOPIC.key(), options.get(MStreamOptions.RESULTS_TOPIC),
              "--" + MStreamOptions.DEAD_LETTERS_TOPIC.key(),
                  options.get(MStreamOptions.DEAD_LETTERS_TOPIC),
              "--" + MStreamOptions.CHECKPOINT_DIR.key(),
                  dir.resolve("checkpoints").toUri().toString(),
              "--" + MStreamOptions.CHECKPOINT_INTERVAL.key(), "1 s");
      ObjectNode run = JSON.createObjectNode();
      run.put("entryClass", MStreamJob.class.getName());
      run.set("programArgsList", JSON.valueToTree(programArgs));
      run.put("parallelism", PARALLELISM);
      run.set(
          "flinkConfiguration",
          JSON.valueToTree(Map.of(MStreamOptions.ENCODING.key(), Encoding.AVRO.name())));
      JsonNode submitted = post(rest, "/jars/" + jarId + "/run", run);
      String jobId = submitted.path("jobid").asText();
      assertThat(jobId).as("job id from %s", submitted).isNotBlank();
      try {
        awaitRunning(rest, jobId, cluster);
        assertThat(get(rest, "/jobs/" + jobId).path("name").asText())
            .isEqualTo(MStreamJob.JOB_NAME);

        TestTraffic traffic = new TestTraffic(kafka.bootstrapServers(), options);
        traffic.publishDocuments(60);
        // Offsets committed under the cluster configuration's group id: that key reached the job.
        TestKafka.awaitConsumed(
            kafka.bootstrapServers(),
            groupId,
            options.get(MStreamOptions.DOCUMENTS_TOPIC),
            Duration.ofMinutes(3));
        Drained.await(rest, jobId, dir.resolve("drained"), Duration.ofMinutes(2));
        // AVRO results decode only if flinkConfiguration's mstream.encoding reached the job.
        traffic.queryAndCheck(20, PARALLELISM, Duration.ofMinutes(2));
        assertThat(state(rest, jobId)).isEqualTo("RUNNING");
      } finally {
        cancel(rest, jobId);
      }
      assertThat(state(rest, jobId)).isEqualTo("CANCELED");
    } catch (AssertionError | Exception e) {
      throw new AssertionError(e.getMessage() + "\ncluster log: " + log.toAbsolutePath(), e);
    }
  }

  @Test
  void clusterClassPathHoldsFlinkButNotTheJob() {
    String cp = ForkedFlinkCluster.flinkOnlyClassPath(RepoDir.path());
    assertThat(cp)
        .contains("flink-runtime-", "flink-runtime-web-", "flink-clients-", "frocksdbjni-")
        .doesNotContain(
            "onnxruntime",
            "tokenizers",
            "langchain4j",
            "kafka-clients",
            "flink-connector-kafka",
            "avro-",
            "/dev/mstream/",
            "jobs/target/classes",
            "operators/target/classes",
            "schemas/target/classes");
  }

  // --- Flink's REST API, as the CLI and the web UI use it -------------------------------------

  /** {@code POST /jars/upload}, multipart/form-data with the file in part {@code jarfile}. */
  private String upload(URI rest, Path jar) throws Exception {
    String boundary = "mstream-" + UUID.randomUUID();
    byte[] head =
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName()
                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8);
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    long length = head.length + Files.size(jar) + tail.length;
    HttpRequest request =
        HttpRequest.newBuilder(rest.resolve("/jars/upload"))
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .timeout(Duration.ofMinutes(5))
            .POST(
                HttpRequest.BodyPublishers.fromPublisher(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> {
                          try {
                            InputStream body =
                                new SequenceInputStream(
                                    new java.io.ByteArrayInputStream(head),
                                    Files.newInputStream(jar));
                            return new SequenceInputStream(
                                body, new java.io.ByteArrayInputStream(tail));
                          } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                          }
                        }),
                    length))
            .build();
    JsonNode body = send(request);
    assertThat(body.path("status").asText()).as("upload: %s", body).isEqualTo("success");
    String filename = body.path("filename").asText();
    return filename.substring(filename.lastIndexOf('/') + 1);
  }

  private void awaitRunning(URI rest, String jobId, ForkedFlinkCluster cluster) throws Exception {
    long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    String state = "";
    while (System.nanoTime() < end) {
      JsonNode job = get(rest, "/jobs/" + jobId);
      state = job.path("state").asText();
      boolean allRunning = job.path("vertices").size() > 0;
      for (JsonNode v : job.path("vertices")) {
        allRunning &= "RUNNING".equals(v.path("status").asText());
      }
      if ("RUNNING".equals(state) && allRunning) {
        return;
      }
      if (List.of("FAILED", "CANCELED", "FINISHED").contains(state)) {
        break;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        "job "
            + jobId
            + " not running (state "
            + state
            + "): "
            + get(rest, "/jobs/" + jobId + "/exceptions")
            + "\ncluster log:\n"
            + cluster.logTail());
  }

  /** {@code PATCH /jobs/:jobid?mode=cancel}, then wait for CANCELED. */
  private void cancel(URI rest, String jobId) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(rest.resolve("/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("cancel: %s", r.body()).isBetween(200, 299);
    long end = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (System.nanoTime() < end && !"CANCELED".equals(state(rest, jobId))) {
      Thread.sleep(250);
    }
  }

  private String state(URI rest, String jobId) throws Exception {
    return get(rest, "/jobs/" + jobId).path("state").asText();
  }

  private JsonNode get(URI rest, String path) throws Exception {
    return send(HttpRequest.newBuilder(rest.resolve(path)).timeout(Duration.ofSeconds(30)).build());
  }

  private JsonNode post(URI rest, String path, JsonNode body) throws Exception {
    return send(
        HttpRequest.newBuilder(rest.resolve(path))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofMinutes(3))
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
            .build());
  }

  private JsonNode send(HttpRequest request) throws Exception {
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new AssertionError(
          request.method() + " " + request.uri() + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
  }
}
