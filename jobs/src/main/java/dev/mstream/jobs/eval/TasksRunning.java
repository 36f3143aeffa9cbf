package dev.mstream.jobs.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mstream.jobs.local.LocalRunner;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Waits until every task of the local job runs, through the MiniCluster's REST API. Flink reports
 * the job RUNNING as soon as it is scheduled, while its tasks are still deploying and opening their
 * operators (loading the model takes seconds); a throughput measurement must not start its clock
 * before that, since the bare loop it is compared with opens its models before its clock starts.
 */
public final class TasksRunning {

  private static final ObjectMapper JSON = new ObjectMapper();

  private TasksRunning() {}

  public static void await(LocalRunner runner, Duration timeout)
      throws TimeoutException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    URI uri = URI.create(runner.webUrl() + "/jobs/" + runner.job().getJobID());
    long end = System.nanoTime() + timeout.toNanos();
    String last = "no answer from " + uri;
    while (System.nanoTime() < end) {
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          JsonNode vertices = JSON.readTree(response.body()).path("vertices");
          boolean all = vertices.size() > 0;
          StringBuilder states = new StringBuilder();
          for (JsonNode v : vertices) {
            int parallelism = v.path("parallelism").asInt(-1);
            int running = v.path("tasks").path("RUNNING").asInt(0);
            states
                .append(v.path("name").asText())
                .append(": ")
                .append(running)
                .append('/')
                .append(parallelism)
                .append(" running; ");
            all &= running == parallelism;
          }
          if (all) {
            return;
          }
          last = states.toString();
        } else {
          last = "HTTP " + response.statusCode();
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(200);
    }
    throw new TimeoutException(
        "tasks of the job not all running after " + timeout.toSeconds() + " s: " + last);
  }
}
