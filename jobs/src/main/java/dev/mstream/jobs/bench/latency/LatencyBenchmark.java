package dev.mstream.jobs.bench.latency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mstream.jobs.MStreamJob;
import dev.mstream.jobs.MStreamOptions;
import dev.mstream.jobs.bench.ProcessCpu;
import dev.mstream.jobs.client.CorpusReader;
import dev.mstream.jobs.client.DocumentPublisher;
import dev.mstream.schemas.Document;
import dev.mstream.schemas.QueryResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.Schema;
import org.apache.flink.configuration.Configuration;

/**
 * End-to-end query latency and freshness of a running instance, measured from outside with Kafka
 * clients configured as a user's would be (see {@code bench-latency --help}):
 *
 * <ol>
 *   <li><b>corpus</b>: makes sure the corpus is indexed in its namespace (publishes it unless a
 *       probe already sees that many documents there).
 *   <li><b>idle</b>: paced queries against the quiet index.
 *   <li><b>load</b>: a bulk load published as fast as the producer goes (so the job ingests at its
 *       maximum rate, the backlog waiting in Kafka), once alone and once with paced queries against
 *       the corpus, each into a namespace of its own; ingest throughput of both (first publish → a
 *       probe sees all of it) and their ratio.
 *   <li><b>freshness</b>: documents published at a fraction of that maximum rate, exact-text probe
 *       queries until each probed document is returned.
 * </ol>
 */
public final class LatencyBenchmark {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration PROBE_EVERY = Duration.ofMillis(250);

  /** What to run. */
  public record Settings(
      Path corpus,
      Path queryTexts,
      Path bulk,
      String namespace,
      int k,
      double rate,
      int queries,
      int warmupQueries,
      int concurrency,
      boolean idle,
      boolean load,
      boolean freshness,
      int bulkDocs,
      int loadRounds,
      Double freshnessRate,
      double freshnessFraction,
      int freshnessDocs,
      int probeEvery,
      Duration probeInterval,
      Duration drain,
      Duration stall,
      Map<String, String> clientProperties) {}

  private final Settings settings;
  private final Configuration job;
  private final String bootstrap;
  private final PrintStream out;
  private final PrintStream err;
  private final boolean inProcess;
  private final CheckpointStats checkpoints;
  private final List<String> cpuReports = new ArrayList<>();
  private final List<String> checkpointReports = new ArrayList<>();
  private final String runId = Long.toString(System.currentTimeMillis() / 1000 % 1_000_000, 36);

  /**
   * @param inProcess whether the job runs in this JVM (then each phase's CPU time is reported, by
   *     thread group)
   * @param webUrl the Flink REST address, for the checkpoints of each phase; null: not reported
   */
  public LatencyBenchmark(
      Settings settings,
      String bootstrap,
      Configuration job,
      boolean inProcess,
      String webUrl,
      PrintStream out,
      PrintStream err) {
    this.settings = settings;
    this.inProcess = inProcess;
    this.checkpoints = webUrl == null ? null : new CheckpointStats(webUrl, MStreamJob.JOB_NAME);
    this.bootstrap = bootstrap;
    this.job = job;
    this.out = out;
    this.err = err;
  }

  public void run() throws Exception {
    List<Document> corpus = readDocuments(settings.corpus(), settings.namespace());
    List<String> texts = queryTexts(corpus);
    List<Document> bulk =
        settings.bulk() == null ? corpus : readDocuments(settings.bulk(), settings.namespace());
    if (settings.bulkDocs() < bulk.size()) {
      bulk = bulk.subList(0, settings.bulkDocs());
    }
    var props = MStreamOptions.kafkaProperties(job);
    props.putAll(settings.clientProperties());
    out.printf(
        Locale.ROOT,
        "bench-latency %s: corpus %s (%,d documents, namespace %s), %,d query texts, %s%n",
        Instant.now(),
        settings.corpus(),
        corpus.size(),
        settings.namespace(),
        texts.size(),
        load());
    try (ResultListener results =
            new ResultListener(
                bootstrap,
                job.get(MStreamOptions.RESULTS_TOPIC),
                job.get(MStreamOptions.ENCODING),
                props);
        QuerySender sender =
            new QuerySender(
                bootstrap,
                job.get(MStreamOptions.QUERIES_TOPIC),
                job.get(MStreamOptions.ENCODING),
                props);
        DocumentPublisher publisher =
            new DocumentPublisher(
                bootstrap,
                job.get(MStreamOptions.DOCUMENTS_TOPIC),
                job.get(MStreamOptions.ENCODING),
                props)) {
      out.printf(
          Locale.ROOT,
          "query producer linger.ms=%s, encoding %s, k=%d, %.0f queries/s%s%n",
          sender.lingerMs(),
          job.get(MStreamOptions.ENCODING),
          settings.k(),
          settings.rate(),
          settings.concurrency() > 0 ? ", at most " + settings.concurrency() + " waiting" : "");
      out.flush();
      ensureIndexed(corpus, sender, results, publisher);
      PacedQueries paced =
          new PacedQueries(sender, results, texts, settings.namespace(), settings.k(), 42);
      List<PacedQueries.Outcome> outcomes = new ArrayList<>();
      if (settings.warmupQueries() > 0) {
        settle("warm-up", sender, results);
        paced.run(
            "warm-up",
            settings.rate(),
            settings.warmupQueries(),
            settings.concurrency(),
            () -> false,
            settings.drain(),
            this::status);
      }
      if (settings.idle()) {
        settle("idle", sender, results);
        long since = System.currentTimeMillis();
        ProcessCpu.Snapshot cpu = ProcessCpu.now();
        PacedQueries.Outcome idle =
            paced.run(
                "idle",
                settings.rate(),
                settings.queries(),
                settings.concurrency(),
                () -> false,
                settings.drain(),
                this::status);
        outcomes.add(idle);
        cpu("idle", cpu, idle.sent() + " queries", idle.sent());
        checkpoints("idle", since);
        out.printf(Locale.ROOT, "idle done, %s%n", load());
      }
      List<IngestRun> ingest = new ArrayList<>();
      if (settings.load()) {
        for (int round = 1; round <= settings.loadRounds(); round++) {
          // Alternate the order, so that drift of the shared machine's load does not favour one.
          boolean alone = round % 2 == 1;
          for (int i = 0; i < 2; i++) {
            boolean withQueries = alone == (i == 1);
            settle("a bulk load", sender, results);
            ingest.add(
                bulkLoad(round, withQueries, bulk, sender, results, publisher, paced, outcomes));
          }
        }
      }
      FreshnessProbes.Outcome fresh = null;
      if (settings.freshness()) {
        settle("freshness", sender, results);
        fresh = freshness(bulk, ingest, sender, results, publisher);
      }
      report(outcomes, ingest, fresh, results.unexpected());
    }
  }

  // ------------------------------------------------------------------------
  //  phases
  // ------------------------------------------------------------------------

  /**
   * Waits until a probe query is answered: queries are answered in order, so then nothing an
   * earlier phase sent is still queued in the job to slow down the next one.
   */
  private void settle(String before, QuerySender sender, ResultListener results) throws Exception {
    long start = System.nanoTime();
    try (IndexSizeProbe probe =
        new IndexSizeProbe(sender, results, settings.namespace(), Duration.ofSeconds(5))) {
      probe.awaitAtLeast(0, settings.stall(), n -> {});
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (seconds > 1) {
      out.printf(
          Locale.ROOT,
          "(before %s: %.1f s until a probe query was answered: queued queries, or an"
              + " exactly-once commit)%n",
          before,
          seconds);
    }
  }

  private void ensureIndexed(
      List<Document> corpus,
      QuerySender sender,
      ResultListener results,
      DocumentPublisher publisher)
      throws Exception {
    try (IndexSizeProbe probe =
        new IndexSizeProbe(sender, results, settings.namespace(), PROBE_EVERY)) {
      long seen;
      try {
        probe.awaitAtLeast(0, settings.stall(), n -> {});
        seen = probe.seen();
      } catch (TimeoutException e) {
        throw new IllegalStateException(
            "no answer to a probe query within "
                + settings.stall().toSeconds()
                + " s: is the job running on "
                + bootstrap
                + "?",
            e);
      }
      if (seen >= corpus.size()) {
        out.printf(
            Locale.ROOT,
            "corpus: namespace %s already holds %,d documents%n",
            settings.namespace(),
            seen);
        return;
      }
      long start = System.nanoTime();
      for (Document d : corpus) {
        publisher.publish(withEventTimeNow(d));
      }
      publisher.flush();
      long done =
          probe.awaitAtLeast(
              corpus.size(),
              settings.stall(),
              n -> err.printf(Locale.ROOT, "[corpus] %,d of %,d indexed%n", n, corpus.size()));
      double seconds = (done - start) / 1e9;
      out.printf(
          Locale.ROOT,
          "corpus: %,d documents indexed in %.1f s (%.0f docs/s)%n",
          corpus.size(),
          seconds,
          corpus.size() / seconds);
    }
  }

  /** One bulk load into a namespace of its own; with queries, paced queries run until it is in. */
  private IngestRun bulkLoad(
      int round,
      boolean withQueries,
      List<Document> bulk,
      QuerySender sender,
      ResultListener results,
      DocumentPublisher publisher,
      PacedQueries paced,
      List<PacedQueries.Outcome> outcomes)
      throws Exception {
    String ns = "bulk-" + runId + "-" + round + (withQueries ? "-q" : "-alone");
    List<Document> docs = new ArrayList<>(bulk.size());
    for (Document d : bulk) {
      docs.add(Document.newBuilder(d).setId(ns + "/" + d.getId()).setNamespace(ns).build());
    }
    String label = "load " + round + (withQueries ? " with queries" : " alone");
    err.printf(Locale.ROOT, "[%s] publishing %,d documents into %s%n", label, docs.size(), ns);
    try (IndexSizeProbe probe = new IndexSizeProbe(sender, results, ns, PROBE_EVERY)) {
      long since = System.currentTimeMillis();
      ProcessCpu.Snapshot cpu = ProcessCpu.now();
      AtomicBoolean indexed = new AtomicBoolean();
      AtomicReference<Exception> failure = new AtomicReference<>();
      long start = System.nanoTime();
      long[] done = new long[1];
      Thread publishing =
          new Thread(
              () -> {
                try {
                  for (Document d : docs) {
                    publisher.publish(withEventTimeNow(d));
                  }
                  publisher.flush();
                  done[0] =
                      probe.awaitAtLeast(
                          docs.size(),
                          settings.stall(),
                          n ->
                              err.printf(
                                  Locale.ROOT, "[%s] %,d of %,d indexed%n", label, n, docs.size()));
                } catch (Exception e) {
                  failure.set(e);
                } finally {
                  indexed.set(true);
                }
              },
              "bench-latency-bulk");
      publishing.start();
      if (withQueries) {
        outcomes.add(
            paced.run(
                "load-" + round,
                settings.rate(),
                Integer.MAX_VALUE,
                settings.concurrency(),
                indexed::get,
                settings.drain(),
                this::status));
      }
      publishing.join();
      if (failure.get() != null) {
        throw failure.get();
      }
      double seconds = (done[0] - start) / 1e9;
      cpu(label, cpu, docs.size() + " documents", docs.size());
      checkpoints(label, since);
      IngestRun run = new IngestRun(round, withQueries, docs.size(), seconds);
      out.printf(
          Locale.ROOT,
          "%s: %,d documents in %.1f s = %.1f docs/s, %s%n",
          label,
          docs.size(),
          seconds,
          run.docsPerSecond(),
          load());
      return run;
    }
  }

  private FreshnessProbes.Outcome freshness(
      List<Document> bulk,
      List<IngestRun> ingest,
      QuerySender sender,
      ResultListener results,
      DocumentPublisher publisher)
      throws InterruptedException {
    double rate;
    String why;
    if (settings.freshnessRate() != null) {
      rate = settings.freshnessRate();
      why = "as given";
    } else {
      List<Double> alone = new ArrayList<>();
      ingest.stream().filter(r -> !r.withQueries()).forEach(r -> alone.add(r.docsPerSecond()));
      if (alone.isEmpty()) {
        throw new IllegalArgumentException(
            "the freshness phase needs --freshness-rate, or the load phase to measure the maximum"
                + " ingest rate");
      }
      alone.sort(Double::compare);
      double max = alone.get(alone.size() / 2);
      rate = settings.freshnessFraction() * max;
      why =
          String.format(
              Locale.ROOT,
              "%.0f%% of the maximum ingest rate %.1f docs/s measured above",
              100 * settings.freshnessFraction(),
              max);
    }
    int n = settings.freshnessDocs();
    String ns = "fresh-" + runId;
    List<Document> docs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Document d = bulk.get(i % bulk.size());
      docs.add(Document.newBuilder(d).setId(ns + "/" + i).setNamespace(ns).build());
    }
    out.printf(
        Locale.ROOT,
        "freshness: %,d documents at %.1f docs/s (%s), every %d-th probed every %d ms%n",
        n,
        rate,
        why,
        settings.probeEvery(),
        settings.probeInterval().toMillis());
    long since = System.currentTimeMillis();
    FreshnessProbes.Outcome outcome =
        new FreshnessProbes(publisher, sender, results)
            .run(
                docs,
                rate,
                settings.probeEvery(),
                settings.probeInterval(),
                Duration.ofSeconds(30),
                this::status);
    checkpoints("freshness", since);
    return outcome;
  }

  // ------------------------------------------------------------------------
  //  report
  // ------------------------------------------------------------------------

  /** One bulk load's ingest throughput. */
  record IngestRun(int round, boolean withQueries, int documents, double seconds) {
    double docsPerSecond() {
      return documents / seconds;
    }
  }

  private void report(
      List<PacedQueries.Outcome> outcomes,
      List<IngestRun> ingest,
      FreshnessProbes.Outcome fresh,
      long unexpected) {
    out.println();
    out.println("End to end (query published -> result consumed), milliseconds:");
    out.println();
    out.println("| phase | sent | answered | unanswered | not OK | q/s | p50 | p95 | p99 | max |");
    out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (PacedQueries.Outcome o : outcomes) {
      out.printf(
          Locale.ROOT,
          "| %s | %d | %d | %d | %d | %.1f | %s |%n",
          o.phase(),
          o.sent(),
          o.answered().size(),
          o.unanswered(),
          o.notOk(),
          o.sent() / o.seconds(),
          o.latency().cells());
    }
    if (unexpected > 0) {
      out.printf(
          "(%d results for query ids not waited for: duplicates or late answers)%n", unexpected);
    }
    for (PacedQueries.Outcome o : outcomes) {
      breakdown(o);
    }
    if (!ingest.isEmpty()) {
      out.println();
      out.println("Bulk load ingest (first publish -> a probe sees every document):");
      out.println();
      out.println("| round | queries | documents | seconds | docs/s |");
      out.println("|---:|---|---:|---:|---:|");
      double alone = 0;
      double with = 0;
      for (IngestRun r : ingest) {
        out.printf(
            Locale.ROOT,
            "| %d | %s | %d | %.1f | %.1f |%n",
            r.round(),
            r.withQueries() ? "yes" : "no",
            r.documents(),
            r.seconds(),
            r.docsPerSecond());
        if (r.withQueries()) {
          with += r.seconds();
        } else {
          alone += r.seconds();
        }
      }
      out.printf(
          Locale.ROOT,
          "ingest-ratio=%.3f (throughput with queries / alone, summed over rounds)%n",
          alone / with);
    }
    if (fresh != null) {
      out.println();
      out.println("Freshness (document published -> first result that returns it), milliseconds:");
      out.println();
      out.println(
          "| published | docs/s | probed | found | not found | probe queries | p50 | p95 | p99 |"
              + " max |");
      out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
      out.printf(
          Locale.ROOT,
          "| %d | %.1f | %d | %d | %d | %d | %s |%n",
          fresh.published(),
          fresh.published() / fresh.seconds(),
          fresh.probed(),
          fresh.freshnessMillis().size(),
          fresh.notFound(),
          fresh.probeQueries(),
          fresh.freshness().cells());
    }
    if (!checkpointReports.isEmpty()) {
      out.println();
      checkpointReports.forEach(out::println);
    }
    for (String line : cpuReports) {
      out.println(line);
    }
    out.printf("%s%n", load());
    out.flush();
  }

  private void checkpoints(String phase, long sinceMillis) {
    if (checkpoints != null) {
      checkpointReports.add(phase + ": " + checkpoints.since(sinceMillis));
    }
  }

  /**
   * With the job in this process: its CPU time in a phase, by thread group, kept for the report.
   */
  private void cpu(String phase, ProcessCpu.Snapshot before, String what, int units) {
    if (!inProcess || before.processSeconds() < 0) {
      return;
    }
    double seconds = ProcessCpu.processSeconds() - before.processSeconds();
    cpuReports.add("");
    cpuReports.add(
        String.format(
            Locale.ROOT,
            "CPU of this process (job, broker and clients) in %s: %.1f s for %s = %.2f ms each;"
                + " by thread group:",
            phase,
            seconds,
            what,
            1000 * seconds / Math.max(1, units)));
    for (String line : ProcessCpu.byThreadGroup(before, 10)) {
      cpuReports.add("    " + line);
    }
  }

  /** p50 / p99 of every field of the results' timings, and what remains outside the job. */
  private void breakdown(PacedQueries.Outcome o) {
    if (o.answered().isEmpty()) {
      return;
    }
    Map<String, List<Double>> fields = new LinkedHashMap<>();
    List<Double> outside = new ArrayList<>();
    Schema timings = o.answered().get(0).result().getTimings().getSchema();
    for (PacedQueries.Sample s : o.answered()) {
      QueryResult r = s.result();
      for (Schema.Field f : timings.getFields()) {
        Object v = r.getTimings().get(f.pos());
        if (v instanceof Number n) {
          fields.computeIfAbsent(f.name(), x -> new ArrayList<>()).add(n.doubleValue());
        }
      }
      outside.add(s.millis() - r.getTimings().getTotalMs());
    }
    fields.put("end-to-end minus total_ms", outside);
    out.println();
    out.printf("Breakdown of phase %s (from each result's timings), milliseconds:%n%n", o.phase());
    out.println("| timing | p50 | p99 | max |");
    out.println("|---|---:|---:|---:|");
    for (Map.Entry<String, List<Double>> e : fields.entrySet()) {
      LatencySummary s = LatencySummary.of(e.getValue());
      out.printf(
          Locale.ROOT, "| %s | %.2f | %.2f | %.2f |%n", e.getKey(), s.p50(), s.p99(), s.max());
    }
  }

  private void status(String phase, int sent, int answered, int waiting, LatencySummary soFar) {
    err.printf(
        Locale.ROOT,
        "[%s] sent %,d, answered %,d, waiting %,d; so far p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        phase,
        sent,
        answered,
        waiting,
        soFar.p50(),
        soFar.p99(),
        soFar.max());
  }

  // ------------------------------------------------------------------------
  //  input
  // ------------------------------------------------------------------------

  private static List<Document> readDocuments(Path path, String namespace) throws IOException {
    Path file = Files.isDirectory(path) ? path.resolve("corpus.jsonl") : path;
    List<Document> docs = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      new CorpusReader(namespace).read(in, d -> docs.add(withNamespace(d, namespace)));
    }
    if (docs.isEmpty()) {
      throw new IOException(file + " holds no documents");
    }
    return docs;
  }

  private static Document withNamespace(Document d, String namespace) {
    return Document.newBuilder(d).setNamespace(namespace).build();
  }

  private static Document withEventTimeNow(Document d) {
    return Document.newBuilder(d)
        .setEventTime(Instant.ofEpochMilli(System.currentTimeMillis()))
        .build();
  }

  /**
   * Query texts: the given file (JSON Lines with "text", or plain lines), else the corpus folder's
   * BEIR {@code queries.jsonl}, else the first words of corpus documents.
   */
  private List<String> queryTexts(List<Document> corpus) throws IOException {
    Path file = settings.queryTexts();
    if (file == null && Files.isDirectory(settings.corpus())) {
      Path beir = settings.corpus().resolve("queries.jsonl");
      file = Files.isRegularFile(beir) ? beir : null;
    }
    List<String> texts = new ArrayList<>();
    if (file != null) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        if (line.startsWith("{")) {
          JsonNode node = JSON.readTree(line);
          if (node.hasNonNull("text")) {
            texts.add(node.get("text").asText());
          }
        } else {
          texts.add(line.trim());
        }
      }
      if (texts.isEmpty()) {
        throw new IOException(file + " holds no query texts");
      }
      return texts;
    }
    for (int i = 0; i < corpus.size(); i += Math.max(1, corpus.size() / 2000)) {
      String[] words = String.valueOf(corpus.get(i).getText()).split("\\s+");
      texts.add(String.join(" ", java.util.Arrays.copyOf(words, Math.min(8, words.length))));
    }
    return texts;
  }

  private static String load() {
    return String.format(
        Locale.ROOT,
        "load average %.2f",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }
}
