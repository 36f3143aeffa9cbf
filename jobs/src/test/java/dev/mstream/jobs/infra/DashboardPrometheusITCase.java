package dev.mstream.jobs.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mstream.jobs.Drained;
import dev.mstream.jobs.MStreamJob;
import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.TestKafka;
import dev.mstream.jobs.TestTraffic;
import dev.mstream.jobs.local.LocalRunner;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard cannot drift from the metrics: a real Prometheus (the Debian package {@code
 * prometheus}; {@code .ci/run} installs it) scrapes a running local job through Flink's Prometheus
 * reporter while documents, bad records and queries flow, then every PromQL expression of {@code
 * infra/grafana/dashboards/mstream.json} must return at least one series.
 *
 * <p>Skipped, with a message, where no {@code prometheus} binary is found ({@code PROMETHEUS_BIN}
 * or the PATH).
 */
class DashboardPrometheusITCase {

  private static final Logger LOG = LoggerFactory.getLogger(DashboardPrometheusITCase.class);

  private static final int PARALLELISM = 2;

  /** What Grafana would put in for the dashboard's variables. */
  private static final Map<String, String> VARIABLES =
      Map.of("$job_name", MStreamJob.JOB_NAME, "$__rate_interval", "1m", "$__interval", "5s");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void everyDashboardExpressionReturnsSeries(@TempDir Path dir) throws Exception {
    Path prometheus = findPrometheus();
    assumeThat(prometheus)
        .as(
            "no prometheus binary (PROMETHEUS_BIN or PATH): dashboard check skipped; install the"
                + " Debian package `prometheus` (.ci/run does) to run it")
        .isNotNull();
    JsonNode dashboard = Infra.dashboard();
    List<String> exprs = Infra.dashboardExpressions(dashboard);
    assertThat(exprs).isNotEmpty();

    int metricsPort = freePort();
    Configuration options = new Configuration();
    options.set(MStreamOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1));
    options.set(MStreamOptions.GROUP_ID, "dashboard-it");
    try (LocalRunner runner =
        LocalRunner.start(options, 0, 0, metricsPort, PARALLELISM, dir.resolve("work"))) {
      assertThat(runner.metricsUrl()).isEqualTo("http://127.0.0.1:" + metricsPort + "/metrics");
      RunningPrometheus prom = startPrometheus(prometheus, dir.resolve("prometheus"), metricsPort);
      try {
        int promPort = prom.port();
        TestTraffic traffic = new TestTraffic(runner.bootstrapServers(), runner.options());
        traffic.publishDocuments(40);
        TestKafka.awaitConsumed(
            runner.bootstrapServers(),
            "dashboard-it",
            runner.options().get(MStreamOptions.DOCUMENTS_TOPIC),
            Duration.ofMinutes(3));
        Drained.await(runner.job(), dir.resolve("drained"), Duration.ofMinutes(2));
        traffic.queryAndCheck(10, PARALLELISM, Duration.ofMinutes(2));

        checkMetricNaming(runner.metricsUrl());
        Map<String, String> empty = evaluateAll(promPort, exprs, Duration.ofSeconds(90));
        List<String> emptyVariables = checkVariables(promPort, dashboard);
        if (!empty.isEmpty() || !emptyVariables.isEmpty()) {
          throw new AssertionError(
              "dashboard expressions that return no series from a running job:\n  "
                  + empty.entrySet().stream()
                      .map(e -> e.getKey() + "   [" + e.getValue() + "]")
                      .collect(Collectors.joining("\n  "))
                  + (emptyVariables.isEmpty() ? "" : "\nvariables: " + emptyVariables)
                  + "\noperator metrics the job exports:\n  "
                  + String.join("\n  ", operatorMetricNames(runner.metricsUrl())));
        }
        LOG.info("All {} dashboard expressions return series", exprs.size());
      } finally {
        prom.process().destroy();
        if (!prom.process().waitFor(20, TimeUnit.SECONDS)) {
          prom.process().destroyForcibly();
        }
      }
    }
  }

  /** Flink's Prometheus names, as the dashboard assumes them, read from the endpoint itself. */
  private void checkMetricNaming(String metricsUrl) throws Exception {
    String text = get(metricsUrl);
    String indexed =
        text.lines()
            .filter(l -> l.startsWith(Infra.OPERATOR_METRIC + "documentsIndexed{"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no documentsIndexed in " + metricsUrl));
    assertThat(indexed)
        .contains("job_name=\"" + MStreamJob.JOB_NAME + "\"")
        .contains("operator_name=\"vector_index\"") // Flink turns '-' into '_' in label values
        .contains("subtask_index=\"");
    assertThat(text)
        .contains("# TYPE " + Infra.OPERATOR_METRIC + "queryLatencyMicros summary")
        .contains(Infra.OPERATOR_METRIC + "reason_deadLetters{")
        .contains("reason=\"");
  }

  /** Polls until every expression returns a series; returns those that never did. */
  private Map<String, String> evaluateAll(int promPort, List<String> exprs, Duration timeout)
      throws Exception {
    Map<String, String> pending = new LinkedHashMap<>();
    exprs.forEach(e -> pending.put(e, "not evaluated"));
    long end = System.nanoTime() + timeout.toNanos();
    while (!pending.isEmpty() && System.nanoTime() < end) {
      for (String expr : new ArrayList<>(pending.keySet())) {
        JsonNode result = query(promPort, substitute(expr));
        if (result.isArray() && result.size() > 0) {
          pending.remove(expr);
        } else {
          pending.put(expr, "empty: " + substitute(expr));
        }
      }
      if (!pending.isEmpty()) {
        Thread.sleep(2000);
      }
    }
    return pending;
  }

  private List<String> checkVariables(int promPort, JsonNode dashboard) throws Exception {
    List<String> empty = new ArrayList<>();
    for (String[] q : Infra.labelValuesQueries(dashboard)) {
      JsonNode result = query(promPort, q[0]);
      boolean found = false;
      for (JsonNode series : result) {
        found |= series.path("metric").hasNonNull(q[1]);
      }
      if (!found) {
        empty.add("label_values(" + q[0] + ", " + q[1] + ")");
      }
    }
    return empty;
  }

  private JsonNode query(int promPort, String expr) throws Exception {
    String url =
        "http://127.0.0.1:"
            + promPort
            + "/api/v1/query?query="
            + URLEncoder.encode(expr, StandardCharsets.UTF_8);
    JsonNode body = Infra.JSON.readTree(get(url));
    if (!"success".equals(body.path("status").asText())) {
      throw new AssertionError("Prometheus rejected " + expr + ": " + body);
    }
    return body.path("data").path("result");
  }

  private static String substitute(String expr) {
    String out = expr;
    for (var e : VARIABLES.entrySet()) {
      out = out.replace(e.getKey(), e.getValue());
    }
    return out;
  }

  private List<String> operatorMetricNames(String metricsUrl) {
    try {
      return get(metricsUrl)
          .lines()
          .filter(l -> l.startsWith(Infra.OPERATOR_METRIC) && !l.contains("KafkaProducer_"))
          .map(l -> l.replaceFirst("[{ ].*", ""))
          .collect(Collectors.toCollection(TreeSet::new))
          .stream()
          .toList();
    } catch (Exception e) {
      return List.of("(scrape failed: " + e + ")");
    }
  }

  // --------------------------------------------------------------------------------------------

  private record RunningPrometheus(Process process, int port) {}

  private RunningPrometheus startPrometheus(Path binary, Path dir, int metricsPort)
      throws Exception {
    Files.createDirectories(dir.resolve("data"));
    int port = freePort();
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(
        config,
        "global:\n"
            + "  scrape_interval: 1s\n"
            + "  scrape_timeout: 1s\n"
            + "  evaluation_interval: 1s\n"
            + "scrape_configs:\n"
            + "  - job_name: mstream-local\n"
            + "    static_configs:\n"
            + "      - targets: ['127.0.0.1:"
            + metricsPort
            + "']\n");
    Path log = dir.resolve("prometheus.log");
    Process p =
        new ProcessBuilder(
                binary.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < end) {
      if (!p.isAlive()) {
        throw new IllegalStateException(
            "prometheus exited with " + p.exitValue() + ":\n" + Files.readString(log));
      }
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          LOG.info("Prometheus {} ready on 127.0.0.1:{}", binary, port);
          return new RunningPrometheus(p, port);
        }
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(200);
    }
    p.destroyForcibly();
    throw new IllegalStateException("prometheus not ready after 60 s:\n" + Files.readString(log));
  }

  private String get(String url) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + url + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  static Path findPrometheus() {
    String configured = System.getenv("PROMETHEUS_BIN");
    if (configured != null && Files.isExecutable(Path.of(configured))) {
      return Path.of(configured);
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String d : path.split(File.pathSeparator)) {
      Path candidate = Path.of(d, "prometheus");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }
}
