package dev.mstream.jobs.cli;

import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.client.CorpusReader;
import dev.mstream.jobs.client.DocumentPublisher;
import dev.mstream.jobs.eval.Progress;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import me.tongfei.progressbar.ProgressBar;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "load",
    mixinStandardHelpOptions = true,
    description =
        "Publish documents from a JSON Lines file ({\"id\",\"title\",\"text\",\"attributes\"};"
            + " BEIR corpus.jsonl with \"_id\" works too) to a running instance.")
final class LoadCommand implements Callable<Integer> {

  @Parameters(paramLabel = "FILE", description = "JSON Lines file of documents.")
  Path file;

  @Option(
      names = {"-n", "--namespace"},
      defaultValue = "default",
      description = "Namespace of documents that do not name one (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Mixin ClientOptions client;

  @Override
  public Integer call() throws Exception {
    Configuration conf = client.configuration();
    long total;
    try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
      total = lines.filter(l -> !l.isBlank()).count();
    }
    long start = System.nanoTime();
    long sent;
    try (DocumentPublisher publisher =
            new DocumentPublisher(
                client.bootstrapServers,
                conf.get(MStreamOptions.DOCUMENTS_TOPIC),
                conf.get(MStreamOptions.ENCODING),
                client.kafkaProperties());
        ProgressBar bar =
            Progress.barBuilder("load " + file.getFileName(), total, "docs", System.err).build();
        BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      sent =
          new CorpusReader(namespace)
              .read(
                  in,
                  doc -> {
                    publisher.publish(doc);
                    bar.step();
                  });
      publisher.flush();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "Published %d documents to %s in %.1f s (%.0f docs/s). Indexing continues in the job.%n",
        sent, conf.get(MStreamOptions.DOCUMENTS_TOPIC), seconds, sent / Math.max(seconds, 1e-9));
    return 0;
  }
}
