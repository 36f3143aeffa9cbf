package dev.mstream.jobs.bench.latency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;

/**
 * The job's checkpoints in a time window, from Flink's REST API ({@code /jobs/overview}, {@code
 * /jobs/:id/checkpoints}, which keeps the last {@code web.checkpoints.history} = 10): how many, of
 * which kind, how long they took and how much in-flight data unaligned ones stored.
 */
final class CheckpointStats {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String webUrl;
  private final String jobName;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  CheckpointStats(String webUrl, String jobName) {
    this.webUrl = webUrl.endsWith("/") ? webUrl.substring(0, webUrl.length() - 1) : webUrl;
    this.jobName = jobName;
  }

  /** One line about the checkpoints triggered since {@code sinceMillis}, or why there is none. */
  String since(long sinceMillis) {
    try {
      String id = null;
      for (JsonNode j : get("/jobs/overview").path("jobs")) {
        if (jobName.equals(j.path("name").asText()) && "RUNNING".equals(j.path("state").asText())) {
          id = j.path("jid").asText();
        }
      }
      if (id == null) {
        return "checkpoints: no running job '" + jobName + "' at " + webUrl;
      }
      int completed = 0;
      int failed = 0;
      int unaligned = 0;
      long maxDuration = 0;
      long maxPersisted = 0;
      long maxSize = 0;
      for (JsonNode c : get("/jobs/" + id + "/checkpoints").path("history")) {
        if (c.path("is_savepoint").asBoolean()
            || c.path("trigger_timestamp").asLong() < sinceMillis) {
          continue;
        }
        String status = c.path("status").asText();
        if ("FAILED".equals(status)) {
          failed++;
          continue;
        }
        if (!"COMPLETED".equals(status)) {
          continue;
        }
        completed++;
        if (c.path("checkpoint_type").asText().contains("UNALIGNED")) {
          unaligned++;
        }
        maxDuration = Math.max(maxDuration, c.path("end_to_end_duration").asLong());
        maxPersisted = Math.max(maxPersisted, c.path("persisted_data").asLong());
        maxSize = Math.max(maxSize, c.path("checkpointed_size").asLong());
      }
      return String.format(
          Locale.ROOT,
          "checkpoints (of the last 10 kept by Flink): %d completed (%d unaligned), %d failed;"
              + " longest %d ms; in-flight data stored at most %.2f MB; incremental size at most"
              + " %.1f MB",
          completed,
          unaligned,
          failed,
          maxDuration,
          maxPersisted / 1e6,
          maxSize / 1e6);
    } catch (Exception e) {
      return "checkpoints: cannot read " + webUrl + ": " + e;
    }
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(webUrl + path))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("HTTP " + r.statusCode() + " for " + path);
    }
    return JSON.readTree(r.body());
  }
}
