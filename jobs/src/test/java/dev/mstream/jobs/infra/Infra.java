package dev.mstream.jobs.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mstream.jobs.RepoDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Reads the files under {@code infra/} and the versions of the build. */
final class Infra {

  static final ObjectMapper JSON = new ObjectMapper();
  static final YAMLMapper YAML = new YAMLMapper();

  /** Flink metric prefix of operator metrics, as Flink's Prometheus reporter names them. */
  static final String OPERATOR_METRIC = "flink_taskmanager_job_task_operator_";

  private Infra() {}

  static Path dir() {
    return RepoDir.path().resolve("infra");
  }

  /** All documents of a (multi-document) YAML file. */
  static List<JsonNode> yaml(Path file) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(file.toFile())) {
      var it = YAML.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
          docs.add(doc);
        }
      }
    }
    return docs;
  }

  static JsonNode yamlOne(String relative) throws IOException {
    List<JsonNode> docs = yaml(dir().resolve(relative));
    if (docs.size() != 1) {
      throw new AssertionError(relative + ": expected one YAML document, found " + docs.size());
    }
    return docs.get(0);
  }

  /** The one document of {@code kind} in a YAML file. */
  static JsonNode kind(String relative, String kind) throws IOException {
    List<JsonNode> found =
        yaml(dir().resolve(relative)).stream()
            .filter(d -> kind.equals(d.path("kind").asText()))
            .collect(Collectors.toList());
    if (found.size() != 1) {
      throw new AssertionError(relative + ": expected one " + kind + ", found " + found.size());
    }
    return found.get(0);
  }

  static JsonNode dashboard() throws IOException {
    return JSON.readTree(dir().resolve("grafana/dashboards/mstream.json").toFile());
  }

  /** Every PromQL expression of the dashboard: panel targets, then templating queries. */
  static List<String> dashboardExpressions(JsonNode dashboard) {
    List<String> exprs = new ArrayList<>();
    collectTargets(dashboard.path("panels"), exprs);
    return exprs;
  }

  private static void collectTargets(JsonNode panels, List<String> out) {
    for (JsonNode panel : panels) {
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText("");
        if (!expr.isBlank()) {
          out.add(expr);
        }
      }
      collectTargets(panel.path("panels"), out); // collapsed rows hold their panels
    }
  }

  /** {@code label_values(metric, label)} queries of the dashboard's variables. */
  static List<String[]> labelValuesQueries(JsonNode dashboard) {
    Pattern p = Pattern.compile("label_values\\(\\s*([^,]+?)\\s*,\\s*(\\w+)\\s*\\)");
    List<String[]> out = new ArrayList<>();
    for (JsonNode v : dashboard.path("templating").path("list")) {
      if (!"query".equals(v.path("type").asText())) {
        continue;
      }
      String q =
          v.path("query").isObject()
              ? v.path("query").path("query").asText()
              : v.path("query").asText();
      Matcher m = p.matcher(q);
      if (!m.matches()) {
        throw new AssertionError(
            "dashboard variable " + v.path("name") + ": unsupported query " + q);
      }
      out.add(new String[] {m.group(1), m.group(2)});
    }
    return out;
  }

  /** Metric names (identifiers starting with flink_) in PromQL expressions. */
  static Set<String> metricNames(List<String> exprs) {
    Pattern p = Pattern.compile("\\bflink_[A-Za-z0-9_]+");
    Set<String> names = new LinkedHashSet<>();
    for (String e : exprs) {
      Matcher m = p.matcher(e);
      while (m.find()) {
        names.add(m.group());
      }
    }
    return names;
  }

  /** A version property of the build: set by surefire, else read from the parent pom. */
  static String buildVersion(String property) throws IOException {
    String v = System.getProperty("mstream." + property);
    if (v != null && !v.isBlank()) {
      return v;
    }
    String pom = Files.readString(RepoDir.path().resolve("pom.xml"));
    Matcher m =
        Pattern.compile(
                "<" + Pattern.quote(property) + ">([^<]+)</" + Pattern.quote(property) + ">")
            .matcher(pom);
    if (!m.find()) {
      throw new AssertionError("pom.xml has no <" + property + ">");
    }
    return m.group(1).trim();
  }

  static List<Path> files(String... extensions) throws IOException {
    try (Stream<Path> s = Files.walk(dir())) {
      return s.filter(Files::isRegularFile)
          .filter(
              f -> {
                String n = f.getFileName().toString();
                for (String ext : extensions) {
                  if (n.endsWith(ext)) {
                    return true;
                  }
                }
                return false;
              })
          .sorted()
          .collect(Collectors.toList());
    }
  }
}
