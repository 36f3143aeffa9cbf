package dev.mstream.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `eval` fails before starting anything when the model profile is bad, and says why. */
class EvalCommandTest {

  @TempDir Path dir;

  @Test
  void badProfileFileFailsAtStartUpNamingTheSetting() throws IOException {
    Files.writeString(dir.resolve("corpus.jsonl"), "{\"_id\": \"d1\", \"text\": \"x\"}\n");
    Files.writeString(dir.resolve("queries.jsonl"), "{\"_id\": \"q1\", \"text\": \"y\"}\n");
    Files.createDirectories(dir.resolve("qrels"));
    Files.writeString(dir.resolve("qrels/test.tsv"), "query-id\tcorpus-id\tscore\nq1\td1\t1\n");
    Files.writeString(dir.resolve("model.onnx"), "x");
    Files.writeString(dir.resolve("tokenizer.json"), "{}");
    Path profile = dir.resolve("mine.yaml");
    Files.writeString(
        profile,
        "onnxModel: model.onnx\ntokenizer: tokenizer.json\npooling: mean\nmaxTokens: 64\n");

    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream original = System.err;
    int exit;
    long start = System.nanoTime();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      exit = MStreamCli.run("eval", "--dataset", dir.toString(), "--model", profile.toString());
    } finally {
      System.setErr(original);
    }
    String message = err.toString(StandardCharsets.UTF_8);
    assertThat(exit).isEqualTo(2);
    assertThat(message)
        .contains("eval failed")
        .contains("mstream.model=" + profile)
        .contains("missing required setting 'dimension'");
    // checked before the broker and the cluster start (together tens of seconds on 2 cores)
    assertThat(message).doesNotContain("Embedded Kafka");
    assertThat((System.nanoTime() - start) / 1e9).isLessThan(20);
  }
}
