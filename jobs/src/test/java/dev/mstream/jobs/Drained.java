package dev.mstream.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;

/**
 * Waits until a running job has processed every record its sources have read so far, by taking a
 * savepoint: savepoint barriers are always aligned, so one completes only after every operator has
 * processed all records in front of it.
 *
 * <p>Committed Kafka offsets alone do not say so with unaligned checkpoints (the job's default): a
 * checkpoint may store records as in flight, between operators, instead of their having been
 * processed, and the source commits its offsets when that checkpoint completes. Use this after
 * {@link TestKafka#awaitConsumed} where a test needs the index to reflect every record.
 */
public final class Drained {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Drained() {}

  /** Through the job's client; retries while the job cannot take a savepoint (restarting). */
  public static void await(JobClient job, Path dir, Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < end) {
      try {
        job.triggerSavepoint(dir.toUri().toString(), SavepointFormatType.CANONICAL)
            .get(Math.max(1, (end - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
        return;
      } catch (java.util.concurrent.ExecutionException e) {
        last = e; // e.g. not all tasks running yet after a restart
        Thread.sleep(200);
      }
    }
    throw new AssertionError("no savepoint of job " + job.getJobID() + " within " + timeout, last);
  }

  /** Through the REST API of a cluster, as {@code flink savepoint} does. */
  public static void await(URI rest, String jobId, Path dir, Duration timeout) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    long end = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < end) {
      String body =
          JSON.createObjectNode()
              .put("target-directory", dir.toUri().toString())
              .put("cancel-job", false)
              .put("formatType", "CANONICAL")
              .toString();
      HttpResponse<String> trigger =
          http.send(
              HttpRequest.newBuilder(rest.resolve("/jobs/" + jobId + "/savepoints"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      String request = JSON.readTree(trigger.body()).path("request-id").asText();
      while (!request.isEmpty() && System.nanoTime() < end) {
        JsonNode status =
            JSON.readTree(
                http.send(
                        HttpRequest.newBuilder(
                                rest.resolve("/jobs/" + jobId + "/savepoints/" + request))
                            .GET()
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body());
        if ("COMPLETED".equals(status.path("status").path("id").asText())) {
          JsonNode op = status.path("operation");
          if (op.has("location")) {
            return;
          }
          last = op.toString();
          break; // failed: trigger again
        }
        Thread.sleep(200);
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "no savepoint of job " + jobId + " at " + rest + " within " + timeout + ": " + last);
  }
}
