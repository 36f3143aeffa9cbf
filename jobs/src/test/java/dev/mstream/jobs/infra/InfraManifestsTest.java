package dev.mstream.jobs.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mstream.decode.DeadLetters;
import dev.mstream.decode.DocumentDecoder;
import dev.mstream.decode.QueryDecoder;
import dev.mstream.embed.MicroBatchEmbedOperator;
import dev.mstream.index.VectorIndexOperator;
import dev.mstream.jobs.MStreamJob;
import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.local.LocalRunner;
import dev.mstream.merge.ResultMerger;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;

/**
 * The deployment material under {@code infra/} parses, has what a deployment needs, and agrees with
 * the code and the build: Flink and Kafka versions of the pom, option keys, topic names, metric
 * names, the Prometheus port.
 */
class InfraManifestsTest {

  @Test
  void everyManifestParses() throws Exception {
    List<Path> yaml = Infra.files(".yaml", ".yml");
    assertThat(yaml).hasSizeGreaterThanOrEqualTo(7);
    for (Path f : yaml) {
      List<JsonNode> docs = Infra.yaml(f);
      assertThat(docs).as("%s has YAML documents", f).isNotEmpty();
      for (JsonNode d : docs) {
        assertThat(d.isObject()).as("%s: each document is a mapping", f).isTrue();
      }
    }
    List<Path> json = Infra.files(".json");
    assertThat(json).isNotEmpty();
    for (Path f : json) {
      assertThat(Infra.JSON.readTree(f.toFile()).isObject()).as("%s", f).isTrue();
    }
  }

  @Test
  void flinkDeploymentRunsTheJobJarOnTheBuildsFlink() throws Exception {
    String flinkVersion = Infra.buildVersion("flink.version");
    JsonNode d = Infra.kind("k8s/flinkdeployment.yaml", "FlinkDeployment");
    assertThat(d.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
    assertThat(d.at("/metadata/name").asText()).isNotBlank();
    JsonNode spec = d.path("spec");

    String[] v = flinkVersion.split("\\.");
    assertThat(spec.path("flinkVersion").asText())
        .as("spec.flinkVersion for Flink %s", flinkVersion)
        .isEqualTo("v" + v[0] + "_" + v[1]);
    assertThat(spec.path("image").asText())
        .as("the image names the Flink version it is built on (infra/docker/Dockerfile)")
        .contains("flink" + flinkVersion);

    JsonNode job = spec.path("job");
    assertThat(job.path("jarURI").asText()).endsWith("/mstream-job.jar");
    assertThat(job.path("entryClass").asText()).isEqualTo(MStreamJob.class.getName());
    assertThat(job.path("upgradeMode").asText()).isIn("last-state", "savepoint");
    assertThat(job.path("parallelism").asInt()).isPositive();

    for (String role : List.of("jobManager", "taskManager")) {
      assertThat(spec.at("/" + role + "/resource/memory").asText()).as(role).isNotBlank();
      assertThat(spec.at("/" + role + "/resource/cpu").asDouble()).as(role).isPositive();
    }

    Map<String, String> conf = flinkConfiguration(spec);
    assertThat(conf)
        .containsEntry("state.backend.type", "rocksdb")
        .containsEntry("execution.checkpointing.incremental", "true")
        .containsEntry("high-availability.type", "kubernetes")
        .containsEntry(
            "metrics.reporter.prom.factory.class", LocalRunner.PROMETHEUS_REPORTER_FACTORY)
        .containsKey("metrics.reporter.prom.port")
        .containsKey(MStreamOptions.BOOTSTRAP_SERVERS.key());
    assertThat(conf.get("execution.checkpointing.dir"))
        .as("checkpoints on durable storage")
        .matches("(s3|s3a|s3p|gs|abfss?|wasbs?|oss|hdfs)://.+");
    assertThat(conf.get("high-availability.storageDir"))
        .matches("(s3|s3a|s3p|gs|abfss?|hdfs)://.+");

    // Every mstream.* key is an option of the job, every other key one of Flink 2's.
    Set<String> jobKeys = new HashSet<>();
    for (Field f : MStreamOptions.class.getFields()) {
      if (f.getType() == ConfigOption.class) {
        jobKeys.add(((ConfigOption<?>) f.get(null)).key());
      }
    }
    Set<String> flinkKeys = flinkOptionKeys();
    List<String> unknown = new ArrayList<>();
    for (String key : conf.keySet()) {
      boolean known =
          key.startsWith("mstream.")
              ? jobKeys.contains(key) || key.startsWith(MStreamOptions.KAFKA_PROPERTIES_PREFIX)
              : flinkKeys.contains(key) || key.startsWith("metrics.reporter.");
      if (!known) {
        unknown.add(key);
      }
    }
    assertThat(unknown)
        .as("flinkConfiguration keys that neither MStreamOptions nor Flink %s knows", flinkVersion)
        .isEmpty();

    // Prometheus reaches the reporter through a container port named `metrics`.
    JsonNode container = mainContainer(spec);
    JsonNode port = namedPort(container, "metrics");
    assertThat(port.path("containerPort").asText())
        .isEqualTo(conf.get("metrics.reporter.prom.port"));

    // The S3 plugin of the image's Flink version.
    String plugins = "";
    for (JsonNode env : container.path("env")) {
      if ("ENABLE_BUILT_IN_PLUGINS".equals(env.path("name").asText())) {
        plugins = env.path("value").asText();
      }
    }
    assertThat(plugins).contains("-" + flinkVersion + ".jar");
  }

  @Test
  void dockerfileBuildsOnTheBuildsFlinkWithTheJobJar() throws Exception {
    String flinkVersion = Infra.buildVersion("flink.version");
    String dockerfile = Files.readString(Infra.dir().resolve("docker/Dockerfile"));
    assertThat(dockerfile).contains("ARG FLINK_VERSION=" + flinkVersion + "\n");
    assertThat(dockerfile).containsPattern("FROM flink:\\$\\{FLINK_VERSION}-java17");
    JsonNode job = Infra.kind("k8s/flinkdeployment.yaml", "FlinkDeployment").at("/spec/job");
    String jarPath = job.path("jarURI").asText().replaceFirst("^local://", "");
    assertThat(dockerfile).containsPattern("COPY .*jobs/target/mstream-job.jar " + jarPath);
  }

  @Test
  void kafkaIsKRaftOnTheBuildsKafkaVersion() throws Exception {
    String kafkaVersion = Infra.buildVersion("kafka.version");
    JsonNode kafka = Infra.kind("k8s/kafka.yaml", "Kafka");
    JsonNode pool = Infra.kind("k8s/kafka.yaml", "KafkaNodePool");
    String cluster = kafka.at("/metadata/name").asText();
    assertThat(kafka.path("apiVersion").asText()).startsWith("kafka.strimzi.io/");
    assertThat(kafka.at("/spec/kafka/version").asText()).isEqualTo(kafkaVersion);
    assertThat(kafka.at("/spec/zookeeper").isMissingNode()).as("KRaft: no ZooKeeper").isTrue();
    assertThat(kafka.at("/spec/kafka/listeners")).isNotEmpty();
    assertThat(pool.at("/metadata/labels/strimzi.io~1cluster").asText()).isEqualTo(cluster);
    List<String> roles = new ArrayList<>();
    pool.at("/spec/roles").forEach(r -> roles.add(r.asText()));
    assertThat(roles).contains("controller", "broker");
    assertThat(pool.at("/spec/replicas").asInt()).isGreaterThanOrEqualTo(3);

    // The job finds this cluster.
    String bootstrap =
        flinkConfiguration(Infra.kind("k8s/flinkdeployment.yaml", "FlinkDeployment").path("spec"))
            .get(MStreamOptions.BOOTSTRAP_SERVERS.key());
    assertThat(bootstrap).startsWith(cluster + "-kafka-bootstrap.");
    int transactionMax = kafka.at("/spec/kafka/config/transaction.max.timeout.ms").asInt(900_000);
    assertThat(transactionMax)
        .as("the job's transaction timeout fits")
        .isGreaterThanOrEqualTo(600_000);
  }

  @Test
  void topicsAreTheFourTopicsOfTheJob() throws Exception {
    String cluster = Infra.kind("k8s/kafka.yaml", "Kafka").at("/metadata/name").asText();
    int brokers = Infra.kind("k8s/kafka.yaml", "KafkaNodePool").at("/spec/replicas").asInt();
    Set<String> names = new TreeSet<>();
    for (JsonNode t : Infra.yaml(Infra.dir().resolve("k8s/topics.yaml"))) {
      assertThat(t.path("kind").asText()).isEqualTo("KafkaTopic");
      assertThat(t.at("/metadata/labels/strimzi.io~1cluster").asText()).isEqualTo(cluster);
      assertThat(t.at("/spec/partitions").asInt()).isPositive();
      assertThat(t.at("/spec/replicas").asInt()).isBetween(1, brokers);
      names.add(t.at("/spec/topicName").asText());
    }
    assertThat(names)
        .containsExactlyInAnyOrder(
            MStreamOptions.DOCUMENTS_TOPIC.defaultValue(),
            MStreamOptions.QUERIES_TOPIC.defaultValue(),
            MStreamOptions.RESULTS_TOPIC.defaultValue(),
            MStreamOptions.DEAD_LETTERS_TOPIC.defaultValue());
    // The FlinkDeployment, where it names topics, names these.
    Map<String, String> conf =
        flinkConfiguration(Infra.kind("k8s/flinkdeployment.yaml", "FlinkDeployment").path("spec"));
    conf.entrySet().stream()
        .filter(e -> e.getKey().startsWith("mstream.topics."))
        .forEach(e -> assertThat(names).as(e.getKey()).contains(e.getValue()));
  }

  @Test
  void prometheusScrapesTheLocalRunnerAndThePods() throws Exception {
    JsonNode prom = Infra.yamlOne("prometheus/prometheus.yml");
    assertThat(prom.at("/global/scrape_interval").asText()).isNotBlank();
    JsonNode configs = prom.path("scrape_configs");
    assertThat(configs).isNotEmpty();
    Set<String> targets = new HashSet<>();
    boolean kubernetes = false;
    for (JsonNode c : configs) {
      assertThat(c.path("job_name").asText()).isNotBlank();
      for (JsonNode s : c.path("static_configs")) {
        s.path("targets").forEach(t -> targets.add(t.asText()));
      }
      kubernetes |= c.has("kubernetes_sd_configs");
    }
    assertThat(targets).contains("127.0.0.1:" + LocalRunner.DEFAULT_METRICS_PORT);
    assertThat(kubernetes).isTrue();

    JsonNode monitor = Infra.yamlOne("prometheus/podmonitor.yaml");
    JsonNode deployment = Infra.kind("k8s/flinkdeployment.yaml", "FlinkDeployment");
    assertThat(monitor.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(monitor.path("kind").asText()).isEqualTo("PodMonitor");
    assertThat(monitor.at("/spec/selector/matchLabels/app").asText())
        .as("the operator labels the pods app=<FlinkDeployment name>")
        .isEqualTo(deployment.at("/metadata/name").asText());
    String port = monitor.at("/spec/podMetricsEndpoints/0/port").asText();
    namedPort(mainContainer(deployment.path("spec")), port);
  }

  @Test
  void grafanaProvisionsAPrometheusDatasourceAndTheDashboard() throws Exception {
    JsonNode ds = Infra.yamlOne("grafana/provisioning/datasources/prometheus.yaml");
    assertThat(ds.path("apiVersion").asInt()).isEqualTo(1);
    assertThat(ds.at("/datasources/0/type").asText()).isEqualTo("prometheus");
    assertThat(ds.at("/datasources/0/url").asText()).startsWith("http");
    JsonNode providers = Infra.yamlOne("grafana/provisioning/dashboards/mstream.yaml");
    assertThat(providers.path("apiVersion").asInt()).isEqualTo(1);
    assertThat(providers.at("/providers/0/type").asText()).isEqualTo("file");
    assertThat(providers.at("/providers/0/options/path").asText()).isNotBlank();
  }

  @Test
  void dashboardIsWellFormed() throws Exception {
    JsonNode d = Infra.dashboard();
    assertThat(d.path("uid").asText()).isNotBlank();
    assertThat(d.path("title").asText()).isNotBlank();
    assertThat(d.path("schemaVersion").asInt()).isPositive();
    Set<Integer> ids = new HashSet<>();
    int withTargets = 0;
    for (JsonNode p : d.path("panels")) {
      assertThat(ids.add(p.path("id").asInt())).as("unique panel id %s", p.path("id")).isTrue();
      assertThat(p.path("gridPos").path("w").asInt())
          .as("%s gridPos", p.path("title"))
          .isPositive();
      assertThat(p.path("title").asText()).isNotBlank();
      if ("row".equals(p.path("type").asText())) {
        continue;
      }
      assertThat(p.path("targets")).as("%s has queries", p.path("title")).isNotEmpty();
      Set<String> refIds = new HashSet<>();
      for (JsonNode t : p.path("targets")) {
        assertThat(t.path("expr").asText()).as("%s: expr", p.path("title")).isNotBlank();
        assertThat(refIds.add(t.path("refId").asText())).as("%s: refId", p.path("title")).isTrue();
      }
      withTargets++;
    }
    assertThat(withTargets).isGreaterThanOrEqualTo(10);
    Set<String> variables = new HashSet<>();
    d.at("/templating/list").forEach(v -> variables.add(v.path("name").asText()));
    Matcher m = Pattern.compile("\\$\\{?(\\w+)").matcher(Infra.JSON.writeValueAsString(d));
    while (m.find()) {
      String name = m.group(1);
      if (!name.startsWith("__")) {
        assertThat(variables).as("dashboard variable $%s is defined", name).contains(name);
      }
    }
  }

  @Test
  void dashboardShowsEveryOperatorMetricAndFlinksOwn() throws Exception {
    Set<String> used = Infra.metricNames(Infra.dashboardExpressions(Infra.dashboard()));
    Set<String> missing = new TreeSet<>();
    for (Class<?> c :
        List.of(
            DocumentDecoder.class,
            QueryDecoder.class,
            MicroBatchEmbedOperator.class,
            VectorIndexOperator.class,
            ResultMerger.class)) {
      for (String metric : metricConstants(c)) {
        if (!used.contains(Infra.OPERATOR_METRIC + metric)) {
          missing.add(c.getSimpleName() + "." + metric);
        }
      }
    }
    String deadLetters =
        Infra.OPERATOR_METRIC + DeadLetters.REASON_LABEL + "_" + DeadLetters.METRIC_DEAD_LETTERS;
    if (!used.contains(deadLetters)) {
      missing.add("DeadLetters." + DeadLetters.METRIC_DEAD_LETTERS);
    }
    String stages =
        Infra.OPERATOR_METRIC + ResultMerger.STAGE_LABEL + "_" + ResultMerger.STAGE_LATENCY;
    if (!used.contains(stages)) {
      missing.add("ResultMerger." + ResultMerger.STAGE_LATENCY);
    }
    assertThat(missing).as("operator metrics missing from the dashboard").isEmpty();
    assertThat(used)
        .contains(
            "flink_jobmanager_job_lastCheckpointDuration",
            "flink_jobmanager_job_lastCheckpointSize",
            "flink_taskmanager_job_task_backPressuredTimeMsPerSecond",
            Infra.OPERATOR_METRIC + "pendingRecords",
            "flink_taskmanager_Status_JVM_Memory_Heap_Used");
  }

  // --------------------------------------------------------------------------------------------

  private static List<String> metricConstants(Class<?> c) throws IllegalAccessException {
    List<String> names = new ArrayList<>();
    for (Field f : c.getFields()) {
      if (Modifier.isStatic(f.getModifiers())
          && f.getType() == String.class
          && f.getName().startsWith("METRIC_")) {
        names.add((String) f.get(null));
      }
    }
    assertThat(names).as("%s has METRIC_ constants", c.getSimpleName()).isNotEmpty();
    return names;
  }

  private static Map<String, String> flinkConfiguration(JsonNode spec) {
    Map<String, String> conf = new java.util.LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = spec.path("flinkConfiguration").fields();
    while (it.hasNext()) {
      var e = it.next();
      assertThat(e.getValue().isValueNode()).as("flinkConfiguration.%s", e.getKey()).isTrue();
      conf.put(e.getKey(), e.getValue().asText());
    }
    return conf;
  }

  private static JsonNode mainContainer(JsonNode spec) {
    for (JsonNode c : spec.at("/podTemplate/spec/containers")) {
      if ("flink-main-container".equals(c.path("name").asText())) {
        return c;
      }
    }
    throw new AssertionError("podTemplate has no flink-main-container");
  }

  private static JsonNode namedPort(JsonNode container, String name) {
    for (JsonNode p : container.path("ports")) {
      if (name.equals(p.path("name").asText())) {
        return p;
      }
    }
    throw new AssertionError("flink-main-container has no port named " + name);
  }

  /** Current keys (not deprecated ones) of the Flink option classes a deployment touches. */
  private static Set<String> flinkOptionKeys() throws Exception {
    Set<String> keys = new HashSet<>();
    for (String cls :
        List.of(
            "org.apache.flink.configuration.CheckpointingOptions",
            "org.apache.flink.configuration.StateBackendOptions",
            "org.apache.flink.configuration.StateRecoveryOptions",
            "org.apache.flink.configuration.HighAvailabilityOptions",
            "org.apache.flink.configuration.RestartStrategyOptions",
            "org.apache.flink.configuration.TaskManagerOptions",
            "org.apache.flink.configuration.JobManagerOptions",
            "org.apache.flink.configuration.MetricOptions",
            "org.apache.flink.configuration.CoreOptions",
            "org.apache.flink.configuration.RestOptions",
            "org.apache.flink.configuration.PipelineOptions",
            "org.apache.flink.configuration.ExecutionOptions",
            "org.apache.flink.state.rocksdb.RocksDBOptions",
            "org.apache.flink.state.rocksdb.RocksDBConfigurableOptions")) {
      for (Field f : Class.forName(cls).getFields()) {
        if (Modifier.isStatic(f.getModifiers()) && f.getType() == ConfigOption.class) {
          keys.add(((ConfigOption<?>) f.get(null)).key());
        }
      }
    }
    return keys;
  }
}
