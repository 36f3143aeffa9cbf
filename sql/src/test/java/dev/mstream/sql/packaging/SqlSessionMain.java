package dev.mstream.sql.packaging;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/**
 * A SQL session in a JVM that has Flink and its table planner on the class path and nothing of this
 * project: {@code ADD JAR} brings mstream-sql.jar, as in a SQL client. Runs the statements of a
 * file (one per line); prints each row a SELECT returns as {@code ROW <fields|...>}.
 *
 * <p>Arguments: the statements file.
 */
public final class SqlSessionMain {

  private SqlSessionMain() {}

  public static void main(String[] args) throws Exception {
    TableEnvironment sql = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
    for (String statement : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
      if (statement.isBlank()) {
        continue;
      }
      System.out.println("SQL " + statement);
      if (!statement.startsWith("SELECT")) {
        sql.executeSql(statement);
        continue;
      }
      try (CloseableIterator<Row> rows = sql.executeSql(statement).collect()) {
        while (rows.hasNext()) {
          Row r = rows.next();
          StringBuilder line = new StringBuilder("ROW ");
          for (int i = 0; i < r.getArity(); i++) {
            line.append(i == 0 ? "" : "|").append(r.getField(i));
          }
          System.out.println(line);
        }
      }
    }
    System.out.println("DONE");
  }
}
