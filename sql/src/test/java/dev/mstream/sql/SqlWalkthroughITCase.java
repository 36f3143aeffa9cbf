package dev.mstream.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.client.QueryClient;
import dev.mstream.jobs.eval.IndexProbe;
import dev.mstream.jobs.local.DemoRun;
import dev.mstream.jobs.local.LocalRunner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's SQL walkthrough, statement by statement as a SQL client runs them, against {@code
 * local --demo}: the local runner with its broker and MiniCluster, the demo corpus loaded as {@code
 * --demo} loads it. The SQL runs apart from the job, on a local cluster of its own (as on the
 * walkthrough's Flink distribution); only the broker's address differs from what the README says.
 */
class SqlWalkthroughITCase {

  private static final Pattern SET = Pattern.compile("SET\\s+'([^']+)'\\s*=\\s*'([^']*)'");

  @Test
  void theReadmeWalkthroughWorksAgainstLocal(@TempDir Path dir) throws Exception {
    List<String> statements = ReadmeSql.statements("walkthrough");
    try (LocalRunner local = LocalRunner.start(new Configuration(), 0, 0, 0, 2, dir)) {
      new DemoRun(local.options(), new PrintStream(new ByteArrayOutputStream(), true, "UTF-8"))
          .run();
      StreamTableEnvironment sql = Sql.session(1);
      List<List<Row>> selects = new ArrayList<>();
      for (String statement : statements) {
        String s = statement.replace("127.0.0.1:9092", local.bootstrapServers());
        Matcher set = SET.matcher(s);
        if (set.matches()) {
          // the SQL client's own statement: it sets the session's configuration
          sql.getConfig().set(set.group(1), set.group(2));
          continue;
        }
        TableResult result = sql.executeSql(s);
        if (s.toUpperCase(Locale.ROOT).startsWith("SELECT")) {
          List<Row> rows = new ArrayList<>();
          try (CloseableIterator<Row> it = result.collect()) {
            it.forEachRemaining(rows::add);
          }
          selects.add(rows);
        } else if (s.toUpperCase(Locale.ROOT).startsWith("INSERT")) {
          result.await(); // 'table.dml-sync' = 'true' made it wait already
          awaitIndexed(local, 41); // the demo's 40 and the one just inserted
        }
      }

      assertThat(selects).hasSize(3);
      // ML_PREDICT: every question gets a 384-dimensional vector
      assertThat(selects.get(0))
          .hasSize(3)
          .allSatisfy(r -> assertThat(r.getField("dims")).isEqualTo(384));
      // VECTOR_SEARCH: the best hit of each question
      assertThat(best(selects.get(1), "why is the sky blue")).isEqualTo("astro-1");
      assertThat(best(selects.get(1), "baking bread at home")).startsWith("cook-");
      assertThat(best(selects.get(1), "a SQL-written document")).isEqualTo("sql-1");
      assertThat(selects.get(1)).hasSize(9);
      // with MAP['filter.topic', 'food']: only food, two per question
      assertThat(selects.get(2))
          .hasSize(6)
          .allSatisfy(r -> assertThat(r.getField("topic")).isEqualTo("food"));
    }
  }

  private static String best(List<Row> rows, String question) {
    return rows.stream()
        .filter(r -> question.equals(r.getField("question")))
        .max((a, b) -> Double.compare((Double) a.getField("score"), (Double) b.getField("score")))
        .map(r -> (String) r.getField("doc_id"))
        .orElseThrow(() -> new AssertionError("no hit for " + question));
  }

  private static void awaitIndexed(LocalRunner local, long documents) throws Exception {
    Configuration o = local.options();
    try (QueryClient client =
        new QueryClient(
            local.bootstrapServers(),
            o.get(MStreamOptions.QUERIES_TOPIC),
            o.get(MStreamOptions.RESULTS_TOPIC),
            o.get(MStreamOptions.ENCODING),
            new Properties())) {
      new IndexProbe(client, "default", null)
          .awaitIndexSize(documents, Duration.ofMinutes(2), n -> {});
    }
  }
}
